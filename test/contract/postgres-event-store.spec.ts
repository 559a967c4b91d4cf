import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { announceSkip, createTestDatabase, postgresUnavailable, type TestDatabase } from '../support/postgres-database.js';
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
} else {
  announceSkip('PostgreSQL contract', unavailable);
  describe.skip(`PostgreSQL contract — skipped: ${unavailable}`, () => {
    it('passes the shared EventStore contract against a real server', () => undefined);
  });
}
