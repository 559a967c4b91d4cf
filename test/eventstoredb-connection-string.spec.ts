import { EventStoreConfigError, openEventStore } from '../src/event-store/event-store.config.js';

describe('EVENTSTORE_CONNECTION_STRING settings the adapter cannot work with', () => {
  it.each([
    'esdb://localhost:2113?tls=false&throwOnAppendFailure=false',
    'esdb://admin:changeit@node1:2113,node2:2113?ThrowOnAppendFailure=false',
    'kurrentdb://localhost:2113?tls=false&throw_on_append_failure=false',
  ])('refuses %s at start, naming the variable and the setting, without its password', async (connectionString) => {
    const failure = await openEventStore({ kind: 'eventstoredb', connectionString }, { connectTimeoutMs: 500 }).then(
      () => { throw new Error('openEventStore accepted throwOnAppendFailure=false'); },
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(EventStoreConfigError);
    expect(failure.message).toMatch(/^EVENTSTORE_CONNECTION_STRING '.*' sets what Demarche cannot work with: throwOnAppendFailure=false is not supported/);
    expect(failure.message).not.toContain('changeit');
  });
});
