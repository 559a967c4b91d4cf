import { HEADLINE_FIELDS, headlineOf, type AmendmentEvent, type HeadlineData, type IncidentEvent, type IncidentHeadline } from '../domain/incident.js';
import type { FieldReader } from '../event-store/event-fields.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import { Beliefs } from './beliefs.js';
import type { IncidentRows } from './incident-rows.js';
import { KeptDocuments } from './kept-documents.js';

/** Reads up to `count` events of a stream from `revision` on: where the read model finds incidents' documents. */
export type EventReader = (streamId: string, revision: number, count: number) => Promise<StoredEvent[]>;

/** An incident's documents as read back from the store. */
export interface IncidentDocument {
  report: StoredEvent;
  /** Its corrections and retraction known at the instant asked for, in log order. */
  amendments: readonly AmendmentEvent[];
  /** The report as believed then: its corrections applied. */
  believed: IncidentEvent;
}

/** How a response reads documents: `keep` for the few a relation view shows again and again (not a timeline's thousands). */
export interface DocumentReading {
  keep?: boolean;
}

/** A report to read: its row, its place in the answer, and where it is in the store. */
interface WantedReport {
  row: number;
  i: number;
  pair: number;
  revision: number;
}

/** The amendments of the many incidents without any: one frozen array, not one each. */
const NO_AMENDMENTS: readonly AmendmentEvent[] = Object.freeze([]);

/** Revisions between two wanted reports up to which one read of the run beats two reads. */
const DOCUMENT_GAP = 16;

/**
 * The read side's only access to the event store: the documents (summaries, sources, details)
 * of the incidents a response shows, which the storage leaves in the store. Each amendment is
 * read once per response.
 *
 * Only the embedded store gives a cheap read by revision; on EventStoreDB each response reads its
 * documents over the network (a few runs per response). The documents of relation views (top
 * contributors) are kept within a byte budget (kept-documents.ts): a page of pairs reads them again
 * on every request.
 */
export class IncidentDocuments {
  private readonly kept = new KeptDocuments();

  constructor(
    private readonly rows: IncidentRows,
    private readonly beliefs: Beliefs,
    private readonly readEvents: EventReader,
    private readonly readFields: FieldReader,
  ) {}

  /** The documents of `rows`, in their order, with the amendments recorded by `knownAtMs`. */
  async of(rows: readonly number[], knownAtMs = Infinity, reading: DocumentReading = {}): Promise<IncidentDocument[]> {
    const reports = await this.reports(rows, reading);
    const amendments = await this.amendmentsOf(rows, knownAtMs, reading);
    return rows.map((row, i) => {
      const report = reports[i];
      const believed = Beliefs.believedReport({ type: this.beliefs.typeOf(row), data: report.data } as unknown as IncidentEvent, amendments[i]);
      return { report, amendments: amendments[i], believed };
    });
  }

  /**
   * The headlines of `rows` as believed at `knownAtMs`, in their order: the same as headlineOf
   * each one's `believed` document, but only the fields a headline shows are read of each report
   * (HEADLINE_FIELDS), not its sources and details. A listing of every incident of a busy year
   * read 30,000 whole reports a request, most of the garbage the server was left with after it
   * (docs/read-performance.md, the ninth pass). An amendment only spreads its changes over the
   * data, so applied to these fields it gives the same headline as applied to the whole.
   */
  async headlinesOf(rows: readonly number[], knownAtMs = Infinity): Promise<IncidentHeadline[]> {
    const fields = await this.inRuns(this.wanted(rows), rows.length, (streamId, first, count) => this.readFields(streamId, first, count, HEADLINE_FIELDS));
    const amendments = await this.amendmentsOf(rows, knownAtMs, {});
    return rows.map((row, i) => {
      const [incidentId, actor, target, occurredOn, summary] = fields[i].values as string[];
      const report = { type: this.beliefs.typeOf(row), data: { incidentId, actor, target, occurredOn, summary } as HeadlineData };
      const believed = Beliefs.believedReport(report as unknown as IncidentEvent, amendments[i]);
      return headlineOf(believed.type, believed.data);
    });
  }

