import { LiveFeed } from '../../src/live/live-feed.service.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { SseClient } from './live-sse-client.js';

/** "Now" for every test: the incidents below happen in the weeks before, so scores are high. */
const NOW = '2024-06-01T12:00:00.000Z';
const LEVELS = ['calm', 'friction', 'strained', 'crisis', 'rupture'];

let t: TestApp;

beforeEach(async () => {
  t = await startTestApp({ clock: fixedClock(NOW), app: { liveStream: { heartbeatMs: 150 } } });
});

afterEach(async () => {
  await t.close();
});

let day = 0;
function accusation(overrides: Record<string, unknown> = {}) {
  day = (day % 27) + 1;
  return {
    type: 'Accusation',
    actor: 'AZE',
    target: 'FRA',
    occurredOn: `2024-05-${String(day).padStart(2, '0')}`,
    summary: `Baku accuses Paris (${day})`,
    sources: [{ publisher: 'Wire service' }],
    ...overrides,
  };
}

/** Reports an incident that must be accepted; returns the 201 body. */
async function report(body: Record<string, unknown> = accusation()) {
  const response = await t.request('POST', '/incidents', body);
  expect(response.status).toBe(201);
  return response.json as { incidentId: string; position: string };
}

function stream(headers: Record<string, string> = {}, query = '') {
  return SseClient.open(`${t.url}/events/stream${query}`, headers);
}

/** Every relation event position in the log strictly after `after`, as GET /events lists them. */
async function logPositionsAfter(after: string | null): Promise<string[]> {
  const response = await t.request('GET', `/events?limit=1000${after ? `&after=${after}` : ''}`);
  return response.json.events.map((event: { position: string }) => event.position);
}

