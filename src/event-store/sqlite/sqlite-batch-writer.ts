import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { ExpectedRevision } from '../event-store.port.js';
import type { AppendRequest, CommittedBatch as Batch, SerialisedEvent } from '../group-commit.js';

/**
 * The write side of the SQLite store: one connection that group-commits batches of appends.
 * Everything it takes and returns is plain data, so it runs the same on the caller's thread or
 * on a writer thread of its own (sqlite-writer-thread.ts).
 */

export const SCHEMA_VERSION = 1;

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

/** Streams whose last revision is remembered between batches (the least recently used is forgotten first). */
const REMEMBERED_STREAMS = 100_000;
/** A stream with no events, in the revision bookkeeping. */
const NO_STREAM = -1;

export interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

export type { AppendRequest, SerialisedEvent } from '../group-commit.js';

/** How one append of a batch ended; refusals are data here, and become the port's errors on the store's side. */
export type AppendOutcome =
  | { kind: 'written'; firstRevision: number; positions: number[] }
  /** Every event id was recorded before, by this same append: the events as first recorded. */
  | { kind: 'recorded-before'; rows: EventRow[] }
  | { kind: 'wrong-revision'; actual: number | 'no_stream' }
  | { kind: 'event-id-conflict'; eventIds: string[]; reason: string }
  /** A constraint of the file refused the insert (SqliteError code and message). */
  | { kind: 'refused'; code: string; message: string };

/** `micros`: BEGIN IMMEDIATE … COMMIT, fsync included. */
export type CommittedBatch = Batch<AppendOutcome>;

export interface DurabilitySettings {
  journalMode: string;
  synchronous: number;
  busyTimeoutMs: number;
}

