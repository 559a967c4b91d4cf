import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { ExpectedRevision, StoredEvent } from '../event-store.port.js';
import { APPEND_LOCK, EVENTS_TABLE, NOTIFY_CHANNEL } from './postgres-schema.js';

/** A new event with its JSON already serialised (as stored), so the batch does no work that can fail per append. */
export interface SerialisedEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

export interface AppendRequest {
  streamId: string;
  events: SerialisedEvent[];
  expectedRevision: ExpectedRevision;
}

/** How one append of a batch ended; refusals are data here and become the port's errors in the store. */
export type AppendOutcome =
  | { kind: 'written'; events: StoredEvent[] }
  /** Every event id was recorded before, by this same append: the events as first recorded. */
  | { kind: 'recorded-before'; events: StoredEvent[] }
  | { kind: 'wrong-revision'; actual: number | 'no_stream' }
  | { kind: 'event-id-conflict'; eventIds: string[]; reason: string };

export interface CommittedBatch {
  /** The log's last position before the batch: nothing lies between it and the batch's first event. */
  before: number;
  outcomes: AppendOutcome[];
  /** Wall-clock time from BEGIN to the end of COMMIT (the server's fsync included). */
  micros: number;
}

export type EventColumns = [position: string, streamId: string, revision: number, eventId: string, type: string, data: string, metadata: string];
export const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';

export function fromColumns([position, streamId, revision, eventId, type, data, metadata]: EventColumns): StoredEvent {
  return { eventId, type, streamId, revision, position, data: JSON.parse(data), metadata: JSON.parse(metadata) };
}

/** Streams whose last revision is remembered between batches (the least recently used is forgotten first). */
const REMEMBERED_STREAMS = 100_000;
const NO_STREAM = -1;

// The lock and the last position are separate statements: a READ COMMITTED statement sees what
// was committed when it started, so the position must be read after the lock is granted.
const BEGIN_AND_LOCK = `BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK[0]}, ${APPEND_LOCK[1]}); SELECT coalesce(max(position), 0)::text AS position FROM ${EVENTS_TABLE}`;
const BY_EVENT_ID = { name: 'demarche-by-event-id', text: `SELECT ${COLUMNS} FROM ${EVENTS_TABLE} WHERE event_id = ANY($1::text[])`, rowMode: 'array' };
// One backward index probe per stream, however long the stream.
const LAST_REVISIONS = {
  name: 'demarche-last-revisions',
  text: `SELECT s.stream_id, (SELECT revision FROM ${EVENTS_TABLE} e WHERE e.stream_id = s.stream_id ORDER BY revision DESC LIMIT 1) AS revision
         FROM unnest($1::text[]) AS s(stream_id)`,
};
const INSERT_AND_NOTIFY = {
  name: 'demarche-insert',
  text: `WITH inserted AS (
           INSERT INTO ${EVENTS_TABLE} (position, stream_id, revision, event_id, type, data, metadata)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[]))
         SELECT pg_notify('${NOTIFY_CHANNEL}', $8::text)`,
};

function matches(expected: ExpectedRevision, current: number): boolean {
  return expected === 'any' || (expected === 'no_stream' ? current === NO_STREAM : expected === current);
}

/**
 * Commits batches of appends, one transaction per batch, each append succeeding or failing on
 * its own.
 *
 * A batch takes the append lock, reads the log's last position, then decides every append in
 * memory: with the lock held no other writer can move a stream or record an event id, so the
 * revisions and ids read inside the batch are exact, and the batch can never be aborted by a
 * unique index (which in PostgreSQL would undo the whole batch). One INSERT writes every event
 * of the batch and notifies listeners at commit.
 *
 * The writer remembers each stream's last revision; the memory is used only while the log ends
 * where this writer's last batch left it (no other process wrote since), and is dropped after a
 * failed batch, whose outcome is unknown.
 */
