import type { CountryCode } from '../domain/countries.js';
import type { IncidentEvidence } from './incident-evidence.js';
import type { AmendmentEvent, IncidentData, IncidentDetails } from '../domain/incident.js';
import { parseOccurrence, type Period } from '../domain/occurrence.js';
import { pairKey } from '../domain/relation-pair.js';
import { Column, type TypedArray, type TypedArrayConstructor } from '../domain/growable-column.js';
import { ChunkedColumn, IncidentIdIndex, PositionColumn, StringPool } from './incident-table.js';

/** A correction or retraction, as the read side keeps it: what it computes with; the rest stays in the store. */
export interface Amendment {
  row: number;
  type: AmendmentEvent['type'];
  recordedMs: number;
  position: string;
  revision: number;
  /** A correction's new date and details, which move the incident in time and change its weight or effect. */
  occurredOn?: string;
  details?: IncidentDetails;
}

/** One country pair: its stream and its rows. */
export interface PairEntry {
  a: CountryCode;
  b: CountryCode;
  /** "AZE-FRA" */
  key: string;
  streamId: string;
  /** Rows of the pair's reports, in log order. */
  reports: Column<Uint32Array>;
  /** Corrections and retractions, in log order. */
  amendments: Amendment[];
  /** Revision of the pair's last event applied: it changes with every event of the pair (what per-pair caches check). */
  lastRevision: number;
  /** Latest `recordedAt` of the pair's events, epoch ms: a view known at or after it knows everything. */
  lastRecordedMs: number;
}

/** `flags` bit: the incident has corrections or a retraction. */
export const FLAG_AMENDED = 1;
/** `flags` bit: the actor is the pair's second country (what facts need of incidents whose details are not kept). */
export const FLAG_ACTOR_IS_B = 2;
/** `flags` bit: the incident answers one with corrections or a retraction, which may move when it counts from. */
export const FLAG_CAUSE_AMENDED = 4;
/** `flags` bit: the incident was imported from machine-coded event data (its weight grows with its evidence). */
export const FLAG_IMPORTED = 8;

/**
 * The per-row number columns and the typed array each is kept in: restoring, persisting and
 * checking a snapshot all read this one table.
 */
export const ROW_COLUMNS = {
  // 249 countries make at most 30,876 pairs.
  pairOfRow: Uint16Array,
  revision: Uint32Array,
  recordedMs: Float64Array,
  /** Reference instant as first reported (see occurrence.ts), epoch ms. */
  atMs: Float64Array,
  /** Ordinal in INCIDENT_TYPES. */
  type: Uint8Array,
  /** Number of the reported date in `dates`. */
  occurredOn: Uint32Array,
  flags: Uint8Array,
  /** Distinct independent sources among the report's own sources (incident-evidence.ts), at most 255. */
  sources: Uint8Array,
} as const;

type RowColumnName = keyof typeof ROW_COLUMNS;
type RowColumns = { readonly [K in RowColumnName]: ChunkedColumn<InstanceType<(typeof ROW_COLUMNS)[K]>> };

/** The storage as plain data and typed arrays: what a snapshot holds. */
export type ReadModelParts = { [K in RowColumnName]: InstanceType<(typeof ROW_COLUMNS)[K]> } & {
  ids: ReturnType<IncidentIdIndex['toSnapshot']>;
  positions: Uint32Array | string[];
  dates: string[];
  effectData: [number, IncidentData][];
  evidence: [number, IncidentEvidence][];
  streamOfKeyedEvent: [string, string][];
  events: number;
  pairs: (Omit<PairEntry, 'key' | 'reports'> & { reports: Uint32Array })[];
};

/** A column as saved, or a new one. */
function restoredColumn<T extends TypedArray>(Type: TypedArrayConstructor<T>, saved: T | undefined): ChunkedColumn<T> {
  return saved ? ChunkedColumn.from(Type, saved) : new ChunkedColumn(Type);
}

/**
 * The read side's storage: one row per reported incident, in log order, held as columns of
 * numbers (see incident-table.ts: 56 bytes per incident, about 90 with the rest), the pairs with
 * their rows and amendments, and what is kept beside them. The documents stay in the event store.
 * It only stores: applying events is relations.projection.ts, reading them is beliefs.ts and the queries.
 */
export class IncidentRows {
  readonly ids: IncidentIdIndex;
  readonly columns: RowColumns;
  readonly positions: PositionColumn;
  readonly dates: StringPool;
  /** The actors, target and details of incidents whose type changes the facts or weighs by its details, by row. */
  readonly effectData: Map<number, IncidentData>;
  /** Evidence per incident row (incident-evidence.ts): imported rows and corroborated ones. */
  readonly evidence: Map<number, IncidentEvidence>;
  readonly amendmentsOf = new Map<number, Amendment[]>();
  /** The rows answering each row (a reciprocal expulsion, a summons in protest): they move when it does. */
  readonly answersTo = new Map<number, number[]>();
  readonly pairs: PairEntry[] = [];
  /** Event ids derived from an Idempotency-Key → stream, so a key reused for another pair is recognised. */
  readonly streamOfKeyedEvent: Map<string, string>;
  events: number;
  private readonly pairByStream = new Map<string, number>();
  private readonly pairByKey = new Map<string, number>();
  /** Parsed periods of the distinct dates, by their number in `dates`. */
  private readonly periods: Period[] = [];

