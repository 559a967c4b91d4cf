import { randomUUID } from 'node:crypto';
import { CancelledError, UnavailableError } from '@eventstore/db-client';
import { openEventStore } from '../src/event-store/event-store.config.js';
import { WrongExpectedRevisionError, type EventStore, type NewEvent, type StoredEvent } from '../src/event-store/event-store.port.js';
import { StandInEventStoreDb, commitTimedOut, notLeader, unavailable } from './support/eventstoredb-standin-server.js';
import { sleep, waitFor } from './support/wait.js';

/**
 * The real adapter and the real EventStoreDB client over gRPC, against a stand-in node
 * (test/support/eventstoredb-standin-server.ts): no EventStoreDB server can run on these
 * machines. What the node does with an append is the stand-in's reading of the server's
 * rules; what these tests check is what the adapter sends and how it answers.
 */
let server: StandInEventStoreDb;
let store: EventStore;

beforeEach(async () => {
  server = await new StandInEventStoreDb().start();
  store = await openEventStore({ kind: 'eventstoredb', connectionString: server.connectionString }, { connectTimeoutMs: 3_000 });
});

afterEach(async () => {
  await store.close();
  await server.stop();
});

const incident = (n = 1): NewEvent => ({ eventId: randomUUID(), type: 'Accusation', data: { n }, metadata: { recordedBy: 'alice' } });
const eventsOf = (streamId: string) => server.log.filter((record) => record.streamId === streamId);

