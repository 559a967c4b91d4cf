import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { SCHEMA_VERSION } from '../../src/event-store/postgres/postgres-schema.js';
import { announceSkip, createTestDatabase, postgresUnavailable, type TestDatabase } from '../support/postgres-database.js';
import { sleep, waitFor } from '../support/wait.js';
import { newEvent } from './sqlite-fixtures.js';
import { eventStoreContract } from './event-store.contract.js';

const unavailable = await postgresUnavailable();

if (unavailable === undefined) {
  // One database for the file: the contract writes to fresh streams and reads the global log
  // from markers of its own, so its tests share it as they would share a long-lived server.
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('contract');
  });
  afterAll(async () => {
    await database?.drop();
  });

  eventStoreContract('PostgresEventStore', async () => {
    const store = await PostgresEventStore.open({ connectionString: database.url, pollIntervalMs: 50 });
    return { store, cleanup: () => store.close() };
  });

  describe('PostgresEventStore beyond the contract', () => {
    const opened: PostgresEventStore[] = [];
    const open = async (options: { pollIntervalMs?: number } = {}) => {
      const store = await PostgresEventStore.open({ connectionString: database.url, pollIntervalMs: 50, ...options });
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    /** Ends every other connection to the test database, as a server restart or a network cut would. */
    async function cutConnections(): Promise<number> {
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        return rowCount ?? 0;
      } finally {
        await admin.end();
      }
    }

    it('never lets a reader skip: four stores (as four processes) appending at once, a fifth subscribed, sees each event once in position order', async () => {
      const [reader, ...writers] = [await open(), await open(), await open(), await open(), await open()];
      const start = (await reader.readAll(null, 1_000_000)).events.at(-1)?.position ?? null;
      const received: StoredEvent[] = [];
      const errors: unknown[] = [];
      const subscription = reader.subscribeToAll({ after: start, onEvent: (event) => void received.push(event), onError: (error) => void errors.push(error) });

      const streamIds = writers.flatMap((_, w) => Array.from({ length: 5 }, (__, s) => `race-${w}-${s}-${randomUUID()}`));
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let round = 0; round < 20; round++) {
            await Promise.all(streamIds.slice(w * 5, w * 5 + 5).map((streamId) => writer.append(streamId, [newEvent({ round }), newEvent({ round })], 'any')));
          }
        }),
      );
      await waitFor(() => received.length >= 800, 'all 800 events at the subscriber', 15_000);
      await subscription.close();

      const log = (await reader.readAll(start, 10_000)).events;
      expect(log).toHaveLength(800);
      expect(received).toEqual(log);
      const positions = received.map((event) => BigInt(event.position));
      expect(positions.every((position, i) => i === 0 || position > positions[i - 1])).toBe(true);
      expect(errors).toEqual([]);
      for (const streamId of streamIds) expect((await reader.readStream(streamId)).map((event) => event.revision)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }, 30_000);

    it('reports a lost connection through onError exactly once; appends work again and a new subscription resumes from the checkpoint', async () => {
      const store = await open();
      const streamId = `cut-${randomUUID()}`;
      const first = await store.append(streamId, [newEvent()], 'no_stream');
      const received: StoredEvent[] = [];
      const errors: unknown[] = [];
      store.subscribeToAll({ after: null, onEvent: (event) => void (event.streamId === streamId && received.push(event)), onError: (error) => void errors.push(error) });
      await waitFor(() => received.length === 1, 'the first event');

      expect(await cutConnections()).toBeGreaterThan(0);
      await waitFor(() => errors.length > 0, 'onError');
      const second = await store.append(streamId, [newEvent()], 0);
      await sleep(300);

      expect(errors).toHaveLength(1);
      expect(received.map((event) => event.eventId)).toEqual([first.events[0].eventId]);
      const resumed: StoredEvent[] = [];
      store.subscribeToAll({ after: received[0].position, onEvent: (event) => void (event.streamId === streamId && resumed.push(event)) });
      await waitFor(() => resumed.length === 1, 'the event appended after the cut');
      expect(resumed).toEqual(second.events);
    }, 20_000);

    it('never calls onError after close, even when the connections are cut', async () => {
      const store = await open();
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll({ after: null, onEvent: () => undefined, onError: (error) => void errors.push(error) });
      await store.append(`closing-${randomUUID()}`, [newEvent()], 'no_stream');
      await subscription.close();

      await cutConnections();
      await sleep(300);

      expect(errors).toEqual([]);
    });

    it('stores text that SQL quoting could trip over exactly as given: quotes, backslashes, $$, NUL and lone surrogates', async () => {
      const store = await open();
      const streamId = `it's-a-\\stream-${randomUUID()}`;
      const data = { quote: "O'Brien said \"no\"", backslash: 'C:\\temp\\new', dollars: '$$; DROP TABLE demarche.events; --', nul: 'a\u0000b', surrogate: '\ud800 alone', e: "E'\\x'" };

      const { events } = await store.append(streamId, [{ ...newEvent(data), type: "Type'With\\Quote" }], 'no_stream');

      expect(await store.readStream(streamId)).toEqual(events);
      expect(events[0].data).toEqual(data);
      expect(events[0].streamId).toBe(streamId);
    });

    it('wakes a subscription of another process by NOTIFY, well before its poll interval', async () => {
      const [writer, reader] = [await open(), await open({ pollIntervalMs: 60_000 })];
      const streamId = `notify-${randomUUID()}`;
      const received: StoredEvent[] = [];
      const start = (await writer.append(`marker-${randomUUID()}`, [newEvent()], 'no_stream')).position;
      reader.subscribeToAll({ after: start, onEvent: (event) => void (event.streamId === streamId && received.push(event)) });
      await sleep(200);

      await writer.append(streamId, [newEvent()], 'no_stream');

      await waitFor(() => received.length === 1, 'the event from the other store', 5_000);
    });

    it('commits synchronously even when the database default says otherwise', async () => {
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(`ALTER DATABASE ${database.name} SET synchronous_commit = off`);
      try {
        const plain = new pg.Client({ connectionString: database.url });
        await plain.connect();
        expect((await plain.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('off');
        await plain.end();

        expect(await (await open()).synchronousCommit()).toBe('on');
      } finally {
        await admin.query(`ALTER DATABASE ${database.name} RESET synchronous_commit`);
        await admin.end();
      }
    });

    it('appends from several instances at once even when the database defaults to REPEATABLE READ', async () => {
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(`ALTER DATABASE ${database.name} SET default_transaction_isolation = 'repeatable read'`);
      try {
        const stores = [await open(), await open(), await open()];
        const outcomes = await Promise.allSettled(
          stores.flatMap((store) => Array.from({ length: 3 }, async () => {
            for (let i = 0; i < 5; i++) await store.append(`isolation-${randomUUID()}`, [newEvent()], 'no_stream');
          })),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      } finally {
        await admin.query(`ALTER DATABASE ${database.name} RESET default_transaction_isolation`);
        await admin.end();
      }
    });

    it('creates its schema once when several instances start together, and refuses a database from a newer build', async () => {
      const fresh = await createTestDatabase('migrations');
      try {
        const stores = await Promise.all([1, 2, 3].map(() => PostgresEventStore.open({ connectionString: fresh.url })));
        await Promise.all(stores.map((store) => store.close()));
        const admin = new pg.Client({ connectionString: fresh.url });
        await admin.connect();
        try {
          expect((await admin.query('SELECT version FROM demarche.schema_migrations ORDER BY version')).rows.map((row) => row.version)).toEqual(
            Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
          );
          await admin.query('INSERT INTO demarche.schema_migrations (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
        } finally {
          await admin.end();
        }
        await expect(PostgresEventStore.open({ connectionString: fresh.url })).rejects.toThrow(`schema version ${SCHEMA_VERSION + 1}; this build knows up to ${SCHEMA_VERSION}`);
      } finally {
        await fresh.drop();
      }
    });
  });
} else {
  announceSkip('PostgreSQL contract', unavailable);
  describe.skip(`PostgreSQL contract — skipped: ${unavailable}`, () => {
    it('passes the shared EventStore contract against a real server', () => undefined);
  });
}
