import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * GET /events on a store that also holds someone else's streams: another tool appending to the
 * same SQLite file through the store, as a second process sharing it would.
 */
let t: TestApp;
let other: SqliteEventStore;

beforeEach(async () => {
  t = await startTestApp({ clock: fixedClock('2024-06-01T12:00:00.000Z') });
  other = new SqliteEventStore({ file: t.file });
});

afterEach(async () => {
  await other.close();
  await t.close();
});

async function report(actor: string, target: string) {
  const response = await t.request('POST', '/incidents', {
    type: 'Accusation', actor, target, occurredOn: '2024-05-15', summary: `${actor} accuses ${target}`, sources: [{ publisher: 'Wire' }],
  });
  expect(response.status).toBe(201);
  return response.json as { eventId: string; position: string };
}

/** `count` events of a stream that is not Demarche's, each in its own append. */
async function foreign(streamId: string, count: number) {
  for (let i = 0; i < count; i++) {
    await other.append(streamId, [{ eventId: randomUUID(), type: 'OrderPlaced', data: { n: i } }], i === 0 ? 'no_stream' : i - 1);
  }
}

describe('GET /events lists only Demarche\'s streams', () => {
  it('leaves other streams out, fills each page past runs of them, and pages to the end', async () => {
    await foreign('orders-1', 3);
    const a = await report('AZE', 'FRA');
    await foreign('orders-2', 5);
    const b = await report('ARM', 'AZE');
    const c = await report('FRA', 'AZE');
    await foreign('shipping-9', 4);

    const whole = await t.request('GET', '/events?limit=1000');
    expect(whole.status).toBe(200);
    expect(whole.json.events.map((e: { eventId: string }) => e.eventId)).toEqual([a.eventId, b.eventId, c.eventId]);
    expect(whole.json.next).toBeNull();

    const first = await t.request('GET', '/events?limit=2');
    expect(first.json.events.map((e: { eventId: string }) => e.eventId)).toEqual([a.eventId, b.eventId]);
    expect(first.json.next).toBe(b.position);
    const rest = await t.request('GET', `/events?after=${first.json.next}&limit=2`);
    expect(rest.json.events.map((e: { eventId: string }) => e.eventId)).toEqual([c.eventId]);
    expect(rest.json.next).toBeNull();

    // One at a time across the runs of other events: every page is full until the log ends.
    const single = await t.request('GET', '/events?limit=1');
    expect(single.json.events.map((e: { eventId: string }) => e.eventId)).toEqual([a.eventId]);
    expect(single.json.next).toBe(a.position);
  });

  it('answers an empty page with next null when the log holds only other streams', async () => {
    await foreign('orders-1', 3);
    const page = await t.request('GET', '/events');
    expect(page.status).toBe(200);
    expect(page.json).toEqual({ events: [], next: null });
  });

  it('answers a malformed after with a 400 problem naming the field, not a 500', async () => {
    for (const after of ['abc', '-1', '1/2', '12.5', '99999999999999999999999999']) {
      const response = await t.request('GET', `/events?after=${encodeURIComponent(after)}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.json.errors).toEqual([{ field: 'after', message: 'is not a position in this log' }]);
      expect(response.text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });
});

describe('the read model follows only Demarche\'s streams', () => {
  it('ignores an event of another stream even when it bears the name and shape of an incident', async () => {
    await report('AZE', 'FRA');
    // Another tool's stream with an event named like ours: it must not become an incident.
    await other.append('audit-1', [{
      eventId: randomUUID(),
      type: 'Accusation',
      data: { incidentId: randomUUID(), type: 'Accusation', actor: 'USA', target: 'CAN', occurredOn: '2024-05-20', summary: 'not ours', sources: [{ publisher: 'x' }], details: {}, recordedAt: '2024-06-01T12:00:00.000Z' },
    }], 'no_stream');
    const last = await report('ARM', 'AZE');

    const caughtUp = await t.request('GET', `/relations/ARM/AZE?minPosition=${last.position}`);
    expect(caughtUp.status).toBe(200);
    expect((await t.request('GET', '/relations/CAN/USA')).status).toBe(404);
    const list = await t.request('GET', '/relations');
    expect(list.json.items.map((r: { pair: string[] }) => r.pair.join('-')).sort()).toEqual(['ARM-AZE', 'AZE-FRA']);
  });
});
