/**
 * The one behavioural contract every EventStore adapter must pass. Adapter specs call
 * `eventStoreContract(name, open)`; `open` is called once per test.
 *
 * Every test writes to fresh, uniquely named streams and only looks at events of those streams
 * (reads of the global log start at a marker appended by the test itself), so the suite also runs
 * against a long-lived server that other suites write to at the same time.
 */
import { randomUUID } from 'node:crypto';
import { sleep, waitFor } from '../support/wait.js';
import { fieldReaderOf } from '../../src/event-store/event-fields.js';
import {
  type EventStore,
  type JsonObject,
  type NewEvent,
  type StoredEvent,
  type Subscription,
  WrongExpectedRevisionError,
} from '../../src/event-store/event-store.port.js';

export interface OpenedStore {
  store: EventStore;
  cleanup(): Promise<void>;
}

const newStreamId = (label: string) => `contract-${label}-${randomUUID()}`;

function newEvent(data: JsonObject = { note: 'something happened' }, metadata?: JsonObject): NewEvent {
  return { eventId: randomUUID(), type: 'ContractEventRecorded', data, ...(metadata && { metadata }) };
}

const ids = (events: Pick<StoredEvent, 'eventId'>[]) => events.map((event) => event.eventId);

/** Appends to a throwaway stream so reads of the global log can start after "now". */
async function endOfLog(store: EventStore): Promise<string> {
  return (await store.append(newStreamId('marker'), [newEvent()], 'no_stream')).position;
}

/** Every event of `streamIds` strictly after `after`, paging through the global log. */
async function readAllOf(store: EventStore, streamIds: string[], after: string | null, limit = 500) {
  const wanted = new Set(streamIds);
  const found: StoredEvent[] = [];
  let position = after;
  do {
    const page = await store.readAll(position, limit);
    found.push(...page.events.filter((event) => wanted.has(event.streamId)));
    position = page.next;
  } while (position !== null);
  return found;
}

function expectStrictlyIncreasing(store: EventStore, positions: string[]): void {
  for (let i = 1; i < positions.length; i++) {
    expect(store.comparePositions(positions[i - 1], positions[i])).toBeLessThan(0);
    expect(store.comparePositions(positions[i], positions[i - 1])).toBeGreaterThan(0);
  }
}