  /**
   * The amendments of each of `rows` known at `knownAtMs`, read from the store. Most incidents
   * have none: those cost no promise (a timeline's 1,100 listed incidents each awaited one).
   */
  private async amendmentsOf(rows: readonly number[], knownAtMs: number, reading: DocumentReading): Promise<Array<readonly AmendmentEvent[]>> {
    const amendments: Array<readonly AmendmentEvent[]> = new Array(rows.length);
    const reads: Promise<void>[] = [];
    rows.forEach((row, i) => {
      const known = this.beliefs.amendmentsKnownAt(row, knownAtMs);
      if (known.length === 0) amendments[i] = NO_AMENDMENTS;
      else reads.push(Promise.all(known.map(({ revision }) => this.amendment(row, revision, reading))).then((read) => void (amendments[i] = read)));
    });
    await Promise.all(reads);
    return amendments;
  }

  private async amendment(row: number, revision: number, { keep }: DocumentReading): Promise<AmendmentEvent> {
    const { streamId } = this.rows.pairOfRow(row);
    const stored = (keep ? this.kept.get(streamId, revision) : undefined) ?? (await this.readEvents(streamId, revision, 1))[0];
    if (!stored) throw new Error(`the amendment at revision ${revision} of ${streamId} is not in the store`);
    if (keep) this.kept.keep(stored);
    return { type: stored.type, data: stored.data } as unknown as AmendmentEvent;
  }

  /**
   * The reports of `rows`, read from the store a run of nearby revisions of a stream at a time
   * (a timeline's incidents are mostly consecutive in their stream), in the order of `rows`.
   */
  private async reports(rows: readonly number[], { keep }: DocumentReading): Promise<StoredEvent[]> {
    const { pairs } = this.rows;
    const documents: StoredEvent[] = new Array(rows.length);
    const order = this.wanted(rows, (i, pair, revision) => {
      const kept = keep ? this.kept.get(pairs[pair].streamId, revision) : undefined;
      if (kept) documents[i] = kept;
      return kept !== undefined;
    });
    const read = await this.inRuns(order, rows.length, (streamId, first, count) => this.readEvents(streamId, first, count));
    for (const { i } of order) {
      documents[i] = read[i];
      if (keep) this.kept.keep(read[i]);
    }
    return documents;
  }

  /** Where each of `rows` is in the store, in the order they are read, leaving out those `had` says are at hand. */
  private wanted(rows: readonly number[], had?: (i: number, pair: number, revision: number) => boolean): WantedReport[] {
    const { columns } = this.rows;
    const order: WantedReport[] = [];
    rows.forEach((row, i) => {
      const pair = columns.pairOfRow.get(row);
      const revision = columns.revision.get(row);
      if (!had?.(i, pair, revision)) order.push({ row, i, pair, revision });
    });
    return order.sort((x, y) => x.pair - y.pair || x.revision - y.revision);
  }

  /**
   * What `read` gives of each report of `order`, at its place `i`, reading a run of nearby
   * revisions of a stream at a time (a timeline's incidents are mostly consecutive in their stream).
   */
  private async inRuns<T extends { revision: number }>(order: readonly WantedReport[], length: number, read: (streamId: string, first: number, count: number) => Promise<T[]>): Promise<T[]> {
    const { ids, pairs } = this.rows;
    const found: T[] = new Array(length);
    const reads: Promise<void>[] = [];
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      while (end < order.length && order[end].pair === order[start].pair && order[end].revision - order[end - 1].revision <= DOCUMENT_GAP) end++;
      const run = order.slice(start, end);
      const { streamId } = pairs[run[0].pair];
      const first = run[0].revision;
      reads.push(
        read(streamId, first, run[run.length - 1].revision - first + 1).then((events) => {
          for (const { row, i, revision } of run) {
            const event = events[revision - first];
            if (event?.revision !== revision) throw new Error(`incident ${ids.idOf(row)} is not at revision ${revision} of ${streamId}`);
            found[i] = event;
          }
        }),
      );
      start = end;
    }
    await Promise.all(reads);
    return found;
  }
}
