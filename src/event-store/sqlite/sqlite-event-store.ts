import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllPage,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  EventIdConflictError,
  WrongExpectedRevisionError,
} from '../event-store.port.js';

export interface SqliteEventStoreOptions {
  file: string;
  /** How often subscriptions look for events appended by other processes on the same file. */
  pollIntervalMs?: number;
  /** How long a write waits for another process's transaction before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

const SCHEMA_VERSION = 1;
const POSITION = /^(0|[1-9]\d{0,15})$/;
const CATCH_UP_PAGE_SIZE = 500;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT    NOT NULL,
    revision  INTEGER NOT NULL,
    event_id  TEXT    NOT NULL UNIQUE,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  ) STRICT;
`;

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

/** A NewEvent with its JSON already serialised, so a payload that cannot be stored fails its own append only. */
interface SerialisedEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

interface PendingAppend {
  streamId: string;
  events: SerialisedEvent[];
  expectedRevision: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** It lives in the port now (both adapters may raise it); still importable from here. */
export { EventIdConflictError };

function prepareStatements(db: Database.Database) {
  return {
    streamRevision: db.prepare<[string], { revision: number | null }>(
      'SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?',
    ),
    byEventId: db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
    insert: db.prepare<[string, number, string, string, string, string]>(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    readStream: db.prepare<[string, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision',
    ),
    readAll: db.prepare<[bigint, number], EventRow>(
      'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
    ),
  };
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    revision: row.revision,
    position: String(row.position),
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
  };
}

function serialise(event: NewEvent): SerialisedEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    data: JSON.stringify(event.data),
    metadata: JSON.stringify(event.metadata ?? {}),
  };
}

function validateAppend(events: NewEvent[], expectedRevision: ExpectedRevision): void {
  if (events.length === 0) throw new TypeError('append needs at least one event');
  if (new Set(events.map((event) => event.eventId)).size !== events.length) {
    throw new TypeError('append got the same event id twice');
  }
  if (typeof expectedRevision === 'number' && !(Number.isSafeInteger(expectedRevision) && expectedRevision >= 0)) {
    throw new TypeError(`invalid expected revision ${expectedRevision}`);
  }
}