async function expectConflict(
  append: Promise<unknown>,
  expected: Pick<WrongExpectedRevisionError, 'streamId' | 'expected' | 'actual'>,
): Promise<void> {
  const error = await append.then(
    () => { throw new Error('append succeeded but a WrongExpectedRevisionError was expected'); },
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject(expected);
}

export function eventStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name} (EventStore contract)`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    const subscriptions: Subscription[] = [];

    /** Subscribes and records only the events of `streamIds`. */
    function subscribe(after: string | null, streamIds: string[], onEvent?: (event: StoredEvent) => Promise<void>) {
      const wanted = new Set(streamIds);
      const received: StoredEvent[] = [];
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll({
        after,
        onEvent: async (event) => {
          if (!wanted.has(event.streamId)) return;
          received.push(event);
          await onEvent?.(event);
        },
        onError: (error) => { errors.push(error); },
      });
      subscriptions.push(subscription);
      return { received, errors, subscription };
    }

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
      await cleanup();
    });

    describe('append and readStream', () => {
      it('hands back exactly what was appended, with revisions 0..n and increasing positions', async () => {
        const streamId = newStreamId('round-trip');
        const written = [
          newEvent(
            { countries: ['FRA', 'DEU'], count: 3, ratio: -0.25, ok: true, none: null, nested: { text: 'Zürich – 北京 🕊️', list: [[], {}] } },
            { correlationId: randomUUID(), actor: { role: 'analyst' } },
          ),
          newEvent({ second: 2 }),
          newEvent({ third: 'three' }, { causationId: 'x' }),
        ];

        const result = await store.append(streamId, written, 'no_stream');
        const read = await store.readStream(streamId);

        expect(read).toEqual(
          written.map((event, revision) => ({
            eventId: event.eventId,
            type: event.type,
            streamId,
            revision,
            position: expect.any(String),
            data: event.data,
            metadata: event.metadata ?? {},
          })),
        );
        expectStrictlyIncreasing(store, read.map((event) => event.position));
        expect(result).toEqual({
          streamId,
          events: read,
          nextExpectedRevision: 2,
          position: read[2].position,
          deduplicated: false,
        });
      });

      it("creates a stream with 'no_stream' and with 'any', and continues it with the current revision", async () => {
        const first = newStreamId('no-stream');
        const second = newStreamId('any');

        expect((await store.append(first, [newEvent()], 'no_stream')).nextExpectedRevision).toBe(0);
        expect((await store.append(second, [newEvent(), newEvent()], 'any')).nextExpectedRevision).toBe(1);
        expect((await store.append(first, [newEvent()], 0)).nextExpectedRevision).toBe(1);
        expect((await store.append(second, [newEvent()], 'any')).nextExpectedRevision).toBe(2);

        expect((await store.readStream(first)).map((event) => event.revision)).toEqual([0, 1]);
        expect((await store.readStream(second)).map((event) => event.revision)).toEqual([0, 1, 2]);
      });

      it('reads a stream from a given revision, at most maxCount events', async () => {
        const streamId = newStreamId('from-revision');
        const written = [newEvent(), newEvent(), newEvent(), newEvent()];
        await store.append(streamId, written, 'no_stream');

        expect(ids(await store.readStream(streamId, 2))).toEqual(ids(written.slice(2)));
        expect(ids(await store.readStream(streamId, 0))).toEqual(ids(written));
        expect(await store.readStream(streamId, 4)).toEqual([]);
        expect(ids(await store.readStream(streamId, 1, 2))).toEqual(ids(written.slice(1, 3)));
        expect(ids(await store.readStream(streamId, 3, 5))).toEqual(ids(written.slice(3)));
      });

      it('reads a missing stream as empty', async () => {
        expect(await store.readStream(newStreamId('missing'))).toEqual([]);
      });

      it('keeps every event’s data and metadata apart and exact, across appends committed together (escapes, surrogates, empty objects, shared metadata)', async () => {
        const texts = ['plain', 'a "quoted" \\ back\nslash\t', 'emoji 😀 and accents éü', 'lone \ud800 surrogate', '', '\u0000 nul', 'x'.repeat(5_000)];
        const shared = { batch: 'one object for many events' };
        const streamIds = texts.map((_, n) => newStreamId(`texts-${n}`));
        // Issued together, so a store that batches commits them in one transaction.
        await Promise.all(
          streamIds.map((streamId, n) =>
            store.append(streamId, texts.map((text, m) => newEvent(m % 3 === 0 ? {} : { text, n, m }, m % 2 === 0 ? shared : { text: texts[(m + n) % texts.length] })), 'no_stream'),
          ),
        );
        for (const [n, streamId] of streamIds.entries()) {
          const read = await store.readStream(streamId);
          expect(read.map(({ data }) => data)).toEqual(texts.map((text, m) => (m % 3 === 0 ? {} : { text, n, m })));
          expect(read.map(({ metadata }) => metadata)).toEqual(texts.map((_, m) => (m % 2 === 0 ? shared : { text: texts[(m + n) % texts.length] })));
        }
      });

      // readStreamFields is optional: a store without it is read whole and the fields picked (event-fields.ts). Either way, the same values.
      it('reads only some fields of a stream’s events: the values the data read whole has, escapes and all, absent ones undefined', async () => {
        const streamId = newStreamId('fields');
        const awkward = ['plain', 'a "quoted" \\ back\nslash\t', 'line\u2028separator, emoji 😀, accents éü', 'lone \ud800 surrogate', '', '\u0001 and \u001f'];
        await store.append(streamId, awkward.map((summary, n) => newEvent({ summary, sources: [{ url: 'https://x' }], ...(n % 2 ? { actor: 'FRA' } : {}) })), 'no_stream');
        const fields = ['actor', 'summary', 'missing'];
        const readFields = fieldReaderOf(store);

        const picked = await readFields(streamId, 1, 4, fields);
        const whole = await store.readStream(streamId, 1, 4);
        expect(picked).toEqual(whole.map(({ revision, data }) => ({ revision, values: [data.actor, data.summary, undefined] })));
        expect(picked.map(({ values }) => values[1])).toEqual(awkward.slice(1, 5));
        expect(await readFields(newStreamId('missing'), 0, 10, fields)).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it('rejects a stale revision, reporting the actual one, and writes nothing', async () => {
        const streamId = newStreamId('stale');
        await store.append(streamId, [newEvent(), newEvent()], 'no_stream');

        await expectConflict(store.append(streamId, [newEvent()], 0), { streamId, expected: 0, actual: 1 });
        await expectConflict(store.append(streamId, [newEvent()], 2), { streamId, expected: 2, actual: 1 });
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it("rejects 'no_stream' on an existing stream", async () => {
        const streamId = newStreamId('exists');
        await store.append(streamId, [newEvent()], 'no_stream');

        await expectConflict(store.append(streamId, [newEvent()], 'no_stream'), { streamId, expected: 'no_stream', actual: 0 });
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('rejects a revision on a missing stream and does not create it', async () => {
        const streamId = newStreamId('missing');

        await expectConflict(store.append(streamId, [newEvent()], 0), { streamId, expected: 0, actual: 'no_stream' });
        expect(await store.readStream(streamId)).toEqual([]);
      });
    });

    describe('idempotency', () => {
      it("records a re-appended event id once and answers with the original result, for the same or 'any' expected revision", async () => {
        const streamId = newStreamId('idempotent');
        const batch = [newEvent({ n: 1 }), newEvent({ n: 2 })];
        const original = await store.append(streamId, batch, 'no_stream');
        const later = await store.append(streamId, [newEvent({ n: 3 })], 1);

        const sameExpected = await store.append(streamId, batch, 'no_stream');
        const anyExpected = await store.append(streamId, batch, 'any');

        for (const retry of [sameExpected, anyExpected]) {
          expect(retry).toEqual({ ...original, deduplicated: true });
        }
        expect(ids(await store.readStream(streamId))).toEqual([...ids(batch), later.events[0].eventId]);
        expect(await readAllOf(store, [streamId], later.position)).toEqual([]);
      });
    });

    describe('global log', () => {
      it('returns events of all streams in append order with strictly increasing positions', async () => {
        const [a, b, c] = [newStreamId('a'), newStreamId('b'), newStreamId('c')];
        const appended: StoredEvent[] = [];
        for (const [streamId, count] of [[a, 2], [b, 1], [a, 1], [c, 3], [b, 1]] as const) {
          appended.push(...(await store.append(streamId, Array.from({ length: count }, () => newEvent()), 'any')).events);
        }

        const read = await readAllOf(store, [a, b, c], null);

        expect(read).toEqual(appended);
        expectStrictlyIncreasing(store, read.map((event) => event.position));
        const shuffled = [...read].reverse().sort((x, y) => store.comparePositions(x.position, y.position));
        expect(ids(shuffled)).toEqual(ids(appended));
      });

      it('reads strictly after a position', async () => {
        const streamId = newStreamId('after');
        const { events } = await store.append(streamId, [newEvent(), newEvent(), newEvent()], 'no_stream');

        expect(ids(await readAllOf(store, [streamId], events[0].position))).toEqual(ids(events.slice(1)));
        expect(await readAllOf(store, [streamId], events[2].position)).toEqual([]);
      });

      it('pages through 2,500 events: each exactly once, in order, no page over the limit, next null at the end', async () => {
        const start = await endOfLog(store);
        const streamIds = Array.from({ length: 25 }, (_, i) => newStreamId(`page-${i}`));
        const appended: StoredEvent[] = [];
        for (const streamId of streamIds) {
          const batch = Array.from({ length: 100 }, (_, n) => newEvent({ n }));
          appended.push(...(await store.append(streamId, batch, 'no_stream')).events);
        }

        const wanted = new Set(streamIds);
        const read: StoredEvent[] = [];
        let after: string | null = start;
        let pages = 0;
        while (after !== null) {
          const page = await store.readAll(after, 100);
          expect(page.events.length).toBeLessThanOrEqual(100);
          expectStrictlyIncreasing(store, page.events.map((event) => event.position));
          read.push(...page.events.filter((event) => wanted.has(event.streamId)));
          after = page.next;
          expect(++pages).toBeLessThan(1_000);
        }

        expect(read).toHaveLength(2_500);
        expect(new Set(ids(read)).size).toBe(2_500);
        expect(ids(read)).toEqual(ids(appended));
        expect(pages).toBeGreaterThanOrEqual(25);
      }, 60_000);
    });

    describe('concurrency', () => {
      it('lets exactly one of several appends with the same expected revision win', async () => {
        const streamId = newStreamId('race');
        await store.append(streamId, [newEvent()], 'no_stream');
        const contenders = Array.from({ length: 10 }, () => newEvent());

        const outcomes = await Promise.allSettled(contenders.map((event) => store.append(streamId, [event], 0)));

        const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(9);
        for (const loser of losers) {
          expect(loser).toBeInstanceOf(WrongExpectedRevisionError);
          expect(loser).toMatchObject({ expected: 0, actual: 1 });
        }
        const stream = await store.readStream(streamId);
        expect(stream).toHaveLength(2);
        expect(stream[1].eventId).toBe(winners[0].value.events[0].eventId);
      });

      it("lets exactly one of several 'no_stream' appends create a stream", async () => {
        const streamId = newStreamId('create-race');

        const outcomes = await Promise.allSettled(
          Array.from({ length: 5 }, () => store.append(streamId, [newEvent()], 'no_stream')),
        );

        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('lets 50 concurrent appends to different streams all succeed', async () => {
        const streamIds = Array.from({ length: 50 }, (_, i) => newStreamId(`parallel-${i}`));

        const results = await Promise.all(streamIds.map((streamId) => store.append(streamId, [newEvent(), newEvent()], 'no_stream')));

        expect(results.map((result) => result.nextExpectedRevision)).toEqual(streamIds.map(() => 1));
        expect(new Set(results.flatMap((result) => result.events.map((event) => event.position))).size).toBe(100);
        for (const streamId of streamIds) expect(await store.readStream(streamId)).toHaveLength(2);
      });
    });

    describe('subscribeToAll', () => {
      it('from the start delivers history, then later appends, in order', async () => {
        const streamId = newStreamId('subscribe-all');
        const history = (await store.append(streamId, [newEvent(), newEvent()], 'no_stream')).events;

        const { received, errors } = subscribe(null, [streamId]);
        await waitFor(() => received.length >= 2, 'history', 15_000);
        const live = [
          ...(await store.append(streamId, [newEvent()], 1)).events,
          ...(await store.append(streamId, [newEvent(), newEvent()], 2)).events,
        ];
        await waitFor(() => received.length >= 5, 'live events');

        expect(received).toEqual([...history, ...live]);
        expect(errors).toEqual([]);
      });

      it('from a checkpoint delivers only events after it', async () => {
        const streamId = newStreamId('checkpoint');
        const history = (await store.append(streamId, [newEvent(), newEvent(), newEvent()], 'no_stream')).events;

        const { received } = subscribe(history[0].position, [streamId]);
        await waitFor(() => received.length >= 2, 'history after the checkpoint');
        const live = (await store.append(streamId, [newEvent()], 2)).events;
        await waitFor(() => received.length >= 3, 'the live event');
        await sleep(50);

        expect(ids(received)).toEqual(ids([...history.slice(1), ...live]));
      });

      it('awaits the handler one event at a time', async () => {
        const streamId = newStreamId('back-pressure');
        const start = await endOfLog(store);
        let running = 0;
        let mostAtOnce = 0;
        const { received } = subscribe(start, [streamId], async () => {
          mostAtOnce = Math.max(mostAtOnce, ++running);
          await sleep(5);
          running--;
        });

        const written = (await store.append(streamId, [newEvent(), newEvent(), newEvent()], 'no_stream')).events;
        for (let revision = 2; revision < 6; revision++) {
          written.push(...(await store.append(streamId, [newEvent()], revision)).events);
        }
        await waitFor(() => received.length >= 7 && running === 0, 'all events handled');

        expect(mostAtOnce).toBe(1);
        expect(ids(received)).toEqual(ids(written));
      });

      it('stops delivery on close', async () => {
        const streamId = newStreamId('close');
        const start = await endOfLog(store);
        const { received, subscription } = subscribe(start, [streamId]);
        const first = await store.append(streamId, [newEvent()], 'no_stream');
        await waitFor(() => received.length === 1, 'the first event');

        await subscription.close();
        await store.append(streamId, [newEvent()], 0);
        await sleep(300);

        expect(ids(received)).toEqual(ids(first.events));
      });

      it('resolves close only after the running handler returns, and delivers nothing more', async () => {
        const streamId = newStreamId('close-while-handling');
        const start = await endOfLog(store);
        let release!: () => void;
        const gate = new Promise<void>((resolve) => { release = resolve; });
        let running = 0;
        const { received, subscription } = subscribe(start, [streamId], async () => {
          running++;
          await gate;
          running--;
        });
        const written = (await store.append(streamId, [newEvent(), newEvent(), newEvent()], 'no_stream')).events;
        await waitFor(() => received.length === 1, 'the handler to start');

        let closed = false;
        const closing = subscription.close().then(() => { closed = true; });
        await sleep(50);
        expect(closed).toBe(false);
        release();
        await closing;

        expect(running).toBe(0);
        await sleep(100);
        expect(ids(received)).toEqual(ids(written.slice(0, 1)));
      });

      it('reports a failing handler through onError and stops delivering', async () => {
        const streamId = newStreamId('failing-handler');
        const start = await endOfLog(store);
        const failure = new Error('projection blew up');
        const { received, errors } = subscribe(start, [streamId], async () => { throw failure; });

        await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
        await waitFor(() => errors.length > 0, 'onError');
        await sleep(100);

        expect(errors).toEqual([failure]);
        expect(received).toHaveLength(1);
      });
    });

    describe('positions', () => {
      it('recognises positions it produced and rejects junk', async () => {
        const streamId = newStreamId('positions');
        const result = await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
        const page = await store.readAll(null, 10);

        for (const position of [result.position, ...result.events.map((event) => event.position), ...page.events.map((event) => event.position)]) {
          expect(store.isPosition(position)).toBe(true);
        }
        for (const junk of ['abc', '-1', '', ' ']) expect(store.isPosition(junk)).toBe(false);
      });

      it('compares positions like a sort comparator', async () => {
        const { events } = await store.append(newStreamId('compare'), [newEvent(), newEvent()], 'no_stream');
        const [earlier, later] = events.map((event) => event.position);

        expect(store.comparePositions(earlier, later)).toBeLessThan(0);
        expect(store.comparePositions(later, earlier)).toBeGreaterThan(0);
        expect(store.comparePositions(later, later)).toBe(0);
      });
    });
  });
}
