import { Logger } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  type AppendResult,
  type EventFields,
  type EventStore,
  type ExpectedRevision,
  type JsonObject,
  type NewEvent,
  type ReadAllPage,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  EventIdConflictError,
} from '../event-store.port.js';
import {
  durabilitySettings,
  migrate,
  openConnection,
  SqliteBatchWriter,
  type AppendOutcome,
  type CommittedBatch,
  type EventRow,
} from './sqlite-batch-writer.js';
import { answerAppend, GroupCommit, type AppendAnswer, type AppendRequest } from '../group-commit.js';
import { CatchUpSubscription } from '../catch-up-subscription.js';
import { SqliteWriterThread } from './sqlite-writer-thread.js';
import { storedEventOfText } from '../stored-event-of-text.js';

export interface SqliteEventStoreOptions {
  file: string;
  /** How often subscriptions look for events appended by other processes on the same file. */
  pollIntervalMs?: number;
  /** How long a write waits for another process's transaction before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /**
   * Commit on a writer thread (see SqliteWriterThread) rather than on the caller's. Default: when
   * running compiled JavaScript, which a worker thread can load. A URL runs the thread from that
   * compiled copy of sqlite-writer-thread (for tests that run the TypeScript sources).
   */
  writerThread?: boolean | URL;
}

const POSITION = /^(0|[1-9]\d{0,15})$/;

/** It lives in the port now (both adapters may raise it); still importable from here. */
export { EventIdConflictError };

/** An events row as an array (statements in raw mode): no object per row, a third cheaper to read. */
type EventColumns = [position: number, streamId: string, revision: number, eventId: string, type: string, data: string, metadata: string];
const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';

function prepareStatements(db: Database.Database) {
  return {
    readStream: db
      .prepare<[string, number, number], EventColumns>(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw(true),
    readAll: db.prepare<[bigint | number, number], EventColumns>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true),
  };
}

/**
 * Read by index, not destructured, and the usual empty metadata made without the parser: this
 * runs once per event of every rebuild, where each step showed in the profile.
 */
function fromColumns(row: EventColumns): StoredEvent {
  return { eventId: row[3], type: row[4], streamId: row[1], revision: row[2], position: String(row[0]), data: JSON.parse(row[5]), metadata: parseMetadata(row[6]) };
}

/** A top-level field of events' data that may be named in SQL as is: what a caller asks for is code, never input. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Only `fields` of each event's data, picked out by SQLite as one JSON array per event
 * (`json_array(data -> '$.field', …)`): `->` gives each value's JSON text as stored, escapes
 * included, so parsing the array gives the very strings parsing the whole data gives.
 */
function prepareFieldsRead(db: Database.Database, fields: readonly string[]) {
  for (const field of fields) if (!FIELD_NAME.test(field)) throw new TypeError(`not a field name: ${JSON.stringify(field)}`);
  const picked = fields.map((field) => `data -> '$.${field}'`).join(', ');
  return db
    .prepare<[string, number, number], [revision: number, values: string]>(`SELECT revision, json_array(${picked}) FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`)
    .raw(true);
}

/** SQL says null for a field the data lacks: the port says undefined, as the data read whole would. */
function absentForNull(values: unknown[]): unknown[] {
  for (let i = 0; i < values.length; i++) if (values[i] === null) values[i] = undefined;
  return values;
}

