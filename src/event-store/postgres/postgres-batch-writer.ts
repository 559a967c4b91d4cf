import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ExpectedRevision, StoredEvent } from '../event-store.port.js';
import type { AppendRequest, CommittedBatch as Batch, DecidedAppend, SerialisedEvent } from '../group-commit.js';
import { APPEND_LOCK, EVENTS_TABLE, NOTIFY_CHANNEL } from './postgres-schema.js';
import { storedEventOfText } from '../stored-event-of-text.js';

const { escapeLiteral } = pg;

export type AppendOutcome = DecidedAppend;

export type CommittedBatch = Batch<AppendOutcome>;

export type EventColumns = [position: string, streamId: string, revision: number, eventId: string, type: string, data: string, metadata: string];
export const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';

export function fromColumns([position, streamId, revision, eventId, type, data, metadata]: EventColumns): StoredEvent {
  return { eventId, type, streamId, revision, position, data: JSON.parse(data), metadata: JSON.parse(metadata) };
}

const NO_STREAM = -1;

const literals = (values: string[]) => values.map(escapeLiteral).join(', ');

/**
 * A batch is two round trips, whatever its size: the first takes the lock and reads everything
 * the decisions need, the second writes, notifies and commits. Statements go as one simple-query
 * message each (values escaped as literals), since every round trip is paid while the append
 * lock is held, by every instance waiting for it. In a READ COMMITTED transaction each statement
 * sees what was committed when it started, so the reads after the lock see every earlier batch.
 */
function readUnderLock(eventIds: string[], streamIds: string[]): string {
  return [
    // Explicitly: under a database default of REPEATABLE READ the reads would not see batches committed while waiting for the lock.
    'BEGIN ISOLATION LEVEL READ COMMITTED',
    `SELECT pg_advisory_xact_lock(${APPEND_LOCK[0]}, ${APPEND_LOCK[1]})`,
    `SELECT coalesce(max(position), 0)::text AS position FROM ${EVENTS_TABLE}`,
    `SELECT ${COLUMNS} FROM ${EVENTS_TABLE} WHERE event_id = ANY(ARRAY[${literals(eventIds)}]::text[])`,
    // One backward index probe per stream, however long the stream.
    `SELECT s.stream_id, (SELECT revision FROM ${EVENTS_TABLE} e WHERE e.stream_id = s.stream_id ORDER BY revision DESC LIMIT 1) AS revision
     FROM unnest(ARRAY[${literals(streamIds)}]::text[]) AS s(stream_id)`,
  ].join(';\n');
}

interface Row {
  position: number;
  streamId: string;
  revision: number;
  event: SerialisedEvent;
}

function writeAndCommit(rows: Row[]): string {
  if (rows.length === 0) return 'COMMIT';
  const values = rows.map(({ position, streamId, revision, event }) =>
    `(${position}, ${escapeLiteral(streamId)}, ${revision}, ${escapeLiteral(event.eventId)}, ${escapeLiteral(event.type)}, ${escapeLiteral(event.data)}, ${escapeLiteral(event.metadata)})`,
  );
  return [
    `INSERT INTO ${EVENTS_TABLE} (position, stream_id, revision, event_id, type, data, metadata) VALUES ${values.join(',\n')}`,
    // Delivered to listeners at commit, with the log's new last position.
    `SELECT pg_notify('${NOTIFY_CHANNEL}', '${rows[rows.length - 1].position}')`,
    'COMMIT',
  ].join(';\n');
}

function matches(expected: ExpectedRevision, current: number): boolean {
  return expected === 'any' || (expected === 'no_stream' ? current === NO_STREAM : expected === current);
}

/**
 * Commits batches of appends, one transaction per batch, each append succeeding or failing on
 * its own.
 *
 * A batch takes the append lock, reads the log's last position, the batch's event ids and its
 * streams' revisions, then decides every append in memory: with the lock held no other writer
 * can move a stream or record an event id, so what was read is exact, and the batch can never be
 * aborted by a unique index (which in PostgreSQL would undo the whole batch). One INSERT writes
 * every event of the batch, and listeners are notified at commit.
 */