function isRequestError(error: unknown): boolean {
  return (
    error instanceof WrongExpectedRevisionError ||
    error instanceof EventIdConflictError ||
    (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT'))
  );
}

/**
 * The embedded, zero-setup event store: one SQLite file in WAL mode.
 *
 * Appends are group-committed: every append issued before the next turn of the event loop
 * shares one transaction, so the cost of `synchronous = FULL` (an fsync per commit) is paid once
 * per batch instead of once per append, while each append still succeeds or fails on its own.
 *
 * SQLite admits one writer at a time and positions come from the primary key, so positions
 * become visible in order: a reader that has seen position n never later finds a new event
 * below n. That is what makes polling `position > last seen` a correct subscription, also for
 * appends made by other processes sharing the file.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly commitBatch: (batch: PendingAppend[]) => Outcome[];
  private readonly appendInSavepoint: (request: PendingAppend) => AppendResult;
  private pending: PendingAppend[] = [];
  private scheduledFlush: NodeJS.Immediate | undefined;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private committed = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: SqliteEventStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5_000 });
    this.db.pragma('journal_mode = WAL');
    // A resolved append must survive a power cut, not only a crash of this process.
    this.db.pragma('synchronous = FULL');
    this.migrate();

    this.statements = prepareStatements(this.db);

    // Nested inside the batch transaction this runs in a savepoint, so a rejected append
    // leaves no partial write behind and does not undo the others.
    this.appendInSavepoint = this.db.transaction((request: PendingAppend) => this.appendNow(request));
    this.commitBatch = this.db.transaction((batch: PendingAppend[]) => batch.map((request) => this.tryAppend(request))).immediate;
  }

  get file(): string {
    return this.options.file;
  }

  /** Number of batch transactions committed by this instance; shows that group commit batches. */
  get transactionsCommitted(): number {
    return this.committed;
  }

  /** The durability settings of this connection, which are per connection and cannot be seen from another. */
  pragmas(): { journalMode: string; synchronous: number; busyTimeoutMs: number } {
    return {
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      busyTimeoutMs: this.db.pragma('busy_timeout', { simple: true }) as number,
    };
  }

  append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new Error('SqliteEventStore is closed'));
    return new Promise((resolve, reject) => {
      validateAppend(events, expectedRevision);
      this.pending.push({ streamId, events: events.map(serialise), expectedRevision, resolve, reject });
      this.scheduledFlush ??= setImmediate(() => this.flush());
    });
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.statements.readStream.all(streamId, fromRevision).map(toStoredEvent);
  }

  async readAll(after: string | null, limit: number): Promise<ReadAllPage> {
    if (after !== null && !this.isPosition(after)) throw new TypeError(`not a position: ${JSON.stringify(after)}`);
    if (!(Number.isSafeInteger(limit) && limit > 0)) throw new TypeError(`invalid limit ${limit}`);
    const events = this.statements.readAll.all(BigInt(after ?? 0), limit).map(toStoredEvent);
    return { events, next: events.length === limit ? events[events.length - 1].position : null };
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    if (this.closing) throw new Error('SqliteEventStore is closed');
    const subscription = new SqliteSubscription(this, options, this.pollIntervalMs, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    return subscription;
  }

  comparePositions(a: string, b: string): number {
    const difference = BigInt(a) - BigInt(b);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }

  isPosition(value: string): boolean {
    return POSITION.test(value);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearImmediate(this.scheduledFlush);
    this.flush();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.db.close();
  }

  private migrate(): void {
    this.db.transaction(() => {
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(`${this.options.file} has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
      }
      this.db.exec(SCHEMA);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  }

  private flush(): void {
    this.scheduledFlush = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;

    let outcomes: Outcome[];
    try {
      outcomes = this.commitBatch(batch);
    } catch (error) {
      for (const request of batch) request.reject(error);
      return;
    }
    this.committed++;
    batch.forEach((request, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) request.resolve(outcome.result);
      else request.reject(outcome.error);
    });
    for (const subscription of this.subscriptions) subscription.wake();
  }

  /** Errors that concern one append are its outcome; any other error aborts the whole batch. */
  private tryAppend(request: PendingAppend): Outcome {
    try {
      return { ok: true, result: this.appendInSavepoint(request) };
    } catch (error) {
      if (isRequestError(error)) return { ok: false, error };
      throw error;
    }
  }

  private appendNow({ streamId, events, expectedRevision }: PendingAppend): AppendResult {
    const recorded = this.alreadyRecorded(streamId, events);
    if (recorded) {
      const last = recorded[recorded.length - 1];
      return { streamId, events: recorded, nextExpectedRevision: last.revision, position: last.position, deduplicated: true };
    }

    const current = this.statements.streamRevision.get(streamId)?.revision ?? null;
    const actual = current ?? 'no_stream';
    const matches = expectedRevision === 'any' || expectedRevision === actual;
    if (!matches) throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);

    const firstRevision = current === null ? 0 : current + 1;
    const stored = events.map((event, i): StoredEvent => {
      const revision = firstRevision + i;
      const { lastInsertRowid } = this.statements.insert.run(streamId, revision, event.eventId, event.type, event.data, event.metadata);
      return toStoredEvent({
        position: Number(lastInsertRowid),
        stream_id: streamId,
        revision,
        event_id: event.eventId,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      });
    });
    const last = stored[stored.length - 1];
    return { streamId, events: stored, nextExpectedRevision: last.revision, position: last.position, deduplicated: false };
  }

  /**
   * The events as first recorded when this exact append already happened (a retry), or
   * undefined when none of its ids is known. Anything in between is a caller bug worth failing on.
   */
  private alreadyRecorded(streamId: string, events: SerialisedEvent[]): StoredEvent[] | undefined {
    const rows = events.map((event) => this.statements.byEventId.get(event.eventId));
    const known = rows.filter((row) => row !== undefined);
    if (known.length === 0) return undefined;

    const elsewhere = known.filter((row) => row.stream_id !== streamId);
    if (elsewhere.length > 0) {
      throw new EventIdConflictError(streamId, elsewhere.map((row) => row.event_id), 'already recorded in another stream');
    }
    if (known.length < rows.length) {
      throw new EventIdConflictError(streamId, known.map((row) => row.event_id), 'only some of these events were already recorded');
    }
    return known.map(toStoredEvent);
  }
}

/**
 * Catch-up subscription: pages through the log from its checkpoint, then sleeps until this
 * store commits (woken at once) or the poll interval elapses (to see other processes' appends).
 */
class SqliteSubscription implements Subscription {
  private closed = false;
  private newsArrived = false;
  private wakeUp: (() => void) | undefined;
  private readonly delivering: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly options: SubscribeOptions,
    private readonly pollIntervalMs: number,
    private readonly onFinished: () => void,
  ) {
    this.delivering = this.deliver().finally(onFinished);
  }

  wake(): void {
    this.newsArrived = true;
    this.wakeUp?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp?.();
    await this.delivering;
  }

  private async deliver(): Promise<void> {
    let position = this.options.after;
    try {
      while (!this.closed) {
        this.newsArrived = false;
        const page = await this.store.readAll(position, CATCH_UP_PAGE_SIZE);
        for (const event of page.events) {
          if (this.closed) return;
          await this.options.onEvent(event);
          position = event.position;
        }
        if (page.next === null) await this.nextNewsOrPoll();
      }
    } catch (error) {
      this.closed = true;
      this.options.onError?.(error);
    }
  }

  private async nextNewsOrPoll(): Promise<void> {
    if (this.newsArrived || this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      timer = setTimeout(resolve, this.pollIntervalMs).unref();
    });
    clearTimeout(timer);
    this.wakeUp = undefined;
  }
}