describe('appends that fail on the way', () => {
  it('retries an append whose answer was lost after it was written, with the same ids and expected revision, and records it once', async () => {
    server.appendFault = (attempt) => (attempt === 0 ? { fail: unavailable(), after: 'writing' } : undefined);
    const event = incident();

    const result = await store.append('relation-AZE-FRA', [event], 'no_stream');

    expect(server.attempts).toEqual([
      { streamId: 'relation-AZE-FRA', expected: 'no_stream', eventIds: [event.eventId] },
      { streamId: 'relation-AZE-FRA', expected: 'no_stream', eventIds: [event.eventId] },
    ]);
    expect(eventsOf('relation-AZE-FRA').map((record) => record.id)).toEqual([event.eventId]);
    expect(result).toMatchObject({ nextExpectedRevision: 0, deduplicated: false, events: [{ eventId: event.eventId, revision: 0, data: { n: 1 } }] });
  });

  it('retries after not-leader and a commit timeout, keeping the numeric expected revision', async () => {
    const first = await store.append('relation-AZE-FRA', [incident(1)], 'no_stream');
    server.attempts.length = 0;
    server.appendFault = (attempt) =>
      attempt === 0 ? { fail: notLeader(server), after: 'nothing' } : attempt === 1 ? { fail: commitTimedOut(), after: 'writing' } : undefined;
    const second = incident(2);

    const result = await store.append('relation-AZE-FRA', [second], first.nextExpectedRevision);

    expect(server.attempts.map(({ expected, eventIds }) => ({ expected, eventIds }))).toEqual([
      { expected: '0', eventIds: [second.eventId] },
      { expected: '0', eventIds: [second.eventId] },
      { expected: '0', eventIds: [second.eventId] },
    ]);
    expect(eventsOf('relation-AZE-FRA')).toHaveLength(2);
    expect(result).toMatchObject({ nextExpectedRevision: 1, deduplicated: false });
  });

  it('gives up after a few retries with the client\'s error, having written nothing', async () => {
    server.appendFault = () => ({ fail: unavailable(), after: 'nothing' });
    await expect(store.append('relation-AZE-FRA', [incident()], 'no_stream')).rejects.toBeInstanceOf(UnavailableError);
    expect(server.attempts).toHaveLength(4);
    expect(eventsOf('relation-AZE-FRA')).toEqual([]);
  });

  it("does not retry an append with 'any', whose duplicates the server may not recognise", async () => {
    server.appendFault = (attempt) => (attempt === 0 ? { fail: unavailable(), after: 'nothing' } : undefined);
    await expect(store.append('relation-AZE-FRA', [incident()], 'any')).rejects.toBeInstanceOf(UnavailableError);
    expect(server.attempts).toHaveLength(1);
  });

  it('does not retry a conflict', async () => {
    await store.append('relation-AZE-FRA', [incident(1)], 'no_stream');
    server.attempts.length = 0;
    await expect(store.append('relation-AZE-FRA', [incident(2)], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(server.attempts).toHaveLength(1);
  });
});

describe('reading back an append', () => {
  it('waits for a follower that has not caught up instead of failing the write', async () => {
    server.hiddenFromStreamReads = 1;
    const readsBefore = server.streamReads;
    setTimeout(() => { server.hiddenFromStreamReads = 0; }, 150);
    const event = incident();

    const result = await store.append('relation-AZE-FRA', [event], 'no_stream');

    expect(result.events.map((stored) => stored.eventId)).toEqual([event.eventId]);
    expect(result.position).toMatch(/^\d+\/\d+$/);
    expect(server.streamReads - readsBefore).toBeGreaterThan(2); // the tail before, then more than one read-back
  });
});

describe('readAll on a shared server', () => {
  it('reads past long runs of the server\'s records and other applications\' events to fill its page', async () => {
    for (let i = 0; i < 1_500; i++) server.write({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' });
    const a = await store.append('relation-AZE-FRA', [incident(1)], 'no_stream');
    for (let i = 0; i < 300; i++) server.write({ streamId: `orders-${i}`, type: 'OrderPlaced', data: { i } });
    server.write({ streamId: 'relation-ARM-AZE', rawData: '[not, an, object]' });
    const b = await store.append('relation-AZE-FRA', [incident(2)], 0);

    const first = await store.readAll(null, 1);
    expect(first.events.map((event) => event.eventId)).toEqual([a.events[0]!.eventId]);
    expect(first.next).toBe(a.position);

    const second = await store.readAll(first.next, 1);
    expect(second.events.map((event) => event.eventId)).toEqual([b.events[0]!.eventId]);

    const whole = await store.readAll(null, 1_000);
    expect(whole.events.map((event) => event.eventId)).toEqual([a.events[0]!.eventId, b.events[0]!.eventId]);
    expect(whole.next).toBeNull();
    // Some 1,800 records through gRPC: seconds when the machine is shared, so not the default 5 s.
  }, 30_000);

  it('answers an empty page with next null when nothing of ours follows', async () => {
    for (let i = 0; i < 1_200; i++) server.write({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' });
    expect(await store.readAll(null, 1)).toEqual({ events: [], next: null });
  }, 30_000);
});

describe('subscriptions over gRPC', () => {
  function follow(after: string | null = null) {
    const received: StoredEvent[] = [];
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({ after, onEvent: (event) => { received.push(event); }, onError: (error) => errors.push(error) });
    return { received, errors, subscription };
  }

  it('reports a stream the server ends cleanly, once, and resumes from the checkpoint with nothing twice', async () => {
    await store.append('relation-AZE-FRA', [incident(1)], 'no_stream');
    server.write({ streamId: 'orders-1', data: { i: 1 } });
    const first = follow();
    await waitFor(() => first.received.length === 1 && server.openSubscriptions === 1, 'the history delivered');

    server.endSubscriptions();
    await waitFor(() => first.errors.length > 0, 'the end reported');
    await store.append('relation-AZE-FRA', [incident(2)], 0);
    await sleep(50);
    expect(first.errors.map(String)).toEqual(['Error: EventStoreDB ended the subscription to $all']);
    expect(first.received).toHaveLength(1);
    await first.subscription.close();

    const resumed = follow(first.received[0]!.position);
    await waitFor(() => resumed.received.length === 1, 'the missed event delivered');
    expect(resumed.received.map((event) => event.data)).toEqual([{ n: 2 }]);
    await resumed.subscription.close();
    expect(resumed.errors).toEqual([]);
  });

  it('reports the server going away, once', async () => {
    const { errors, subscription } = follow();
    await waitFor(() => server.openSubscriptions === 1, 'the subscription open');
    await server.stop();
    await waitFor(() => errors.length > 0, 'the drop reported');
    await sleep(50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual(expect.any(Error));
    expect(errors[0] instanceof UnavailableError || errors[0] instanceof CancelledError).toBe(true);
    await subscription.close();
    expect(errors).toHaveLength(1);
  });
});