describe('GET /events/stream', () => {
  it('answers text/event-stream, starts live at the current position and pushes each update with its pair’s new score, in log order', async () => {
    const before = await report();
    const client = await stream();
    expect(client.status).toBe(200);
    expect(client.response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(client.response.headers['cache-control']).toMatch(/no-cache/);
    const ready = await client.ready();
    expect(ready).toMatchObject({ position: before.position, replayed: 0, id: before.position });

    const written = [];
    for (let i = 0; i < 3; i++) written.push(await report(accusation({ summary: `Accusation number ${i}` })));
    await client.until(() => client.updates.length === 3);

    const updateMessages = client.messages.filter((m) => m.event === 'update');
    expect(updateMessages.map((m) => m.id)).toEqual(written.map((w) => w.position));
    expect(client.updates.map((u) => u.event.data.summary)).toEqual(['Accusation number 0', 'Accusation number 1', 'Accusation number 2']);
    for (const [index, update] of client.updates.entries()) {
      expect(update).toMatchObject({
        position: written[index].position,
        kind: 'reported',
        pairKey: 'AZE-FRA',
        replayed: false,
        event: { type: 'Accusation', data: { incidentId: written[index].incidentId, actor: 'AZE', target: 'FRA' } },
        relation: { pair: ['AZE', 'FRA'], at: NOW, incidentCount: 2 + index },
      });
      expect(LEVELS).toContain(update.relation.level);
    }
    // Each accusation adds conflict pressure: the pushed score is the one right after that event.
    const scores = client.updates.map((u) => u.relation.score);
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores[1]).toBeGreaterThan(scores[0]);
    expect(scores[2]).toBeGreaterThan(scores[1]);
    const view = await t.request('GET', '/relations/AZE/FRA');
    expect(scores[2]).toBe(view.json.escalation.score);
    client.close();
  });

  it('reconnecting with Last-Event-ID replays exactly the missed updates from the log, then goes live, with no duplicates', async () => {
    await report();
    const first = await stream();
    await first.ready();
    const seen = await report();
    await first.until(() => first.updates.length === 1);
    const lastEventId = first.messages.filter((m) => m.event === 'update').at(-1)!.id!;
    expect(lastEventId).toBe(seen.position);
    first.close();
    await first.ended;

    // Missed while disconnected: two reports, a correction and a retraction (another pair too).
    const missedA = await report();
    const missedB = await report(accusation({ actor: 'ARM', target: 'AZE', summary: 'Yerevan accuses Baku' }));
    const corrected = await t.request('POST', `/incidents/${seen.incidentId}/correction`, { reason: 'The wire gave the wrong day', occurredOn: '2024-05-28' });
    expect(corrected.status).toBe(201);
    const retracted = await t.request('POST', `/incidents/${missedA.incidentId}/retraction`, { reason: 'Not confirmed' });
    expect(retracted.status).toBe(201);

    const second = await stream({ 'last-event-id': lastEventId });
    const ready = await second.ready();
    const missed = [missedA.position, missedB.position, corrected.json.position, retracted.json.position];
    expect(ready).toMatchObject({ replayed: 4, position: retracted.json.position, id: retracted.json.position });
    expect(second.updates.map((u) => u.position)).toEqual(missed);
    expect(second.messages.filter((m) => m.event === 'update').map((m) => m.id)).toEqual(missed);
    expect(second.updates.map((u) => [u.kind, u.pairKey, u.replayed])).toEqual([
      ['reported', 'AZE-FRA', true],
      ['reported', 'ARM-AZE', true],
      ['corrected', 'AZE-FRA', true],
      ['retracted', 'AZE-FRA', true],
    ]);
    expect(second.updates[2].event).toMatchObject({ type: 'IncidentCorrected', data: { incidentId: seen.incidentId, changes: { occurredOn: '2024-05-28' } } });
    expect(second.updates[1].relation).toMatchObject({ pair: ['ARM', 'AZE'], incidentCount: 1 });

    const after = await report();
    await second.until(() => second.updates.length === 5);
    expect(second.updates[4]).toMatchObject({ position: after.position, replayed: false });
    // Nothing twice, nothing out of order.
    const ids = second.messages.filter((m) => m.event === 'update').map((m) => Number(m.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    second.close();
  });

  it('loses and repeats nothing when writes land while the replay is running', async () => {
    const first = await report();
    for (let i = 0; i < 4; i++) await report();
    // Hold the replay at its start, so that the writes below are applied to the read model meanwhile.
    const feed = t.app.get(LiveFeed);
    const replay = feed.replayPages.bind(feed);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    feed.replayPages = async function* (after, through) {
      await gate;
      yield* replay(after, through);
    };
    const client = await stream({ 'last-event-id': first.position });
    const during = [await report(accusation({ actor: 'FRA', target: 'AZE' })), await report(), await report()];
    expect(client.updates).toEqual([]);
    release();
    const ready = await client.ready();
    expect(ready.replayed).toBe(4);
    const after = [await report(), await report()];
    const expected = await logPositionsAfter(first.position);
    expect(expected).toHaveLength(9);
    expect(expected.slice(4)).toEqual([...during, ...after].map((r) => r.position));
    await client.until(() => client.updates.length >= expected.length, 5_000, `${expected.length} updates`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.updates.map((u) => u.position)).toEqual(expected);
    expect(client.updates.map((u) => u.replayed)).toEqual([true, true, true, true, false, false, false, false, false]);
    client.close();
  });

  it('replays the whole log for Last-Event-ID "start", and accepts ?after= for clients that cannot set headers (the header wins)', async () => {
    const all = [await report(), await report(), await report()];
    const fromStart = await stream({ 'last-event-id': 'start' });
    await fromStart.ready();
    expect(fromStart.updates.map((u) => u.position)).toEqual(all.map((r) => r.position));
    fromStart.close();

    const byQuery = await stream({}, `?after=${all[0].position}`);
    await byQuery.ready();
    expect(byQuery.updates.map((u) => u.position)).toEqual([all[1].position, all[2].position]);
    byQuery.close();

    // On reconnection a browser keeps the URL it was opened with but sends its newer Last-Event-ID.
    const both = await stream({ 'last-event-id': all[1].position }, `?after=${all[0].position}`);
    await both.ready();
    expect(both.updates.map((u) => u.position)).toEqual([all[2].position]);
    both.close();
  });

  it('gives an empty log a resumable ready id, so a client that connected before the first event misses nothing', async () => {
    const client = await stream();
    const ready = await client.ready();
    expect(ready).toMatchObject({ position: null, replayed: 0, id: 'start' });
    client.close();
    await client.ended;
    const missed = await report();
    const again = await stream({ 'last-event-id': ready.id! });
    await again.ready();
    expect(again.updates.map((u) => u.position)).toEqual([missed.position]);
    again.close();
  });

  it('answers 400 problem+json naming the field for a resume point that is not a position', async () => {
    const byHeader = await stream({ 'last-event-id': 'yesterday' });
    expect(byHeader.status).toBe(400);
    expect(byHeader.response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(await byHeader.text()).errors).toEqual([{ field: 'Last-Event-ID', message: expect.stringContaining('not a position') }]);

    const byQuery = await stream({}, '?after=-1');
    expect(byQuery.status).toBe(400);
    expect(JSON.parse(await byQuery.text()).errors).toEqual([{ field: 'after', message: expect.stringContaining('not a position') }]);
  });

  it('opens with a reset, then goes live from the head, for a Last-Event-ID past the end of the log (a client from before a restore)', async () => {
    const written = [await report(), await report()];
    const head = written[1].position;
    const client = await stream({ 'last-event-id': String(Number(head) + 40) });
    expect(client.status).toBe(200);
    const ready = await client.ready();
    const [reset] = client.messages.filter((m) => m.event === 'reset');
    // Told to reload, and moved to this log's head so that its next reconnection resumes there.
    expect(reset).toMatchObject({ id: head, json: { reason: 'past-end', position: head } });
    expect(client.messages.map((m) => m.event)).toEqual(['reset', 'ready']);
    expect(ready).toMatchObject({ position: head, replayed: 0, id: head });
    const next = await report();
    await client.until(() => client.updates.length === 1, 5_000, 'the next live update');
    expect(client.updates[0]).toMatchObject({ position: next.position, replayed: false });
    client.close();

    // The same for ?after=, and for an empty log the reset says "start".
    const byQuery = await stream({}, `?after=${Number(next.position) + 1}`);
    await byQuery.ready();
    expect(byQuery.messages.find((m) => m.event === 'reset')).toMatchObject({ id: next.position });
    byQuery.close();
  });

  it('resets a client on an empty log that remembers a position, with the id "start"', async () => {
    const client = await stream({ 'last-event-id': '7' });
    await client.ready();
    expect(client.messages.filter((m) => m.event !== 'update').map((m) => [m.event, m.id])).toEqual([
      ['reset', 'start'],
      ['ready', 'start'],
    ]);
    const first = await report();
    await client.until(() => client.updates.length === 1);
    expect(client.updates[0].position).toBe(first.position);
    client.close();
  });

  it('resumes without a reset a client that is ahead of this read model but not of the log (served by another instance)', async () => {
    const first = await report();
    // Appended behind the read model's back, as another process sharing the file would: the log has it, this read model not yet.
    const runner = t.app.get(ProjectionRunner);
    const applied = runner.position;
    const feed = t.app.get(LiveFeed);
    Object.defineProperty(feed, 'position', { get: () => applied, configurable: true });
    const second = await report();
    expect(Number(second.position)).toBeGreaterThan(Number(first.position));
    const client = await stream({ 'last-event-id': second.position });
    const ready = await client.ready();
    expect(client.messages.some((m) => m.event === 'reset')).toBe(false);
    expect(ready).toMatchObject({ position: second.position, replayed: 0 });
    client.close();
  });

  it('sends a heartbeat comment while nothing happens', async () => {
    const client = await stream();
    await client.ready();
    await client.until(() => client.comments.filter((c) => c === 'heartbeat').length >= 2, 2_000, 'two heartbeats');
    expect(client.updates).toEqual([]);
    client.close();
  });

  it('lets go of the live feed when the client disconnects', async () => {
    const runner = t.app.get(ProjectionRunner);
    expect(runner.updates$.observed).toBe(false);
    const clients = [await stream(), await stream()];
    await Promise.all(clients.map((c) => c.ready()));
    expect(runner.updates$.observed).toBe(true);
    clients[0].close();
    await report();
    await clients[1].until(() => clients[1].updates.length === 1);
    expect(runner.updates$.observed).toBe(true);
    clients[1].close();
    const deadline = Date.now() + 2_000;
    while (runner.updates$.observed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runner.updates$.observed).toBe(false);
  });

  it('ends open streams when the app shuts down, so shutdown does not hang', async () => {
    const client = await stream();
    await client.ready();
    const started = Date.now();
    await t.app.close();
    await client.ended;
    expect(Date.now() - started).toBeLessThan(3_000);
    // afterEach closes again: make that a no-op on a closed app.
    t.close = async () => undefined;
  });
});
