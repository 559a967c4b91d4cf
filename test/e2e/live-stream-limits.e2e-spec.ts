/**
 * GET /events/stream against clients that do not play along: clients that never read (a replay
 * of a log far larger than the socket buffers, a live stream while writes pour in), too many
 * streams from one address or in all. Real server, real SQLite file, raw sockets for the clients
 * that never read. (Hundreds of clients at once: live-stream-process.e2e-spec.ts.)
 */
import { jest } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { EventStreamController } from '../../src/live/event-stream.controller.js';
import { LiveFeed } from '../../src/live/live-feed.service.js';
import type { StreamStats } from '../../src/live/stream-registry.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { appendAccusations } from './large-log.js';
import { SseClient, StalledClient } from './live-sse-client.js';

jest.setTimeout(60_000);

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const DRAIN_TIMEOUT_MS = 1_500;

function streamUrl(app: TestApp) {
  return `${app.url}/events/stream`;
}

function streamStats(app: TestApp): StreamStats {
  return app.app.get(EventStreamController).streams.stats();
}

/** Polls `probe` every 20 ms until it returns a value, failing after `timeoutMs`. */
async function eventually<T>(probe: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Appends a large log through the store port and waits until the read model has applied it. */
async function appendLargeLog(app: TestApp, count: number, batchSize?: number): Promise<string[]> {
  const positions = await appendAccusations(app.app.get<EventStore>(EVENT_STORE), count, batchSize);
  const runner = app.app.get(ProjectionRunner);
  await eventually(() => runner.position === positions.at(-1), 'the read model to apply the log');
  return positions;
}

describe('GET /events/stream with clients that do not read', () => {
  it('stops reading the log while a replaying client leaves its socket full, holds a bounded queue for it, and drops it after the drain timeout', async () => {
    t = await startTestApp({ app: { logger: false, liveStream: { drainTimeoutMs: DRAIN_TIMEOUT_MS } } });
    const positions = await appendLargeLog(t, 3_000);
    const stalled = await StalledClient.open(streamUrl(t), { 'Last-Event-ID': 'start' });

    // The socket fills (kernel buffers on both sides: a few MB of a ~13 MB replay), then the server waits.
    await eventually(() => streamStats(t!).waitingForDrain === 1, 'the replay to wait for the client');
    const queued: number[] = [];
    for (let stats = streamStats(t); stats.open === 1; stats = streamStats(t)) {
      queued.push(stats.maxBufferedBytes);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Dropped by the server; the client sees it as soon as it looks at its socket again.
    stalled.socket.resume();
    await stalled.closed;
    // What the server held for it stayed one encoded page (100 updates of ~4.5 KB) beyond the
    // socket's high-water mark, not the 13 MB log.
    expect(queued.length).toBeGreaterThan(5);
    expect(Math.max(...queued)).toBeLessThan(640 * 1024);
    expect(positions).toHaveLength(3_000);
    expect(streamStats(t)).toEqual({ open: 0, maxBufferedBytes: 0, waitingForDrain: 0, perClient: {} });
    expect(t.app.get(ProjectionRunner).updates$.observed).toBe(false);
  });

  it('resumes a paused replay when the client reads again, and delivers every event once, in order', async () => {
    t = await startTestApp({ app: { liveStream: { drainTimeoutMs: 10_000 } } });
    const positions = await appendLargeLog(t, 3_000);
    const client = await SseClient.open(streamUrl(t), { 'last-event-id': 'start' });
    client.response.pause();
    await eventually(() => streamStats(t!).waitingForDrain === 1, 'the replay to wait for the client');
    client.response.resume();
    const ready = await client.ready(30_000);
    expect(ready).toMatchObject({ replayed: 3_000, position: positions.at(-1) });
    expect(client.updates.map((u) => u.position)).toEqual(positions);
    client.close();
  });

  it('drops a live client that stops reading while updates pour in; a reading client gets them all', async () => {
    t = await startTestApp({ app: { liveStream: { drainTimeoutMs: DRAIN_TIMEOUT_MS } } });
    const reader = await SseClient.open(streamUrl(t));
    await reader.ready();
    const stalled = await StalledClient.open(streamUrl(t));
    await eventually(() => streamStats(t!).open === 2, 'both streams to open');

    // Bursts of 50: each burst is written to both clients in one go.
    const positions = await appendLargeLog(t, 3_000, 50);
    await eventually(() => streamStats(t!).open === 1, 'the stalled client to be dropped');
    stalled.socket.resume();
    await stalled.closed;
    await reader.until(() => reader.updates.length === positions.length, 30_000, 'every live update');
    expect(reader.updates.map((u) => u.position)).toEqual(positions);
    expect(reader.isClosed).toBe(false);
    expect(streamStats(t).open).toBe(1);
    reader.close();
  });
});

describe('GET /events/stream while writes pour in during a replay', () => {
  it('lets go of held live updates past the bound and reads them from the log instead: every event once, in order', async () => {
    t = await startTestApp();
    const before = await appendLargeLog(t, 10);
    // Hold the replay at its start while 1,500 events are applied: more than the 1,000 a stream holds back.
    const feed = t.app.get(LiveFeed);
    const replayPages = feed.replayPages.bind(feed);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    feed.replayPages = async function* (after, through) {
      await gate;
      yield* replayPages(after, through);
    };
    const client = await SseClient.open(streamUrl(t), { 'last-event-id': before[4] });
    const during = await appendLargeLog(t, 1_500, 100);
    release();
    const ready = await client.ready(30_000);
    const expected = [...before.slice(5), ...during];
    expect(ready).toMatchObject({ position: during.at(-1), replayed: expected.length });
    expect(client.updates.map((u) => u.position)).toEqual(expected);
    const after = await appendLargeLog(t, 3);
    await client.until(() => client.updates.length === expected.length + 3);
    expect(client.updates.slice(expected.length).map((u) => [u.position, u.replayed])).toEqual(after.map((p) => [p, false]));
    client.close();
  });
});

describe('GET /events/stream limits', () => {
  it('refuses the stream over the per-address limit with 429 and over the total with 503, both problem+json with Retry-After, and frees places when clients leave', async () => {
    t = await startTestApp({ app: { liveStream: { perClient: 2, total: 3 } } });
    const first = [await SseClient.open(streamUrl(t)), await SseClient.open(streamUrl(t))];
    await Promise.all(first.map((c) => c.ready()));

    const third = await SseClient.open(streamUrl(t));
    expect(third.status).toBe(429);
    expect(third.response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(third.response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(JSON.parse(await third.text())).toMatchObject({ status: 429, title: 'Too many live streams', detail: expect.stringContaining('at most 2') });

    // Another address still has room, until the server as a whole is full.
    const other = await SseClient.open(streamUrl(t), {}, { localAddress: '127.0.0.2' });
    expect(other.status).toBe(200);
    await other.ready();
    const overTotal = await SseClient.open(streamUrl(t), {}, { localAddress: '127.0.0.3' });
    expect(overTotal.status).toBe(503);
    expect(overTotal.response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(overTotal.response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(await overTotal.text())).toMatchObject({ status: 503, detail: expect.stringContaining('maximum of 3') });
    expect(streamStats(t)).toMatchObject({ open: 3, perClient: { '127.0.0.1': 2, '127.0.0.2': 1 } });

    first[0].close();
    await eventually(() => streamStats(t!).open === 2, 'the closed stream to be let go');
    const again = await SseClient.open(streamUrl(t));
    expect(again.status).toBe(200);
    await again.ready();
    for (const client of [first[1], other, again]) client.close();
    await eventually(() => streamStats(t!).open === 0, 'every stream to be let go');
    expect(streamStats(t).perClient).toEqual({});
  });
});