/** Most events carry no metadata ('{}'): a fresh empty object is what JSON.parse would give, for less. */
function parseMetadata(text: string): JsonObject {
  return text === '{}' ? {} : JSON.parse(text);
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

/** The events of a committed append, parsed (when read) from what was written, so they equal what any reader of the file gets. */
function storedEvents({ streamId, events }: AppendRequest, firstRevision: number, positions: number[]): StoredEvent[] {
  return events.map((event, i) =>
    storedEventOfText(event.eventId, event.type, streamId, firstRevision + i, String(positions[i]), event.data, event.metadata),
  );
}

/** The port's answer to one append of a committed batch. */
function answer(request: AppendRequest, outcome: AppendOutcome): AppendAnswer {
  switch (outcome.kind) {
    case 'written':
      return answerAppend(request, { kind: 'written', events: storedEvents(request, outcome.firstRevision, outcome.positions) });
    case 'recorded-before':
      return answerAppend(request, { kind: 'recorded-before', events: outcome.rows.map(toStoredEvent) });
    case 'refused':
      return { error: new Database.SqliteError(outcome.message, outcome.code) };
    default:
      return answerAppend(request, outcome);
  }
}

/**
 * The embedded, zero-setup event store: one SQLite file in WAL mode.
 *
 * Appends are group-committed: the appends issued while the previous batch commits (or before
 * the next turn of the event loop) share one transaction, so the cost of `synchronous = FULL`
 * (an fsync per commit) is paid once per batch instead of once per append, while each append
 * still succeeds or fails on its own (SqliteBatchWriter). Compiled, the store commits on a writer
 * thread (SqliteWriterThread), so the event loop keeps serving while a batch is synced; an append
 * resolves only once its batch has committed, either way.
 *
 * SQLite admits one writer at a time and positions come from the primary key, so positions
 * become visible in order: a reader that has seen position n never later finds a new event
 * below n. That is what makes polling `position > last seen` a correct subscription, also for
 * appends made by other processes sharing the file. Subscriptions of this process are handed
 * the events it commits directly (see CatchUpSubscription).
 */
export class SqliteEventStore implements EventStore {
  /** Reads, the schema, and the writes too when there is no writer thread. */
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly busyTimeoutMs: number;
  private readonly statements: ReturnType<typeof prepareStatements>;
  /** readStreamFields' statements, one per list of fields asked for (a handful, fixed in code). */
  private readonly fieldReads = new Map<string, ReturnType<typeof prepareFieldsRead>>();
  /** Commits on this thread, when there is no writer thread. */
  private readonly inlineWriter: SqliteBatchWriter | undefined;
  private writerThread: SqliteWriterThread | undefined;
  private readonly writerEntry: URL | undefined;
  private readonly groupCommit: GroupCommit<AppendOutcome>;
  /** The batch the writer thread is committing; the next one waits for it. */
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: SqliteEventStoreOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    this.db = openConnection(options.file, this.busyTimeoutMs);
    migrate(this.db, options.file, (message) => new Logger('SqliteEventStore').log(message));
    this.statements = prepareStatements(this.db);
    const writerThread = options.writerThread ?? SqliteWriterThread.available;
    if (writerThread) {
      this.writerEntry = writerThread instanceof URL ? writerThread : undefined;
      this.writerThread = new SqliteWriterThread(options.file, this.busyTimeoutMs, this.writerEntry);
    } else {
      this.inlineWriter = new SqliteBatchWriter(this.db);
    }
    this.groupCommit = new GroupCommit({
      commit: (batch) => this.commit(batch),
      answer,
      offer: (before, events) => {
        for (const subscription of this.subscriptions) subscription.offer(before, events);
      },
    });
  }

  get file(): string {
    return this.options.file;
  }

  /** Number of batch transactions committed by this instance; shows that group commit batches. */
  get transactionsCommitted(): number {
    return this.groupCommit.transactions;
  }

  /** Wall-clock time spent inside batch transactions (BEGIN … COMMIT, fsync included), on whichever thread commits. */
  get commitMicros(): number {
    return this.groupCommit.micros;
  }

  /** Whether batches are committed on a writer thread. */
  get writesOnThread(): boolean {
    return this.writerThread !== undefined;
  }

  /** The durability settings of the connection that writes, which are per connection and cannot be seen from another. */
  pragmas(): { journalMode: string; synchronous: number; busyTimeoutMs: number } {
    // The writer thread opens its connection the way this one was opened; until it reports, this one's settings are its settings.
    return this.writerThread?.durability ?? durabilitySettings(this.db);
  }

  append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new Error('SqliteEventStore is closed'));
    return this.groupCommit.append(streamId, events, expectedRevision);
  }

  async readStream(streamId: string, fromRevision = 0, maxCount = Number.MAX_SAFE_INTEGER): Promise<StoredEvent[]> {
    if (!Number.isSafeInteger(maxCount) || maxCount < 1) throw new TypeError(`maxCount must be a positive integer, got ${maxCount}`);
    return this.statements.readStream.all(streamId, fromRevision, maxCount).map(fromColumns);
  }

  async readStreamFields(streamId: string, fromRevision: number, maxCount: number, fields: readonly string[]): Promise<EventFields[]> {
    if (!Number.isSafeInteger(maxCount) || maxCount < 1) throw new TypeError(`maxCount must be a positive integer, got ${maxCount}`);
    const key = fields.join(',');
    let statement = this.fieldReads.get(key);
    if (!statement) this.fieldReads.set(key, (statement = prepareFieldsRead(this.db, fields)));
    return statement.all(streamId, fromRevision, maxCount).map(([revision, values]) => ({ revision, values: absentForNull(JSON.parse(values) as unknown[]) }));
  }

  async readAll(after: string | null, limit: number): Promise<ReadAllPage> {
    if (after !== null && !this.isPosition(after)) throw new TypeError(`not a position: ${JSON.stringify(after)}`);
    if (!(Number.isSafeInteger(limit) && limit > 0)) throw new TypeError(`invalid limit ${limit}`);
    const events = this.statements.readAll.all(BigInt(after ?? 0), limit).map(fromColumns);
    return { events, next: events.length === limit ? events[events.length - 1].position : null };
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    if (this.closing) throw new Error('SqliteEventStore is closed');
    const log = { readAfter: (position: number, limit: number) => this.statements.readAll.all(position, limit).map(fromColumns) };
    const subscription = new CatchUpSubscription(log, options, this.pollIntervalMs, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    return subscription;
  }

  comparePositions(a: string, b: string): number {
    // Positions this store hands out are canonical decimals: the longer is the larger, else compare as text.
    if (POSITION.test(a) && POSITION.test(b)) {
      if (a.length !== b.length) return a.length < b.length ? -1 : 1;
      return a < b ? -1 : a > b ? 1 : 0;
    }
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
    await this.groupCommit.drain();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.writerThread?.close();
    this.db.close();
  }

  /** One batch in one transaction: inline, or on the writer thread (replaced if it stopped: its batch in flight was answered "unknown"). */
  private commit(batch: AppendRequest[]): CommittedBatch | Promise<CommittedBatch> {
    if (this.inlineWriter) return this.inlineWriter.commit(batch);
    if (!this.writerThread?.alive) this.writerThread = new SqliteWriterThread(this.options.file, this.busyTimeoutMs, this.writerEntry);
    return this.writerThread.commit(batch);
  }
}
