import pg from 'pg';
import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllPage,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';
import { CatchUpSubscription, type LogFollower } from '../catch-up-subscription.js';
import { answerAppend, GroupCommit } from '../group-commit.js';
import { COLUMNS, PostgresBatchWriter, fromColumns, type AppendOutcome, type EventColumns } from './postgres-batch-writer.js';
import { comparePositions, isPosition } from './postgres-position.js';
import { EVENTS_TABLE, NOTIFY_CHANNEL, migrate } from './postgres-schema.js';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** How often subscriptions read the log when no notification came (the floor under LISTEN/NOTIFY). */
  pollIntervalMs?: number;
  /** Connections for appends and reads (subscriptions each hold one more, for LISTEN). */
  poolSize?: number;
  /** How long opening a connection may take before the operation fails. */
  connectTimeoutMs?: number;
}

const READ_STREAM = { name: 'demarche-read-stream', text: `SELECT ${COLUMNS} FROM ${EVENTS_TABLE} WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`, rowMode: 'array' };
const READ_ALL = { name: 'demarche-read-all', text: `SELECT ${COLUMNS} FROM ${EVENTS_TABLE} WHERE position > $1 ORDER BY position LIMIT $2`, rowMode: 'array' };

/**
 * Event store on a PostgreSQL database (`EVENT_STORE=postgres`, `DATABASE_URL`), shared by any
 * number of Demarche processes.
 *
 * Appends are group-committed like SQLite's: the appends issued while a batch commits share the
 * next transaction (one WAL flush per batch with synchronous_commit on), each deciding on its own
 * (PostgresBatchWriter). Batches of all processes are serialised by an advisory lock held from
 * reading the log's last position to COMMIT, so positions become visible in order and a reader
 * that has seen position n never later finds a new event below n (docs/postgres.md says why this
 * and not transaction ids). Subscriptions of this process are handed its commits directly and
 * woken by NOTIFY for the others'.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: pg.Pool;
  private readonly groupCommit: GroupCommit<AppendOutcome>;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: PostgresEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 8,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      application_name: 'demarche',
      // A 201 means committed to disk: whatever the role or database says, this session commits
      // synchronously. A process frozen inside a batch (it holds the append lock) is cut off by
      // the server after 10 s, so the other instances' appends do not wait for it forever.
      options: '-c synchronous_commit=on -c idle_in_transaction_session_timeout=10000',
    });
    // An idle connection that dies (server restart) is dropped by the pool and replaced on next use;
    // without a listener the 'error' event would end the process.
    this.pool.on('error', () => undefined);
    const writer = new PostgresBatchWriter(this.pool);
    this.groupCommit = new GroupCommit({
      commit: (batch) => writer.commit(batch),
      answer: answerAppend,
      offer: (before, events) => {
        for (const subscription of this.subscriptions) subscription.offer(before, events);
      },
    });
  }

  /** Connects, creates or upgrades the schema, and returns the store; throws when the server cannot be reached. */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      const client = await store.pool.connect();
      // A connection ended between two statements reports through the next one; the event itself must not end the process.
      const ignore = () => undefined;
      client.on('error', ignore);
      try {
        await migrate(client);
      } finally {
        client.off('error', ignore);
        client.release();
      }
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }

  /** Number of batch transactions committed by this instance; shows that group commit batches. */
  get transactionsCommitted(): number {
    return this.groupCommit.transactions;
  }

  /** Wall-clock time spent in batch transactions, BEGIN to the end of COMMIT. */
  get commitMicros(): number {
    return this.groupCommit.micros;
  }

  /** synchronous_commit as the store's connections see it: 'on' whatever the server, database or role default. */
  async synchronousCommit(): Promise<string> {
    const { rows } = await this.pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    return rows[0].synchronous_commit;
  }

  append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new Error('PostgresEventStore is closed'));
    return this.groupCommit.append(streamId, events, expectedRevision);
  }

  async readStream(streamId: string, fromRevision = 0, maxCount = Number.MAX_SAFE_INTEGER): Promise<StoredEvent[]> {
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) throw new TypeError(`fromRevision must be a non-negative integer, got ${fromRevision}`);
    if (!Number.isSafeInteger(maxCount) || maxCount < 1) throw new TypeError(`maxCount must be a positive integer, got ${maxCount}`);
    const { rows } = await this.pool.query<EventColumns>({ ...READ_STREAM, values: [streamId, Math.min(fromRevision, 2 ** 31 - 1), maxCount] });
    return rows.map(fromColumns);
  }

  async readAll(after: string | null, limit: number): Promise<ReadAllPage> {
    if (after !== null && !this.isPosition(after)) throw new TypeError(`not a position: ${JSON.stringify(after)}`);
    if (!(Number.isSafeInteger(limit) && limit > 0)) throw new TypeError(`invalid limit ${limit}`);
    const events = await this.readAfter(after ?? '0', limit);
    return { events, next: events.length === limit ? events[events.length - 1].position : null };
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    if (this.closing) throw new Error('PostgresEventStore is closed');
    const follower: LogFollower = {
      readAfter: (position, limit) => this.readAfter(String(position), limit),
      listen: (onCommit, onLost) => this.listen(onCommit, onLost),
    };
    const subscription = new CatchUpSubscription(follower, options, this.pollIntervalMs, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    return subscription;
  }

  comparePositions(a: string, b: string): number {
    return comparePositions(a, b);
  }

  isPosition(value: string): boolean {
    return isPosition(value);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async readAfter(position: string, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventColumns>({ ...READ_ALL, values: [position, limit] });
    return rows.map(fromColumns);
  }

  /** A connection of its own that LISTENs, so a notification is never queued behind a long read. */
  private async listen(onCommit: (head: number) => void, onLost: (error: Error) => void): Promise<{ stop(): Promise<void> }> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5_000,
      application_name: 'demarche-listen',
    });
    let stopping = false;
    const lost = (error: Error) => {
      if (!stopping) onLost(error);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('the PostgreSQL connection that listens for new events was closed')));
    client.on('notification', (message) => onCommit(Number(message.payload)));
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (error) {
      stopping = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      stop: async () => {
        stopping = true;
        await client.end();
      },
    };
  }

  private async shutDown(): Promise<void> {
    await this.groupCommit.drain();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.pool.end();
  }
}
