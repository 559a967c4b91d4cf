import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { WrongExpectedRevisionError } from '../../src/event-store/event-store.port.js';
import { EVENT_ID_INDEXED, EVENT_ID_LOOKUP, SCHEMA_VERSION } from '../../src/event-store/sqlite/sqlite-batch-writer.js';
import { UuidV7Generator } from '../../src/incidents/uuid-v7.js';
import { eventIdOfRow } from '../../src/import/row-command.js';
import { EventIdConflictError, SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { newEvent, sqliteContract, temporaryFile } from './sqlite-fixtures.js';
import { sleep, waitFor } from '../support/wait.js';

sqliteContract('SqliteEventStore');

describe('SqliteEventStore', () => {
  let file: string;
  let removeDirectory: () => void;
  const opened: SqliteEventStore[] = [];

  function open(options: { pollIntervalMs?: number; busyTimeoutMs?: number } = {}): SqliteEventStore {
    const store = new SqliteEventStore({ file, ...options });
    opened.push(store);
    return store;
  }

  beforeEach(() => {
    ({ file, removeDirectory } = temporaryFile('nested'));
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    removeDirectory();
  });

  it('creates the parent directory, a WAL-mode file of the current schema version, and syncs fully on its connection', () => {
    const store = open();

    const inspector = new Database(file, { readonly: true });
    try {
      expect(inspector.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(inspector.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      inspector.close();
    }
    expect(store.pragmas()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeoutMs: 5_000 });
    expect(store.file).toBe(file);
  });

  it('keeps every event across close and reopen, and continues the streams', async () => {
    const first = open();
    const written = (await first.append('pair-FRA-DEU', [newEvent({ n: 1 }), newEvent({ n: 2 })], 'no_stream')).events;
    await first.close();

    const reopened = open();

    expect(await reopened.readStream('pair-FRA-DEU')).toEqual(written);
    expect((await reopened.readAll(null, 10)).events).toEqual(written);
    const next = await reopened.append('pair-FRA-DEU', [newEvent()], 1);
    expect(next.nextExpectedRevision).toBe(2);
    expect(reopened.comparePositions(written[1].position, next.position)).toBeLessThan(0);
  });

  it('hands back appended events that serialise, spread and compare as the same events read back', async () => {
    const store = open();
    const appended = (await store.append('pair-FRA-DEU', [newEvent({ n: 1, nested: { list: [1, 'two'] } }), { ...newEvent({ n: 2 }), metadata: { by: 'analyst' } }], 'no_stream')).events;
    const read = await open().readStream('pair-FRA-DEU');

    // Before anything reads the data: as JSON (a response, the live feed), in the same key order.
    expect(JSON.stringify(appended)).toBe(JSON.stringify(read));
    expect(appended.map((event) => ({ ...event }))).toStrictEqual(read.map((event) => ({ ...event })));
    expect(appended.map((event) => Object.keys(event))).toEqual(read.map((event) => Object.keys(event)));
    expect(appended[1].metadata).toStrictEqual({ by: 'analyst' });
    expect(appended[0].data).toBe(appended[0].data);
    // Written like any property: the new value stays, and the text it replaces is not parsed.
    appended[1].data = { replaced: true };
    expect(appended[1].data).toStrictEqual({ replaced: true });
    expect(appended[0].data).toStrictEqual({ n: 1, nested: { list: [1, 'two'] } });
  });

  it('shares one file with a second instance, which sees appends through readAll and through polling', async () => {
    const writer = open();
    const reader = open({ pollIntervalMs: 20 });
    const received: StoredEvent[] = [];
    reader.subscribeToAll({ after: null, onEvent: (event) => { received.push(event); } });

    const appended = (await writer.append('pair-USA-CHN', [newEvent(), newEvent()], 'no_stream')).events;

    expect((await reader.readAll(null, 10)).events).toEqual(appended);
    await waitFor(() => received.length === 2, 'the polled events');
    expect(received).toEqual(appended);
    await expect(reader.append('pair-USA-CHN', [newEvent()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
  });

  it('wakes its own subscriptions on commit instead of waiting for the next poll, even mid-handler', async () => {
    const store = open({ pollIntervalMs: 60_000 });
    const received: StoredEvent[] = [];
    store.subscribeToAll({
      after: null,
      onEvent: async (event) => {
        received.push(event);
        if (event.revision === 0) await store.append('pair-GBR-IRN', [newEvent()], 0);
      },
    });
    await sleep(20);

    await store.append('pair-GBR-IRN', [newEvent()], 'no_stream');

    await waitFor(() => received.length === 2, 'both events', 1_000);
  });

  it('commits 200 concurrent appends in far fewer than 200 transactions', async () => {
    const store = open();

    await Promise.all(Array.from({ length: 200 }, (_, i) => store.append(`stream-${i}`, [newEvent()], 'no_stream')));

    expect(store.transactionsCommitted).toBeGreaterThanOrEqual(1);
    expect(store.transactionsCommitted).toBeLessThanOrEqual(5);
    expect((await store.readAll(null, 1_000)).events).toHaveLength(200);
  });

  it('rejects one append of a batch without undoing the others', async () => {
    const store = open();
    await store.append('busy', [newEvent()], 'no_stream');
    const committedBefore = store.transactionsCommitted;

    const [before, conflicting, after] = await Promise.allSettled([
      store.append('before', [newEvent()], 'no_stream'),
      store.append('busy', [newEvent()], 'no_stream'),
      store.append('after', [newEvent()], 'no_stream'),
    ]);

    expect(store.transactionsCommitted).toBe(committedBefore + 1);
    expect(before.status).toBe('fulfilled');
    expect(after.status).toBe('fulfilled');
    expect(conflicting).toMatchObject({ status: 'rejected', reason: { actual: 0 } });
    expect(await store.readStream('before')).toHaveLength(1);
    expect(await store.readStream('after')).toHaveLength(1);
    expect(await store.readStream('busy')).toHaveLength(1);
  });

  it('rejects an append of several events that fails halfway, leaving none of them, without undoing the others', async () => {
    const store = open();
    const elsewhere = newEvent();
    await store.append('elsewhere', [elsewhere], 'no_stream');
    const committedBefore = store.transactionsCommitted;

    const [before, halfway, after] = await Promise.allSettled([
      store.append('before', [newEvent(), newEvent()], 'no_stream'),
      store.append('halfway', [newEvent(), elsewhere, newEvent()], 'no_stream'),
      store.append('after', [newEvent(), newEvent()], 'no_stream'),
    ]);

    expect(store.transactionsCommitted).toBe(committedBefore + 1);
    expect(before.status).toBe('fulfilled');
    expect(after.status).toBe('fulfilled');
    expect(halfway).toMatchObject({ status: 'rejected', reason: { eventIds: [elsewhere.eventId] } });
    expect(await store.readStream('halfway')).toEqual([]);
    const positions = (await store.readAll(null, 100)).events.map((event) => [event.streamId, Number(event.position)]);
    // Nothing of the failed append took a position: the log runs on without a gap.
    expect(positions).toEqual([['elsewhere', 1], ['before', 2], ['before', 3], ['after', 4], ['after', 5]]);
    // The next batch commits as usual.
    await expect(store.append('before', [newEvent(), newEvent()], 1)).resolves.toMatchObject({ nextExpectedRevision: 3 });
  });

  it('sees revisions written earlier in the same batch', async () => {
    const store = open();

    const [first, second, stale] = await Promise.allSettled([
      store.append('chain', [newEvent()], 'no_stream'),
      store.append('chain', [newEvent()], 0),
      store.append('chain', [newEvent()], 0),
    ]);

    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
    expect(stale).toMatchObject({ status: 'rejected', reason: { actual: 1 } });
  });

  it('remembers where its streams are, but never over what another process appended since', async () => {
    const first = open();
    const second = open();
    await first.append('shared', [newEvent()], 'no_stream');
    await second.append('shared', [newEvent()], 0);

    // `first` last saw the stream at revision 0; the file says 1.
    await expect(first.append('shared', [newEvent()], 0)).rejects.toMatchObject({ actual: 1 });
    await second.append('shared', [newEvent()], 1);
    const anywhere = await first.append('shared', [newEvent()], 'any');
    await expect(first.append('shared', [newEvent(), newEvent()], 2)).rejects.toMatchObject({ actual: 3 });

    expect(anywhere.nextExpectedRevision).toBe(3);
    expect((await first.readStream('shared')).map((event) => event.revision)).toEqual([0, 1, 2, 3]);
  });

  it('answers a retried append with the original events even when it remembers the stream further on', async () => {
    const store = open();
    const retried = newEvent({ n: 1 });
    const original = await store.append('retried', [retried], 'no_stream');
    await store.append('retried', [newEvent()], 0);

    const again = await store.append('retried', [retried], 'no_stream');

    expect(again).toEqual({ ...original, deduplicated: true });
    expect(await store.readStream('retried')).toHaveLength(2);
  });

  it('hands what it commits to its own subscriptions before the appends resolve', async () => {
    const store = open({ pollIntervalMs: 60_000 });
    const received: StoredEvent[] = [];
    store.subscribeToAll({ after: null, onEvent: (event) => { received.push(event); } });
    await sleep(20);

    const { events } = await store.append('handed-over', [newEvent(), newEvent()], 'no_stream');

    expect(received).toEqual(events);
  });

  it("delivers another process's events that came in between before its own, each once, in log order", async () => {
    const mine = open({ pollIntervalMs: 60_000 });
    const other = open({ pollIntervalMs: 60_000 });
    const received: StoredEvent[] = [];
    mine.subscribeToAll({ after: null, onEvent: (event) => { received.push(event); } });
    await sleep(20);

    const before = (await mine.append('mine', [newEvent()], 'no_stream')).events;
    const between = (await other.append('other', [newEvent(), newEvent()], 'no_stream')).events;
    const after = (await mine.append('mine', [newEvent()], 0)).events;

    await waitFor(() => received.length >= 4, 'all four events', 1_000);
    expect(received).toEqual([...before, ...between, ...after]);
  });

  it('refuses an event id reused in another stream or in a partly recorded append', async () => {
    const store = open();
    const recorded = newEvent();
    await store.append('origin', [recorded], 'no_stream');

    await expect(store.append('elsewhere', [recorded], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(store.append('origin', [recorded, newEvent()], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    expect(await store.readStream('elsewhere')).toEqual([]);
    expect(await store.readStream('origin')).toHaveLength(1);
  });

  it('rejects every append of a batch when the transaction cannot start, and recovers afterwards', async () => {
    const store = open({ busyTimeoutMs: 50 });
    const otherProcess = new Database(file);
    otherProcess.exec('BEGIN IMMEDIATE');

    const outcomes = await Promise.allSettled([
      store.append('a', [newEvent()], 'no_stream'),
      store.append('b', [newEvent()], 'no_stream'),
    ]);
    otherProcess.exec('ROLLBACK');
    otherProcess.close();

    expect(outcomes).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ code: 'SQLITE_BUSY' }) },
      { status: 'rejected', reason: expect.objectContaining({ code: 'SQLITE_BUSY' }) },
    ]);
    expect((await store.append('a', [newEvent()], 'no_stream')).nextExpectedRevision).toBe(0);
  });

  it('returns a full page with next set to its last position, and a short page with next null', async () => {
    const store = open();
    await store.append('paged', [newEvent(), newEvent(), newEvent()], 'no_stream');

    const full = await store.readAll(null, 2);
    const rest = await store.readAll(full.next, 2);

    expect(full.next).toBe(full.events[1].position);
    expect(rest.events).toHaveLength(1);
    expect(rest.next).toBeNull();
  });

  // The values are the shared contract's (event-store.contract.ts); what is SQLite's own is that a field name becomes SQL text.
  it('refuses to read a field whose name is not a plain identifier, rather than put it in SQL', async () => {
    const store = open();
    await store.append('relation-FRA-DEU', [newEvent({ incidentId: 'i1', summary: 'plain' })], 'no_stream');

    await expect(store.readStreamFields('relation-FRA-DEU', 0, 10, ["summary') FROM events --"])).rejects.toThrow(TypeError);
    expect(await store.readStreamFields('relation-FRA-DEU', 0, 10, ['summary'])).toEqual([{ revision: 0, values: ['plain'] }]);
  });

  it('upgrades a file of schema version 1 in place: the same events at the same positions, the log and its ids continuing', async () => {
    // A file as builds before schema version 2 left it: a UNIQUE index on the whole event id.
    mkdirSync(dirname(file), { recursive: true });
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    v1.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream_id, revision)) STRICT`);
    const insert = v1.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    const ids = ['7f1c2d9e-0000-4000-8000-000000000001', '7f1c2d9e-0000-4000-8000-000000000002', 'short'];
    insert.run('pair-FRA-DEU', 0, ids[0], 'Noted', '{"n":1}', '{}');
    insert.run('pair-FRA-DEU', 1, ids[1], 'Noted', '{"n":2}', '{}');
    insert.run('pair-ARM-AZE', 0, ids[2], 'Noted', '{"n":3}', '{}');
    v1.pragma('user_version = 1');
    v1.close();

    const store = open();

    expect((await store.readAll(null, 10)).events.map(({ position, streamId, revision, eventId, data }) => ({ position, streamId, revision, eventId, data }))).toEqual([
      { position: '1', streamId: 'pair-FRA-DEU', revision: 0, eventId: ids[0], data: { n: 1 } },
      { position: '2', streamId: 'pair-FRA-DEU', revision: 1, eventId: ids[1], data: { n: 2 } },
      { position: '3', streamId: 'pair-ARM-AZE', revision: 0, eventId: ids[2], data: { n: 3 } },
    ]);
    // Recorded ids are still recorded once: a retry answers with the original, another stream is refused.
    await expect(store.append('pair-FRA-DEU', [{ eventId: ids[1], type: 'Noted', data: { n: 2 }, metadata: {} }], 'any')).resolves.toMatchObject({ position: '2', deduplicated: true });
    await expect(store.append('pair-ARM-AZE', [{ eventId: ids[0], type: 'Noted', data: { n: 1 }, metadata: {} }], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    const next = await store.append('pair-FRA-DEU', [newEvent()], 1);
    expect(next).toMatchObject({ nextExpectedRevision: 2, position: '4' });
    await store.close();

    const inspector = new Database(file, { readonly: true });
    try {
      expect(inspector.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const indexes = inspector.prepare<[], { name: string; unique: number }>("SELECT name, \"unique\" FROM pragma_index_list('events') ORDER BY name").all();
      expect(indexes).toEqual([
        { name: 'events_by_event_id_tail', unique: 0 },
        { name: 'sqlite_autoindex_events_1', unique: 1 },
      ]);
      expect(inspector.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'events_before_v2'").pluck().get()).toBe(0);
      // The old table's pages given back (VACUUM), not left free in a file twice the size.
      expect(inspector.pragma('freelist_count', { simple: true })).toBe(0);
    } finally {
      inspector.close();
    }
  });

  it('finds an event id through its index, never by reading the whole log', () => {
    open();
    const inspector = new Database(file, { readonly: true });
    try {
      const plan = inspector.prepare<[string, string], { detail: string }>(`EXPLAIN QUERY PLAN SELECT * ${EVENT_ID_LOOKUP}`).all('7f1c2d9e-0000-4000-8000-000000000001', '7f1c2d9e-0000-4000-8000-000000000001');
      expect(plan.map((step) => step.detail)).toEqual([expect.stringContaining('USING INDEX events_by_event_id_tail')]);
    } finally {
      inspector.close();
    }
  });

  it('files the ids Demarche makes under keys of their own, even a thousand new incidents made in one millisecond', async () => {
    const store = open();
    const v7 = new UuidV7Generator();
    const now = Date.parse('2026-12-04T20:30:00Z');
    const ids = [
      ...Array.from({ length: 1_000 }, () => v7.next(now)),
      ...Array.from({ length: 1_000 }, (_, row) => eventIdOfRow('gdelt2', String(410_000_000 + row))),
      ...Array.from({ length: 1_000 }, () => newEvent().eventId),
    ];
    await Promise.all(ids.map((eventId, i) => store.append(`pair-${i}`, [{ eventId, type: 'Noted', data: {}, metadata: {} }], 'no_stream')));

    const inspector = new Database(file, { readonly: true });
    try {
      // A key shared by many ids makes each lookup walk them all: the UUIDv7s of one minute share their first 8 characters.
      const keys = inspector.prepare(`SELECT count(DISTINCT ${EVENT_ID_INDEXED}) FROM events`).pluck().get() as number;
      expect(keys).toBeGreaterThanOrEqual(ids.length - 1);
    } finally {
      inspector.close();
    }
  });

  it('refuses an event id that an earlier append of the same batch recorded in another stream', async () => {
    const store = open();
    const shared = newEvent();
    const committedBefore = store.transactionsCommitted;

    const [first, second] = await Promise.allSettled([store.append('first', [shared], 'no_stream'), store.append('second', [shared], 'no_stream')]);

    expect(store.transactionsCommitted).toBe(committedBefore + 1);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: expect.any(EventIdConflictError) });
    expect(await store.readStream('second')).toEqual([]);
  });

  it('compares positions numerically, not as text', () => {
    const store = open();

    expect(store.comparePositions('9', '10')).toBeLessThan(0);
    expect(store.comparePositions('100', '99')).toBeGreaterThan(0);
    expect(store.isPosition('0')).toBe(true);
    expect(store.isPosition('007')).toBe(false);
    expect(store.isPosition('1.5')).toBe(false);
  });

  it('flushes pending appends and stops subscriptions on close', async () => {
    const store = open();
    const errors: unknown[] = [];
    store.subscribeToAll({ after: null, onEvent: () => {}, onError: (error) => { errors.push(error); } });

    const pending = store.append('last-words', [newEvent()], 'no_stream');
    await store.close();

    expect((await pending).nextExpectedRevision).toBe(0);
    await expect(store.append('last-words', [newEvent()], 0)).rejects.toThrow(/closed/);
    const reopened = open();
    expect(await reopened.readStream('last-words')).toHaveLength(1);
    await sleep(50);
    expect(errors).toEqual([]);
  });
});
