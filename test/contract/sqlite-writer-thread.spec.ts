import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { WrongExpectedRevisionError } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { SqliteWriterThread } from '../../src/event-store/sqlite/sqlite-writer-thread.js';
import { buildServer } from '../support/build-server.js';
import { newEvent, sqliteContract, temporaryFile } from './sqlite-fixtures.js';

/**
 * The SQLite store as it runs compiled (the server, the benchmarks): committing on its writer
 * thread. A worker thread cannot load TypeScript, so the thread runs a compiled copy of
 * src/event-store/sqlite/sqlite-writer-thread.ts built for this suite; everything else is the
 * source under test.
 */

let writerEntry: URL;
let removeBuild: () => void = () => undefined;

beforeAll(async () => {
  const build = await buildServer('sqlite-writer-thread-build');
  removeBuild = build.remove;
  writerEntry = pathToFileURL(join(dirname(build.main), 'event-store', 'sqlite', 'sqlite-writer-thread.js'));
}, 180_000);

afterAll(() => removeBuild());

sqliteContract('SqliteEventStore on its writer thread', () => ({ writerThread: writerEntry }));

describe('SqliteEventStore on its writer thread', () => {
  let file: string;
  let removeDirectory: () => void;
  const opened: SqliteEventStore[] = [];

  function open(options: { busyTimeoutMs?: number; pollIntervalMs?: number } = {}): SqliteEventStore {
    const store = new SqliteEventStore({ file, writerThread: writerEntry, ...options });
    opened.push(store);
    return store;
  }

  beforeEach(() => {
    ({ file, removeDirectory } = temporaryFile());
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    removeDirectory();
  });

  it('commits on the thread, whose connection is in WAL mode and syncs fully', async () => {
    const store = open();

    await store.append('durable', [newEvent()], 'no_stream');

    expect(store.writesOnThread).toBe(true);
    expect(store.pragmas()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeoutMs: 5_000 });
  });

  it('commits concurrent appends in a few batches, each append succeeding or failing on its own', async () => {
    const store = open();
    await store.append('busy', [newEvent()], 'no_stream');

    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 100 }, (_, i) => store.append(`stream-${i}`, [newEvent(), newEvent()], 'no_stream')),
      store.append('busy', [newEvent()], 'no_stream'),
    ]);

    expect(store.transactionsCommitted).toBeLessThanOrEqual(5);
    expect(outcomes.slice(0, 100).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(outcomes[100]).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
    expect(outcomes[100]).toMatchObject({ reason: { actual: 0 } });
    expect((await store.readAll(null, 1_000)).events).toHaveLength(201);
  });

  it('rejects every append of a batch when the transaction cannot start, and recovers afterwards', async () => {
    const store = open({ busyTimeoutMs: 50 });
    await store.append('warm-up', [newEvent()], 'no_stream');
    const otherProcess = new Database(file);
    otherProcess.exec('BEGIN IMMEDIATE');

    const outcomes = await Promise.allSettled([store.append('a', [newEvent()], 'no_stream'), store.append('b', [newEvent()], 'no_stream')]);
    otherProcess.exec('ROLLBACK');
    otherProcess.close();

    expect(outcomes).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ code: 'SQLITE_BUSY' }) },
      { status: 'rejected', reason: expect.objectContaining({ code: 'SQLITE_BUSY' }) },
    ]);
    expect((await store.append('a', [newEvent()], 'no_stream')).nextExpectedRevision).toBe(0);
  });

  it('answers the appends in flight as unknown when the thread dies, and carries on with a new thread', async () => {
    const store = open({ busyTimeoutMs: 2_000 });
    await store.append('before', [newEvent()], 'no_stream');
    // Fault injection: the thread is made to wait for a lock, then killed while it waits.
    const thread = (store as unknown as { writerThread: SqliteWriterThread }).writerThread;
    const otherProcess = new Database(file);
    otherProcess.exec('BEGIN IMMEDIATE');

    const inFlight = store.append('during', [newEvent()], 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const terminated = thread.terminate();
    otherProcess.exec('ROLLBACK');
    otherProcess.close();
    await terminated;

    await expect(inFlight).rejects.toThrow(/may or may not have been committed/);
    expect((await store.append('after', [newEvent()], 'no_stream')).nextExpectedRevision).toBe(0);
    // Whether or not the dead thread committed it, the stream is whole and can be continued from what the file holds.
    const during = await store.readStream('during');
    expect(during.length).toBeLessThanOrEqual(1);
    expect((await store.append('during', [newEvent()], during.length === 0 ? 'no_stream' : 0)).nextExpectedRevision).toBe(during.length);
  });

  it('hands its commits to subscriptions of the same store before the appends resolve', async () => {
    const store = open({ pollIntervalMs: 60_000 });
    const received: StoredEvent[] = [];
    store.subscribeToAll({ after: null, onEvent: (event) => { received.push(event); } });
    await new Promise((resolve) => setTimeout(resolve, 20));

    const { events } = await store.append('seen', [newEvent(), newEvent()], 'no_stream');

    expect(received).toEqual(events);
  });

  it('flushes pending appends on close and lets the thread end', async () => {
    const store = open();

    const pending = store.append('last-words', [newEvent()], 'no_stream');
    await store.close();

    expect((await pending).nextExpectedRevision).toBe(0);
    await expect(store.append('last-words', [newEvent()], 0)).rejects.toThrow(/closed/);
  });
});
