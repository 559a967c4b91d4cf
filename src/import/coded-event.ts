/**
 * One row of a machine-coded event file, read but not yet judged: the raw actor and target
 * countries as the dataset spells them, the CAMEO code, and where the row came from.
 * Every reader (GDELT, ICEWS, PLOVER) yields these; the dyad filter and the importer take it from there.
 */
export interface CodedEventRow {
  /** 1-based line (tab-separated files) or record number (JSON) in the file, for skip reports. */
  line: number;
  /** Stable key of the row within its dataset (GDELT GLOBALEVENTID, ICEWS Event ID + line, PLOVER id). */
  rowKey: string;
  actorCountry: string;
  targetCountry: string;
  /** CAMEO event code, 2–4 digits with leading zeros ("043", "0871"). */
  cameo: string;
  /** YYYY-MM-DD */
  occurredOn: string;
  sourceUrl?: string;
  publisher?: string;
  /** Short text describing the event, when the dataset has one. */
  text?: string;
}

/** Why a row was not imported; counted per reason with the first few line numbers. */
export type SkipReason =
  | 'malformed'
  | 'actor-not-a-state'
  | 'target-not-a-state'
  | 'domestic'
  | 'unknown-cameo-code'
  | 'no-cameo-code'
  | 'rejected-by-rules';

/** A row the reader could not read at all: kept with its line so the report can point at it. */
export class MalformedRow {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {}
}

export type ReadRow = CodedEventRow | MalformedRow;
