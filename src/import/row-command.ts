import { getDomain } from 'tldts';
import { cameoName } from '../domain/cameo-vocabulary.js';
import type { Source } from '../domain/incident.js';
import type { ImportCodedEvent } from '../domain/relation.decider.js';
import type { BatchCommand } from '../incidents/batch-decision.js';
import type { CodedEventRow } from './coded-event.js';
import { uuidV5Namer } from './uuid-v5.js';

/** Namespace of imported rows' event and incident ids (UUID v5 of dataset and row key). */
const IMPORT_NAMESPACE = '8f2d6c4a-1b7e-4e95-a0c3-6d2b9e7f1a54';
const importId = uuidV5Namer(IMPORT_NAMESPACE);

/** The event id of a dataset's row: the same row imported again is the same event, which the store records once. */
export function eventIdOfRow(dataset: string, rowKey: string): string {
  return importId(namePrefixesOf(dataset).event, rowKey);
}

/** The id of the incident a row creates when it corroborates none. */
export function incidentIdOfRow(dataset: string, rowKey: string): string {
  return importId(namePrefixesOf(dataset).incident, rowKey);
}

/**
 * A row's names are `dataset/` or `incident/dataset/` followed by its key, hashed without joining
 * them (uuid-v5.ts); the prefixes are made once per dataset rather than once per row.
 */
const namePrefixes = new Map<string, { event: string; incident: string }>();

function namePrefixesOf(dataset: string): { event: string; incident: string } {
  let prefixes = namePrefixes.get(dataset);
  if (!prefixes) namePrefixes.set(dataset, (prefixes = { event: `${dataset}/`, incident: `incident/${dataset}/` }));
  return prefixes;
}

/**
 * A copy of a cell that holds nothing else: a cell cut from a line (or a JSON record) is a slice
 * that keeps the whole chunk of the file it came from alive, and a URL lives on in the decision
 * state's history of every incident created. Measured: retained heap after a 100k-row import
 * 57 MB with slices, 27 MB with copies.
 */
function ownCopy(text: string): string {
  // V8 copies a slice shorter than 13 characters rather than point into its parent (a row key,
  // a CAMEO code): copying it again made two strings per row for nothing.
  if (text.length < SHORTEST_SLICE) return text;
  // The concatenation is flattened into a new string, of which the slice is all but one character.
  return (' ' + text).slice(1);
}

/** V8's SlicedString::kMinLength: shorter substrings are copies. */
const SHORTEST_SLICE = 13;

/** Where the row's report was published: its URL and the URL's registrable domain, else the publisher the dataset names. */
export function sourceOfRow(row: CodedEventRow): Source {
  if (row.sourceUrl) {
    const domain = getDomain(row.sourceUrl);
    // Literals rather than an optional field spread in (a second object, and a property store grown per row).
    return domain ? { url: ownCopy(row.sourceUrl), publisher: sharedPublisher(domain) } : { url: ownCopy(row.sourceUrl) };
  }
  return { publisher: row.publisher === undefined ? 'unnamed publisher' : ownCopy(row.publisher) };
}

/**
 * One string per publishing domain, shared by the rows it published: a file has far fewer domains
 * than rows, and each row's source lives until its batch commits (an incident's, for good).
 * Forgotten wholesale past a bound, as a file of stray domains must not grow it without end.
 */
const publishers = new Map<string, string>();
const REMEMBERED_PUBLISHERS = 100_000;

function sharedPublisher(domain: string): string {
  let publisher = publishers.get(domain);
  if (publisher === undefined) {
    if (publishers.size >= REMEMBERED_PUBLISHERS) publishers.clear();
    publisher = ownCopy(domain);
    publishers.set(publisher, publisher);
  }
  return publisher;
}

/** One summary string per dataset and code, shared by all the incidents they create; by dataset, then code (no key string made per row). */
const summaries = new Map<string, Map<string, string>>();

function summaryOf(cameo: string, dataset: string): string {
  let byCode = summaries.get(dataset);
  if (!byCode) summaries.set(dataset, (byCode = new Map()));
  let summary = byCode.get(cameo);
  if (summary === undefined) byCode.set(ownCopy(cameo), (summary = ownCopy(`${cameoName(cameo)} (CAMEO ${cameo}), coded by ${dataset}`)));
  return summary;
}

/**
 * What the decider gets for a row. The incident id is derived when read: the decider reads it
 * only for a row that creates an incident (a third of an import's rows), and each id is a SHA-1
 * (the two per row were 6 % of the import's main thread in the profile). Otherwise plain,
 * read-only data.
 */
class ImportedRowData implements Readonly<ImportCodedEvent['data']> {
  readonly summary: string;
  readonly source: Source;
  readonly provenance: ImportCodedEvent['data']['provenance'];
  readonly cameo: string;
  readonly occurredOn: string;

  constructor(
    row: CodedEventRow,
    dataset: string,
    readonly actor: string,
    readonly target: string,
    readonly recordedAt: string,
  ) {
    this.cameo = row.cameo;
    this.occurredOn = row.occurredOn;
    this.summary = summaryOf(row.cameo, dataset);
    this.source = sourceOfRow(row);
    this.provenance = { dataset, row: ownCopy(row.rowKey), line: row.line };
  }

  get incidentId(): string {
    return incidentIdOfRow(this.provenance.dataset, this.provenance.row);
  }
}

/**
 * The decider's command for an interstate row, and the batch's entry for it (BatchCommand: the
 * command and its event id): one object rather than a command and an entry around it, since every
 * row's lives until its batch has committed, long enough to be copied by the young GC and promoted.
 */
export class ImportRowCommand implements ImportCodedEvent, BatchCommand {
  readonly type = 'ImportCodedEvent';
  readonly data: ImportedRowData;

  constructor(
    row: CodedEventRow,
    dataset: string,
    actor: string,
    target: string,
    recordedAt: string,
    readonly eventId: string,
  ) {
    this.data = new ImportedRowData(row, dataset, actor, target, recordedAt);
  }

  get command(): ImportCodedEvent {
    return this;
  }

  /** The row's line in the file, for a refusal's report. */
  get line(): number {
    return this.data.provenance.line;
  }
}