export class PostgresBatchWriter {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Commits the batch; throws when the transaction fails (its outcome is then unknown: it may have
   * committed). A pooled connection the server has ended (a restart, an administrator) is only
   * found out by the first statement sent on it; nothing was written then, so the batch is tried
   * once more on a fresh connection instead of failing every append in it.
   */
  async commit(batch: AppendRequest[]): Promise<CommittedBatch> {
    try {
      return await this.attempt(batch);
    } catch (error) {
      if (!(error instanceof NothingWritten)) throw error;
      return this.attempt(batch).catch((again: unknown) => {
        throw again instanceof NothingWritten ? again.cause : again;
      });
    }
  }

  private async attempt(batch: AppendRequest[]): Promise<CommittedBatch> {
    const started = performance.now();
    const client = await this.pool.connect();
    let committing = false;
    let failure: Error | undefined;
    // The server can end the connection between two statements (a restart): that arrives as an
    // 'error' event, which would end the process without a listener; the next statement fails.
    const onConnectionError = (error: Error) => {
      failure ??= error;
    };
    client.on('error', onConnectionError);
    try {
      const eventIds = batch.flatMap((request) => request.events.map((event) => event.eventId));
      const streamIds = [...new Set(batch.map((request) => request.streamId))];
      const results = (await client.query(readUnderLock(eventIds, streamIds))) as unknown as pg.QueryResult[];
      const before = Number(results[2].rows[0].position);
      const recorded = new Map<string, StoredEvent>();
      for (const row of results[3].rows as EventRow[]) {
        recorded.set(row.event_id, { eventId: row.event_id, type: row.type, streamId: row.stream_id, revision: row.revision, position: row.position, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) });
      }
      const revisions = new Map<string, number>();
      for (const row of results[4].rows as { stream_id: string; revision: number | null }[]) revisions.set(row.stream_id, row.revision ?? NO_STREAM);

      const rows: Row[] = [];
      const outcomes = batch.map((request) => decide(request, recorded, revisions, rows, before));
      committing = true;
      await client.query(writeAndCommit(rows));
      return { before, outcomes, micros: Math.round((performance.now() - started) * 1000) };
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      if (!committing && isConnectionEnded(error)) throw new NothingWritten(error);
      throw error;
    } finally {
      client.off('error', onConnectionError);
      // A connection that failed mid-batch is not handed to anyone else.
      client.release(failure);
    }
  }
}

/** The batch failed before its writes were sent: retrying it cannot record anything twice. */
class NothingWritten extends Error {
  constructor(override readonly cause: unknown) {
    super(String(cause));
  }
}

/** The server ended the connection (admin_shutdown, crash_shutdown, cannot_connect_now) or the socket closed under it. */
function isConnectionEnded(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === '57P01' || code === '57P02' || code === '57P03' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return error instanceof Error && /Connection terminated/i.test(error.message);
}

interface EventRow {
  position: string;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

/**
 * Decides one append of the batch from what the batch read and what its earlier appends wrote
 * (`recorded`, `revisions` and `rows` take this append's events when it is written).
 */
function decide({ streamId, events, expectedRevision }: AppendRequest, recorded: Map<string, StoredEvent>, revisions: Map<string, number>, rows: Row[], before: number): AppendOutcome {
  const known = events.map((event) => recorded.get(event.eventId)).filter((event) => event !== undefined);
  if (known.length > 0) {
    const elsewhere = known.filter((event) => event.streamId !== streamId);
    if (elsewhere.length > 0) return { kind: 'event-id-conflict', eventIds: elsewhere.map((event) => event.eventId), reason: 'already recorded in another stream' };
    if (known.length < events.length) return { kind: 'event-id-conflict', eventIds: known.map((event) => event.eventId), reason: 'only some of these events were already recorded' };
    return { kind: 'recorded-before', events: known };
  }
  const current = revisions.get(streamId)!;
  if (!matches(expectedRevision, current)) return { kind: 'wrong-revision', actual: current === NO_STREAM ? 'no_stream' : current };
  let position = rows.length > 0 ? rows[rows.length - 1].position : before;
  const written = events.map((event, i): StoredEvent => {
    position++;
    rows.push({ position, streamId, revision: current + 1 + i, event });
    // Parsed (when read) from what is stored, so the answer equals what any reader of the log gets.
    const stored = storedEventOfText(event.eventId, event.type, streamId, current + 1 + i, String(position), event.data, event.metadata);
    recorded.set(event.eventId, stored);
    return stored;
  });
  revisions.set(streamId, current + events.length);
  return { kind: 'written', events: written };
}
