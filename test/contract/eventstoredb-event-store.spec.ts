import { openEventStore, redactCredentials } from '../../src/event-store/event-store.config.js';
import { eventStoreContract } from './event-store.contract.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING?.trim();

if (connectionString) {
  // The server is shared and long-lived: the contract writes to fresh streams and reads the
  // global log from markers of its own, so nothing needs wiping between tests.
  eventStoreContract(`EventStoreDbEventStore at ${redactCredentials(connectionString)}`, async () => {
    // The contract writes `contract-…` streams: those are "this application's" for the run.
    const store = await openEventStore({ kind: 'eventstoredb', connectionString }, { streamPrefix: 'contract-' });
    return { store, cleanup: () => store.close() };
  });
} else {
  const reason =
    'EVENTSTORE_CONNECTION_STRING is not set (no EventStoreDB server can be installed on these machines; ' +
    'run `docker compose up -d eventstore` and EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false npm test -- test/contract)';
  // Straight to stderr: Jest's default reporter drops the console output of a file whose tests are all skipped.
  process.stderr.write(`\n⚠ EventStoreDB contract skipped: ${reason}\n\n`);
  describe.skip(`EventStoreDB contract — skipped: ${reason}`, () => {
    it('passes the shared EventStore contract against a real server', () => undefined);
  });
}
