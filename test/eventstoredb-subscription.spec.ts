import { status } from '@grpc/grpc-js';
import { NotLeaderError, UnavailableError } from '@eventstore/db-client';
import type { StoredEvent } from '../src/event-store/event-store.port.js';
import { SkippedRecordLog } from '../src/event-store/eventstoredb/eventstoredb-recorded-event.js';
import { deliverFeed } from '../src/event-store/eventstoredb/eventstoredb-subscription.js';
import { serviceError, wireSubscription } from './support/eventstoredb-wire.js';
import { sleep, waitFor } from './support/wait.js';

const at = (n: bigint) => ({ commit: n, prepare: n });

/** The client's real Subscription, fed by a stand-in gRPC call, delivered through the adapter's deliverFeed. */
function subscribe({ after = null as { commit: bigint; prepare: bigint } | null, onEvent = (_: StoredEvent): void | Promise<void> => undefined } = {}) {
  const wire = wireSubscription();
  const received: StoredEvent[] = [];
  const errors: unknown[] = [];
  const lines: string[] = [];
  const subscription = deliverFeed(wire.feed, {
    after,
    onEvent: async (event) => {
      received.push(event);
      await onEvent(event);
    },
    onError: (error) => errors.push(error),
    isApplicationStream: (streamId) => streamId.startsWith('relation-'),
    skipped: new SkippedRecordLog((line) => lines.push(line)),
  });
  return { wire, subscription, received, errors, lines };
}

describe('EventStoreDB subscription delivery (client Subscription over a stand-in gRPC call)', () => {
  it('reports a clean end of the stream once, as an error saying so, and nothing more after close()', async () => {
    const { wire, subscription, received, errors } = subscribe();
    wire.send({ streamId: 'relation-AZE-FRA', data: { n: 1 }, position: at(100n) });
    wire.send({ streamId: 'relation-AZE-FRA', data: { n: 2 }, revision: 1n, position: at(200n) });
    await waitFor(() => received.length === 2, 'two events delivered');

    wire.end();
    await waitFor(() => errors.length > 0, 'the end to be reported');
    await sleep(20);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/EventStoreDB ended the subscription to \$all/);

    await subscription.close();
    expect(errors).toHaveLength(1);
    expect(received.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('reports a dropped connection once, as the client\'s UnavailableError', async () => {
    const { wire, subscription, received, errors } = subscribe();
    wire.send({ streamId: 'relation-AZE-FRA', data: { n: 1 }, position: at(100n) });
    await waitFor(() => received.length === 1, 'one event delivered');

    wire.fail(serviceError(status.UNAVAILABLE, 'Connection dropped'));
    await waitFor(() => errors.length > 0, 'the drop to be reported');
    await sleep(20);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(UnavailableError);
    await subscription.close();
    expect(errors).toHaveLength(1);
  });

  it('reports a leader change as the client\'s NotLeaderError', async () => {
    const { wire, subscription, errors } = subscribe();
    await sleep(10); // the client attaches its error handler to the call once the call exists
    wire.fail(serviceError(status.NOT_FOUND, 'Leader info available', { exception: 'not-leader', 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }));
    await waitFor(() => errors.length > 0, 'the leader change to be reported');
    expect(errors[0]).toBeInstanceOf(NotLeaderError);
    await subscription.close();
  });

  it('reports nothing when closed, whether idle or in the middle of a handler call', async () => {
    const idle = subscribe();
    await sleep(10);
    await idle.subscription.close();
    expect(idle.errors).toEqual([]);
    expect(idle.wire.cancelled()).toBe(true);

    let release!: () => void;
    const busy = subscribe({ onEvent: () => new Promise<void>((resolve) => { release = resolve; }) });
    busy.wire.send({ streamId: 'relation-AZE-FRA', data: {}, position: at(100n) });
    await waitFor(() => busy.received.length === 1, 'the handler to be running');
    const closing = busy.subscription.close();
    release();
    await closing;
    busy.wire.end();
    await sleep(20);
    expect(busy.errors).toEqual([]);
  });

  it('reports a failing handler once and delivers nothing after it', async () => {
    const { wire, subscription, received, errors } = subscribe({
      onEvent: (event) => { if (event.revision === 1) throw new Error('projection refused it'); },
    });
    for (const revision of [0n, 1n, 2n]) wire.send({ streamId: 'relation-AZE-FRA', data: {}, revision, position: at(100n + revision) });
    await waitFor(() => errors.length > 0, 'the handler failure to be reported');
    await sleep(20);
    expect(errors.map(String)).toEqual(['Error: projection refused it']);
    expect(received.map((event) => event.revision)).toEqual([0, 1]);
    await subscription.close();
  });

  it('skips records that are not this application\'s, counting them in a log line, and goes on', async () => {
    const { wire, subscription, received, errors, lines } = subscribe();
    wire.send({ streamId: 'orders-7', data: { total: 3 }, position: at(100n) });
    wire.send({ streamId: 'relation-AZE-FRA', rawData: '[1,2]', position: at(200n) });
    wire.send({ streamId: 'relation-AZE-FRA', rawData: '{broken', position: at(300n) });
    wire.send({ streamId: 'relation-AZE-FRA', data: { ok: true }, position: at(400n) });
    await waitFor(() => received.length === 1, 'the good event delivered');
    expect(received[0]).toMatchObject({ data: { ok: true }, position: '400/400' });
    expect(errors).toEqual([]);
    await subscription.close();
    // The first skip is said at once; the two after it when the subscription stops.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('1 in streams of other applications');
    expect(lines[1]).toContain('2 whose data is not a JSON object');
    expect(lines[1]).toContain('3 since start');
  });

  it('never redelivers the position it resumed after', async () => {
    const { wire, subscription, received } = subscribe({ after: at(200n) });
    for (const n of [100n, 200n, 300n]) wire.send({ streamId: 'relation-AZE-FRA', data: {}, position: at(n) });
    await waitFor(() => received.length === 1, 'the event after the checkpoint');
    await sleep(20);
    expect(received.map((event) => event.position)).toEqual(['300/300']);
    await subscription.close();
  });
});