  constructor(saved?: ReadModelParts) {
    this.ids = new IncidentIdIndex(saved?.ids);
    this.columns = Object.fromEntries(
      Object.entries(ROW_COLUMNS).map(([name, Type]) => [name, restoredColumn(Type as TypedArrayConstructor<TypedArray>, saved?.[name as RowColumnName])]),
    ) as unknown as RowColumns;
    this.positions = saved ? PositionColumn.fromSnapshot(saved.positions) : new PositionColumn();
    this.dates = new StringPool(saved?.dates);
    this.effectData = new Map(saved?.effectData);
    for (const [row, data] of this.effectData) if (data.inResponseTo !== undefined) this.noteAnswer(row, data.inResponseTo);
    this.streamOfKeyedEvent = new Map(saved?.streamOfKeyedEvent);
    this.evidence = new Map(saved?.evidence);
    this.events = saved?.events ?? 0;
    for (const pair of saved?.pairs ?? []) {
      const entry: PairEntry = { ...pair, key: pairKey(pair.a, pair.b), reports: Column.from(Uint32Array, pair.reports) };
      this.addPair(entry);
      for (const amendment of entry.amendments) this.noteAmendment(amendment);
    }
  }

  get count(): number {
    return this.columns.type.length;
  }

  pairOfRow(row: number): PairEntry {
    return this.pairs[this.columns.pairOfRow.get(row)];
  }

  pairOfStream(streamId: string): number | undefined {
    return this.pairByStream.get(streamId);
  }

  /** The pair "AZE-FRA" (either order of its countries), if it has events. */
  pairByKeyOf(key: string): PairEntry | undefined {
    const n = this.pairByKey.get(key);
    return n === undefined ? undefined : this.pairs[n];
  }

  pair(a: CountryCode, b: CountryCode): PairEntry | undefined {
    return this.pairByKeyOf(pairKey(a, b));
  }

  addPair(entry: PairEntry): number {
    const n = this.pairs.length;
    this.pairs.push(entry);
    this.pairByStream.set(entry.streamId, n);
    this.pairByKey.set(entry.key, n);
    return n;
  }

  /** Whether the row has corrections or a retraction, or answers a row that has. */
  isAmended(row: number): boolean {
    return (this.columns.flags.get(row) & (FLAG_AMENDED | FLAG_CAUSE_AMENDED)) !== 0;
  }

  /** The period a reported date names (parsed once per distinct date). */
  periodOf(date: number): Period {
    let period = this.periods[date];
    if (!period) {
      const { startMs, endMs } = parseOccurrence(this.dates.get(date));
      period = this.periods[date] = { startMs, endMs };
    }
    return period;
  }

  noteAmendment(amendment: Amendment): void {
    const list = this.amendmentsOf.get(amendment.row);
    if (list) list.push(amendment);
    else this.amendmentsOf.set(amendment.row, [amendment]);
    this.columns.flags.set(amendment.row, this.columns.flags.get(amendment.row) | FLAG_AMENDED);
    this.flagAnswers(amendment.row);
  }

  noteAnswer(row: number, causeId: string): void {
    const cause = this.ids.get(causeId);
    if (cause === undefined) return;
    const answers = this.answersTo.get(cause);
    if (answers) answers.push(row);
    else this.answersTo.set(cause, [row]);
  }

  /** Everything needed to restore this storage without the log up to its checkpoint (see ProjectionRunner). */
  toParts(): ReadModelParts {
    const columns = Object.fromEntries(Object.entries(this.columns).map(([name, column]) => [name, column.toArray()]));
    return {
      ...(columns as { [K in RowColumnName]: InstanceType<(typeof ROW_COLUMNS)[K]> }),
      ids: this.ids.toSnapshot(),
      positions: this.positions.toSnapshot(),
      dates: this.dates.toSnapshot(),
      effectData: [...this.effectData],
      evidence: [...this.evidence],
      streamOfKeyedEvent: [...this.streamOfKeyedEvent],
      events: this.events,
      pairs: this.pairs.map(({ a, b, streamId, reports, amendments, lastRevision, lastRecordedMs }) => ({
        a,
        b,
        streamId,
        reports: reports.toArray(),
        amendments,
        lastRevision,
        lastRecordedMs,
      })),
    };
  }

  /** Answers to an amended incident (and answers to them) may count from another instant now: they are read through their belief. */
  private flagAnswers(row: number): void {
    for (const answer of this.answersTo.get(row) ?? []) {
      if ((this.columns.flags.get(answer) & FLAG_CAUSE_AMENDED) !== 0) continue;
      this.columns.flags.set(answer, this.columns.flags.get(answer) | FLAG_CAUSE_AMENDED);
      this.flagAnswers(answer);
    }
  }
}
