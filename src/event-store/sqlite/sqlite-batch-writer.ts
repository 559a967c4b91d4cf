import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { ExpectedRevision } from '../event-store.port.js';
import type { AppendRequest, CommittedBatch as Batch, SerialisedEvent } from '../group-commit.js';

/**
 * The write side of the SQLite store: one connection that group-commits batches of appends.
 * Everything it takes and returns is plain data, so it runs the same on the caller's thread or
 * on a writer thread of its own (sqlite-writer-thread.ts).
 */

/**
 * The indexed part of an event id: its last 8 characters, which are random in every id Demarche
 * makes — UUIDv4, the UUIDv5 of an imported row (a hash), and the UUIDv7 of a new incident, whose
 * first 12 characters are its millisecond (its first 8, those of a whole minute: as the index key
 * they put a minute's appends under one key, and an append's lookup walked them all, a 4× slower
 * bench:append). An id shorter than 8 characters is its own key.
 */
export const EVENT_ID_INDEXED = 'substr(event_id, -8)';
/**
 * The rows recorded with an event id, found through the index (never a scan of the log); the id is
 * bound twice. SQLite cuts both sides, so they agree on what a character is.
 */
export const EVENT_ID_LOOKUP = `FROM events WHERE ${EVENT_ID_INDEXED} = substr(?, -8) AND event_id = ?`;

/**
 * The file's schema, one migration per version, applied in order from the file's `user_version`
 * (a fresh file runs them all, so every file is made the same way). Append-only: a released
 * migration is never edited.
 */
const MIGRATIONS: readonly string[] = [
  // 1: the log.
  `CREATE TABLE IF NOT EXISTS events (
     position  INTEGER PRIMARY KEY AUTOINCREMENT,
     stream_id TEXT    NOT NULL,
     revision  INTEGER NOT NULL,
     event_id  TEXT    NOT NULL UNIQUE,
     type      TEXT    NOT NULL,
     data      TEXT    NOT NULL,
     metadata  TEXT    NOT NULL,
     UNIQUE (stream_id, revision)
   ) STRICT;`,
  // 2: event ids found through an index of their last 8 characters instead of a UNIQUE index of
  // the whole id. Ids are random (UUIDv4, and the UUIDv5 of an imported row), so each commit
  // rewrote most leaf pages of the whole-id index: at 1M imported rows that index was ≈ 6 of the
  // writer's 8.4 s, and the index of 8 characters, a third its size, costs ≈ 3 (docs/importing.md, "The
  // event-id index"). Uniqueness is now the writer's: it looks every id up, inside its write
  // transaction, before inserting it (SqliteBatchWriter.insert). SQLite cannot drop a column's
  // UNIQUE constraint, so the table is rebuilt, positions and the AUTOINCREMENT counter kept.
  `ALTER TABLE events RENAME TO events_before_v2;
   CREATE TABLE events (
     position  INTEGER PRIMARY KEY AUTOINCREMENT,
     stream_id TEXT    NOT NULL,
     revision  INTEGER NOT NULL,
     event_id  TEXT    NOT NULL,
     type      TEXT    NOT NULL,
     data      TEXT    NOT NULL,
     metadata  TEXT    NOT NULL,
     UNIQUE (stream_id, revision)
   ) STRICT;
   INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata)
     SELECT position, stream_id, revision, event_id, type, data, metadata FROM events_before_v2 ORDER BY position;
   DELETE FROM sqlite_sequence WHERE name = 'events';
   UPDATE sqlite_sequence SET name = 'events' WHERE name = 'events_before_v2';
   DROP TABLE events_before_v2;
   CREATE INDEX events_by_event_id_tail ON events (${EVENT_ID_INDEXED});`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

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

/** The migration that rebuilds the log's table, leaving the old one's pages free in the file. */
const REBUILDING_MIGRATION = 2;

/**
 * Brings the file to SCHEMA_VERSION in one transaction (or refuses a file from a newer build);
 * returns the migrations it applied. `onUpgrade` hears of an upgrade of a file that had events
 * before it runs (a rebuild takes ≈ 7 s per million events, and VACUUM ≈ 5 s more).
 */
export function migrate(db: Database.Database, file: string, onUpgrade?: (message: string) => void): number {
  const from = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`${file} has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
    }
    if (version > 0 && version < SCHEMA_VERSION) {
      const events = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
      onUpgrade?.(`Upgrading ${file} from schema version ${version} to ${SCHEMA_VERSION} (${events} events)…`);
    }
    for (let next = version + 1; next <= SCHEMA_VERSION; next++) db.exec(MIGRATIONS[next - 1]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return version;
  }).immediate();
  // A file rebuilt in place holds its old table's pages as free pages, doubling it on disk: VACUUM
  // gives them back. Should another connection keep it from running, they are reused by later appends.
  if (from > 0 && from < REBUILDING_MIGRATION) {
    try {
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      onUpgrade?.(`${file} upgraded; not compacted (${error instanceof Error ? error.message : String(error)}): later appends reuse its free pages`);
    }
  }
  if (from > 0 && from < SCHEMA_VERSION) onUpgrade?.(`${file} upgraded to schema version ${SCHEMA_VERSION}`);
  return SCHEMA_VERSION - from;
}

function matches(expected: ExpectedRevision, current: number): boolean {
  return expected === 'any' || (expected === 'no_stream' ? current === NO_STREAM : expected === current);
}

/** An insert of an event id already in the file: the constraint error SQLite gave when the ids had a UNIQUE index. */
class EventIdTaken extends Error {
  readonly code = 'SQLITE_CONSTRAINT_UNIQUE';
  constructor() {
    super('UNIQUE constraint failed: events.event_id');
  }
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
    byEventId: db.prepare<[string, string], EventRow>(`SELECT * ${EVENT_ID_LOOKUP}`),
    eventIdRecorded: db.prepare<[string, string], number>(`SELECT 1 ${EVENT_ID_LOOKUP}`).pluck(),
    insert: db.prepare<[string, number, string, string, string, string]>(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
  };
}

/**
 * Commits batches of appends, one transaction per batch, each append succeeding or failing on
 * its own.
 *
 * An append usually costs one lookup and one INSERT per event: the writer remembers each stream's
 * last revision, the UNIQUE (stream_id, revision) index refuses an insert when that memory is stale
 * (another process sharing the file appended meanwhile), and the lookup of the event id refuses it
 * when the id is already recorded (a retry) — inside the write transaction, so no other writer
 * can record the id in between. Only then, or when the expected revision does not match, does the append
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
      // What the UNIQUE index on event ids did before schema version 2, and the same error it threw.
      if (this.statements.eventIdRecorded.get(event.eventId, event.eventId) !== undefined) throw new EventIdTaken();
      const { lastInsertRowid } = this.statements.insert.run(streamId, firstRevision + i, event.eventId, event.type, event.data, event.metadata);
      return Number(lastInsertRowid);
    });
  }

  /**
   * The events as first recorded when this exact append already happened (a retry), or
   * undefined when none of its ids is known. Anything in between is a caller bug worth failing on.
   */
  private alreadyRecorded(streamId: string, events: SerialisedEvent[]): AppendOutcome | undefined {
    const rows = events.map((event) => this.statements.byEventId.get(event.eventId, event.eventId));
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
