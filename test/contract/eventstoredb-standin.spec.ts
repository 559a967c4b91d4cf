import { openEventStore } from '../../src/event-store/event-store.config.js';
import { StandInEventStoreDb } from '../support/eventstoredb-standin-server.js';
import { eventStoreContract } from './event-store.contract.js';

/**
 * The shared contract, run by the real EventStoreDB adapter and client over gRPC against the
 * stand-in node of test/support/eventstoredb-standin-server.ts. It is no substitute for the run
 * against a real server (eventstoredb-event-store.spec.ts, with EVENTSTORE_CONNECTION_STRING):
 * the node's answers are the stand-in's reading of the server's rules. It does show that the
 * adapter's side — requests, paging, filtering, subscriptions, dedup detection — holds the contract.
 */
eventStoreContract('EventStoreDbEventStore against a stand-in node', async () => {
  const server = await new StandInEventStoreDb().start();
  const store = await openEventStore({ kind: 'eventstoredb', connectionString: server.connectionString }, { streamPrefix: 'contract-' });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await server.stop();
    },
  };
});