export class PostgresBatchWriter {
  private readonly revisions = new Map<string, number>();
  /** The log's last position after this writer's last committed batch. */
  private lastHead: number | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /** Commits the batch; throws when the transaction fails (its outcome is then unknown: it may have committed). */
  async commit(batch: AppendRequest[]): Promise<CommittedBatch> {
    const started = performance.now();
    const client = await this.pool.connect();
    let failure: Error | undefined;
    // The server can end the connection between two statements (a restart): that arrives as an
    // 'error' event, which would end the process without a listener; the next statement fails.
    const onConnectionError = (error: Error) => {
      failure ??= error;
    };
    client.on('error', onConnectionError);
    try {
      const results = (await client.query(BEGIN_AND_LOCK)) as unknown as pg.QueryResult[];
      const before = Number(results[2].rows[0].position);
      if (before !== this.lastHead) this.revisions.clear();
      const { outcomes, rows, revisions } = await this.decide(client, batch, before);
      const head = rows.positions.length > 0 ? rows.positions[rows.positions.length - 1] : before;
      if (rows.positions.length > 0) {
        await client.query({
          ...INSERT_AND_NOTIFY,
          values: [rows.positions, rows.streamIds, rows.revisions, rows.eventIds, rows.types, rows.data, rows.metadata, String(head)],
        });
      }
      await client.query('COMMIT');
      this.lastHead = head;
      this.remember(revisions);
      return { before, outcomes, micros: Math.round((performance.now() - started) * 1000) };
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      this.revisions.clear();
      this.lastHead = undefined;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onConnectionError);
      // A connection that failed mid-batch is not handed to anyone else.
      client.release(failure);
    }
  }

  private async decide(client: pg.PoolClient, batch: AppendRequest[], before: number) {
    const eventIds = batch.flatMap((request) => request.events.map((event) => event.eventId));
    const recorded = new Map<string, StoredEvent>();
    for (const row of (await client.query<EventColumns>({ ...BY_EVENT_ID, values: [eventIds] })).rows) {
      const event = fromColumns(row);
      recorded.set(event.eventId, event);
    }
    const revisions = new Map<string, number>();
    const unknown = [...new Set(batch.map((request) => request.streamId))].filter((streamId) => {
      const remembered = this.revisions.get(streamId);
      if (remembered !== undefined) revisions.set(streamId, remembered);
      return remembered === undefined;
    });
    if (unknown.length > 0) {
      const { rows } = await client.query<{ stream_id: string; revision: number | null }>({ ...LAST_REVISIONS, values: [unknown] });
      for (const row of rows) revisions.set(row.stream_id, row.revision ?? NO_STREAM);
    }

    const rows = { positions: [] as number[], streamIds: [] as string[], revisions: [] as number[], eventIds: [] as string[], types: [] as string[], data: [] as string[], metadata: [] as string[] };
    let position = before;
    const outcomes = batch.map((request): AppendOutcome => {
      const { streamId, events, expectedRevision } = request;
      const known = events.map((event) => recorded.get(event.eventId)).filter((event) => event !== undefined);
      if (known.length > 0) {
        const elsewhere = known.filter((event) => event.streamId !== streamId);
        if (elsewhere.length > 0) return { kind: 'event-id-conflict', eventIds: elsewhere.map((event) => event.eventId), reason: 'already recorded in another stream' };
        if (known.length < events.length) return { kind: 'event-id-conflict', eventIds: known.map((event) => event.eventId), reason: 'only some of these events were already recorded' };
        return { kind: 'recorded-before', events: known };
      }
      const current = revisions.get(streamId)!;
      if (!matches(expectedRevision, current)) return { kind: 'wrong-revision', actual: current === NO_STREAM ? 'no_stream' : current };
      const written = events.map((event, i): StoredEvent => {
        position++;
        rows.positions.push(position);
        rows.streamIds.push(streamId);
        rows.revisions.push(current + 1 + i);
        rows.eventIds.push(event.eventId);
        rows.types.push(event.type);
        rows.data.push(event.data);
        rows.metadata.push(event.metadata);
        // Parsed back from what is stored, so the answer equals what any reader of the log gets.
        return { eventId: event.eventId, type: event.type, streamId, revision: current + 1 + i, position: String(position), data: JSON.parse(event.data), metadata: JSON.parse(event.metadata) };
      });
      for (const event of written) recorded.set(event.eventId, event);
      revisions.set(streamId, current + events.length);
      return { kind: 'written', events: written };
    });
    return { outcomes, rows, revisions };
  }

  /** Keeps what a committed batch learned of its streams' revisions. */
  private remember(revisions: Map<string, number>): void {
    for (const [streamId, revision] of revisions) {
      this.revisions.delete(streamId);
      this.revisions.set(streamId, revision);
    }
    for (const streamId of this.revisions.keys()) {
      if (this.revisions.size <= REMEMBERED_STREAMS) break;
      this.revisions.delete(streamId);
    }
  }
}
