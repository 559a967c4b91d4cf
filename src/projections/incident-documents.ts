import type { AmendmentEvent, IncidentEvent } from '../domain/incident.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import { Beliefs } from './beliefs.js';
import type { IncidentRows } from './incident-rows.js';

/** Reads up to `count` events of a stream from `revision` on: where the read model finds incidents' documents. */
export type EventReader = (streamId: string, revision: number, count: number) => Promise<StoredEvent[]>;

/** An incident's documents as read back from the store. */
export interface IncidentDocument {
  report: StoredEvent;
  /** Its corrections and retraction known at the instant asked for, in log order. */
  amendments: AmendmentEvent[];
  /** The report as believed then: its corrections applied. */
  believed: IncidentEvent;
}

/** Revisions between two wanted reports up to which one read of the run beats two reads. */
const DOCUMENT_GAP = 16;

/**
 * The read side's only access to the event store: the documents (summaries, sources, details)
 * of the incidents a response shows, which the storage leaves in the store. Each amendment is
 * read once per response.
 *
 * Only the embedded store gives a cheap read by revision; on EventStoreDB each response reads its
 * documents over the network (a few runs per response).
 */
export class IncidentDocuments {
  constructor(
    private readonly rows: IncidentRows,
    private readonly beliefs: Beliefs,
    private readonly readEvents: EventReader,
  ) {}

  /** The documents of `rows`, in their order, with the amendments recorded by `knownAtMs`. */
  async of(rows: readonly number[], knownAtMs = Infinity): Promise<IncidentDocument[]> {
    const reports = await this.reports(rows);
    return Promise.all(
      rows.map(async (row, i) => {
        const amendments = await Promise.all(this.beliefs.amendmentsKnownAt(row, knownAtMs).map(({ revision }) => this.amendment(row, revision)));
        const report = reports[i];
        const believed = Beliefs.believedReport({ type: this.beliefs.typeOf(row), data: report.data } as unknown as IncidentEvent, amendments);
        return { report, amendments, believed };
      }),
    );
  }

  private async amendment(row: number, revision: number): Promise<AmendmentEvent> {
    const { streamId } = this.rows.pairOfRow(row);
    const [stored] = await this.readEvents(streamId, revision, 1);
    if (!stored) throw new Error(`the amendment at revision ${revision} of ${streamId} is not in the store`);
    return { type: stored.type, data: stored.data } as unknown as AmendmentEvent;
  }

  /**
   * The reports of `rows`, read from the store a run of nearby revisions of a stream at a time
   * (a timeline's incidents are mostly consecutive in their stream), in the order of `rows`.
   */
  private async reports(rows: readonly number[]): Promise<StoredEvent[]> {
    const { columns, ids, pairs } = this.rows;
    const order = rows.map((row, i) => ({ row, i, pair: columns.pairOfRow.get(row), revision: columns.revision.get(row) }));
    order.sort((x, y) => x.pair - y.pair || x.revision - y.revision);
    const documents: StoredEvent[] = new Array(rows.length);
    const reads: Promise<void>[] = [];
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      while (end < order.length && order[end].pair === order[start].pair && order[end].revision - order[end - 1].revision <= DOCUMENT_GAP) end++;
      const run = order.slice(start, end);
      const { streamId } = pairs[run[0].pair];
      const first = run[0].revision;
      reads.push(
        this.readEvents(streamId, first, run[run.length - 1].revision - first + 1).then((events) => {
          for (const { row, i, revision } of run) {
            const stored = events[revision - first];
            if (stored?.revision !== revision) throw new Error(`incident ${ids.idOf(row)} is not at revision ${revision} of ${streamId}`);
            documents[i] = stored;
          }
        }),
      );
      start = end;
    }
    await Promise.all(reads);
    return documents;
  }
}