/** Opens the file the way every connection of the store opens it: WAL, and commits synced to disk. */
export function openConnection(file: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(file, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  // A resolved append must survive a power cut, not only a crash of this process.
  db.pragma('synchronous = FULL');
  return db;
}

export function durabilitySettings(db: Database.Database): DurabilitySettings {
  return {
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
    busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number,
  };
}

/** Creates the table (or checks that the file is not from a newer build). */
export function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`${file} has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function matches(expected: ExpectedRevision, current: number): boolean {
  return expected === 'any' || (expected === 'no_stream' ? current === NO_STREAM : expected === current);
}

/** An append of several events failed halfway without a savepoint: the batch is to be committed again with them. */
class SavepointsNeeded extends Error {}

/**
 * By its code rather than by class: the native addon throws instances of whichever copy of
 * better-sqlite3's JavaScript registered last (jest loads one per test file, each in its own
 * realm), so `instanceof` can miss.
 */
function isConstraintError(error: unknown): error is { code: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT') && typeof message === 'string';
}

function prepareStatements(db: Database.Database) {
  return {
    streamRevision: db.prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream_id = ?').pluck(),
    lastPosition: db.prepare<[], number | null>('SELECT MAX(position) FROM events').pluck(),
    byEventId: db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
    insert: db.prepare<[string, number, string, string, string, string]>(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
  };
}

/**
 * Commits batches of appends, one transaction per batch, each append succeeding or failing on
 * its own.
 *
 * An append usually costs one INSERT per event: the writer remembers each stream's last revision,
 * and the UNIQUE (stream_id, revision) and UNIQUE (event_id) indexes refuse an insert when that
 * memory is stale (another process sharing the file appended meanwhile) or an event id is already
 * recorded (a retry). Only then, or when the expected revision does not match, does the append
 * look at the file — its event ids, then the stream's revision — and decide exactly as if
 * nothing had been remembered. The memory is never ahead of the file: it takes a batch's
 * revisions only once the batch has committed.
 */
export class SqliteBatchWriter {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly commitInTransaction: (batch: AppendRequest[]) => { before: number; outcomes: AppendOutcome[]; revisions: Map<string, number> };
  private readonly insertAtomically: (streamId: string, firstRevision: number, events: SerialisedEvent[]) => number[];
  private readonly revisions = new Map<string, number>();
  /**
   * Whether an append of several events is inserted in a savepoint of its own. Not at first: a
   * savepoint per append was a quarter of the writer's time in an import (hundreds of appends a
   * batch). Should such an insert fail halfway, the whole batch is rolled back and committed
   * again with savepoints (SavepointsNeeded), so each append still succeeds or fails on its own.
   */
  private savepoints = false;

  constructor(db: Database.Database) {
    this.statements = prepareStatements(db);
    // Nested inside the batch transaction this runs in a savepoint, so an append of several
    // events that fails halfway leaves nothing behind and does not undo the others.
    this.insertAtomically = db.transaction((streamId: string, firstRevision: number, events: SerialisedEvent[]) =>
      this.insert(streamId, firstRevision, events),
    );
    this.commitInTransaction = db.transaction((batch: AppendRequest[]) => {
      const before = this.statements.lastPosition.get() ?? 0;
      const revisions = new Map<string, number>();
      const outcomes = batch.map((request) => this.appendOptimistically(request, revisions) ?? this.appendChecked(request, revisions));
      return { before, outcomes, revisions };
    }).immediate;
  }

  /** Commits the batch. Throws, having written nothing, when the transaction itself fails (e.g. SQLITE_BUSY). */
  commit(batch: AppendRequest[]): CommittedBatch {
    const started = performance.now();
    const { before, outcomes, revisions } = this.commitOnce(batch);
    const micros = Math.round((performance.now() - started) * 1000);
    this.remember(revisions);
    return { before, outcomes, micros };
  }

  private commitOnce(batch: AppendRequest[]): ReturnType<typeof this.commitInTransaction> {
    try {
      return this.commitInTransaction(batch);
    } catch (error) {
      // The transaction was rolled back whole: nothing of this batch is in the file.
      if (!(error instanceof SavepointsNeeded)) throw error;
      this.savepoints = true;
      try {
        return this.commitInTransaction(batch);
      } finally {
        this.savepoints = false;
      }
    }
  }

  /**
   * The common case: the stream is where this writer last saw it and the event ids are new.
   * Undefined when the expected revision does not match or an index refuses the insert.
   * `revisions` holds what this transaction knows exactly, and takes the new revision.
   */
  private appendOptimistically({ streamId, events, expectedRevision }: AppendRequest, revisions: Map<string, number>): AppendOutcome | undefined {
    let current = revisions.get(streamId) ?? this.revisions.get(streamId);
    if (current === undefined) {
      current = this.statements.streamRevision.get(streamId) ?? NO_STREAM;
      revisions.set(streamId, current);
    }
    if (!matches(expectedRevision, current)) return undefined;
    try {
      const positions = this.insertAll(streamId, current + 1, events);
      revisions.set(streamId, current + events.length);
      return { kind: 'written', firstRevision: current + 1, positions };
    } catch (error) {
      if (isConstraintError(error)) return undefined;
      throw error;
    }
  }

  /** Decides from the file alone: a retry of a recorded append, a stale expected revision, or an insert. */
  private appendChecked({ streamId, events, expectedRevision }: AppendRequest, revisions: Map<string, number>): AppendOutcome {
    const recorded = this.alreadyRecorded(streamId, events);
    if (recorded) return recorded;

    const current = this.statements.streamRevision.get(streamId) ?? NO_STREAM;
    revisions.set(streamId, current);
    if (!matches(expectedRevision, current)) return { kind: 'wrong-revision', actual: current === NO_STREAM ? 'no_stream' : current };
    try {
      const positions = this.insertAll(streamId, current + 1, events);
      revisions.set(streamId, current + events.length);
      return { kind: 'written', firstRevision: current + 1, positions };
    } catch (error) {
      if (isConstraintError(error)) return { kind: 'refused', code: error.code, message: error.message };
      throw error;
    }
  }

  /** One INSERT is atomic by itself; several need a savepoint, or else the batch is done again with them when one fails. */
  private insertAll(streamId: string, firstRevision: number, events: SerialisedEvent[]): number[] {
    if (events.length === 1) return this.insert(streamId, firstRevision, events);
    if (this.savepoints) return this.insertAtomically(streamId, firstRevision, events);
    try {
      return this.insert(streamId, firstRevision, events);
    } catch (error) {
      // Some of the append's events may be in: only rolling back the batch removes them.
      if (isConstraintError(error)) throw new SavepointsNeeded();
      throw error;
    }
  }

  private insert(streamId: string, firstRevision: number, events: SerialisedEvent[]): number[] {
    return events.map((event, i) => {
      const { lastInsertRowid } = this.statements.insert.run(streamId, firstRevision + i, event.eventId, event.type, event.data, event.metadata);
      return Number(lastInsertRowid);
    });
  }

  /**
   * The events as first recorded when this exact append already happened (a retry), or
   * undefined when none of its ids is known. Anything in between is a caller bug worth failing on.
   */
  private alreadyRecorded(streamId: string, events: SerialisedEvent[]): AppendOutcome | undefined {
    const rows = events.map((event) => this.statements.byEventId.get(event.eventId));
    const known = rows.filter((row) => row !== undefined);
    if (known.length === 0) return undefined;

    const elsewhere = known.filter((row) => row.stream_id !== streamId);
    if (elsewhere.length > 0) {
      return { kind: 'event-id-conflict', eventIds: elsewhere.map((row) => row.event_id), reason: 'already recorded in another stream' };
    }
    if (known.length < rows.length) {
      return { kind: 'event-id-conflict', eventIds: known.map((row) => row.event_id), reason: 'only some of these events were already recorded' };
    }
    return { kind: 'recorded-before', rows: known };
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
