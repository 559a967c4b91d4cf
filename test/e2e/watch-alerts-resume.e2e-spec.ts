import { parseApiKeys } from '../../src/auth/api-keys.js';
import type { WatchesOptions } from '../../src/watches/watches.options.js';
import { sleep } from '../support/wait.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { SseClient } from './live-sse-client.js';

/**
 * GET /watches/alerts/stream resumed with Last-Event-ID over a real HTTP server on a real SQLite
 * file: a client that reconnects gets exactly the alerts raised while it was away, oldest first,
 * none it already had, then the live ones — also after the server restarted.
 */

const SECRET = 'alice-secret-0123456789';
const alice = { authorization: `Bearer ${SECRET}` };
const auth = { keys: parseApiKeys(`alice:reporter:${SECRET}`), readsRequireKey: false };
const WATCHES: WatchesOptions = { webhookPolicy: { allowLoopback: true, allowPrivateNetworks: false }, evaluateEveryMs: 50 };

const offensive = (target: string, occurredOn: string) => ({
  type: 'MilitaryOffensive',
  actor: 'AZE',
  target,
  occurredOn,
  summary: `Azerbaijan launches an offensive against ${target}`,
  sources: [{ publisher: 'Wire service' }],
});

const alertsOf = (client: SseClient) => client.messages.filter((m) => m.event === 'alert');

describe('the alert stream resumes from Last-Event-ID', () => {
  const clock = fixedClock('2024-06-01T12:00:00.000Z');
  let t: TestApp | undefined;
  const clients: SseClient[] = [];

  const open = async (headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${t!.url}/watches/alerts/stream`, headers);
    clients.push(client);
    return client;
  };
  const alertCount = async () => (await t!.request('GET', '/watches/alerts')).json.items.length as number;
  const report = async (target: string, occurredOn: string) => {
    expect((await t!.request('POST', '/incidents', offensive(target, occurredOn), alice)).status).toBe(201);
  };

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await t?.close();
  });

  it('sends the missed alerts once, in order, then the live ones; and again after a restart', async () => {
    t = await startTestApp({ clock, app: { auth, watches: WATCHES } });
    const created = await t.request('POST', '/watches', { name: 'Azerbaijan desk', countries: ['AZE'], rule: { type: 'level_reached', level: 'crisis' } }, alice);
    expect(created.status).toBe(201);

    const first = await open();
    expect(first.status).toBe(200);
    await report('ARM', '2024-05-31');
    await first.until(() => alertsOf(first).length === 1, 5_000, 'the first alert');
    const [seen] = alertsOf(first);
    expect(seen.json.pair).toBe('ARM-AZE');
    expect(seen.id).toBe(`${seen.json.raisedAt}/${seen.json.alertId}`);
    first.close();

    // Away: two alerts are raised, a minute apart.
    clock.set('2024-06-01T12:01:00.000Z');
    await report('GEO', '2024-05-31');
    for (let deadline = Date.now() + 5_000; (await alertCount()) < 2 && Date.now() < deadline; ) await sleep(20);
    clock.set('2024-06-01T12:02:00.000Z');
    await report('IRN', '2024-05-31');
    for (let deadline = Date.now() + 5_000; (await alertCount()) < 3 && Date.now() < deadline; ) await sleep(20);
    const missed = (await t.request('GET', '/watches/alerts')).json.items.slice(0, 2).reverse();
    expect(missed.map((alert: { pair: string }) => alert.pair)).toEqual(['AZE-GEO', 'AZE-IRN']);

    const back = await open({ 'last-event-id': seen.id! });
    await back.until(() => alertsOf(back).length === 2, 5_000, 'the missed alerts');
    clock.set('2024-06-01T12:03:00.000Z');
    await report('TUR', '2024-05-31');
    await back.until(() => alertsOf(back).length === 3, 5_000, 'the live alert');
    expect(alertsOf(back).map((m) => m.json.pair)).toEqual(['AZE-GEO', 'AZE-IRN', 'AZE-TUR']);
    expect(alertsOf(back).map((m) => m.json.alertId)).toEqual([...missed.map((alert: { alertId: string }) => alert.alertId), expect.any(String)]);
    const lastSeen = alertsOf(back)[2].id!;
    const fromMiddle = alertsOf(back)[0].id!;
    back.close();

    // Restarted on the same file: the ids handed out before still resume.
    const file = t.file;
    await t.close({ keep: true });
    clock.set('2024-06-01T12:04:00.000Z');
    t = await startTestApp({ file, clock, app: { auth, watches: WATCHES } });
    const afterRestart = await open({ 'last-event-id': fromMiddle });
    await afterRestart.until(() => alertsOf(afterRestart).length === 2, 5_000, 'the alerts after the one named');
    expect(alertsOf(afterRestart).map((m) => m.json.pair)).toEqual(['AZE-IRN', 'AZE-TUR']);
    const upToDate = await open({ 'last-event-id': lastSeen });
    await report('RUS', '2024-05-31');
    await upToDate.until(() => alertsOf(upToDate).length === 1, 5_000, 'the next live alert');
    expect(alertsOf(upToDate)[0].json.pair).toBe('AZE-RUS');
    await afterRestart.until(() => alertsOf(afterRestart).length === 3, 5_000, 'the live alert on the resumed stream');
    expect(new Set(alertsOf(afterRestart).map((m) => m.json.alertId)).size).toBe(3);
  }, 30_000);

  it('resumes an id it never handed out by its instant (a client coming from another instance)', async () => {
    const client = await open({ 'last-event-id': '2024-06-01T12:01:30.000Z/00000000-0000-8000-8000-000000000000' });
    await client.until(() => alertsOf(client).length === 3, 5_000, 'the alerts raised after that instant');
    expect(alertsOf(client).map((m) => m.json.pair)).toEqual(['AZE-IRN', 'AZE-TUR', 'AZE-RUS']);
  });

  it('refuses a Last-Event-ID that is not an alert id with a problem naming the header', async () => {
    const response = await fetch(`${t!.url}/watches/alerts/stream`, { headers: { accept: 'text/event-stream', 'last-event-id': '12' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as { errors: unknown }).errors).toEqual([{ field: 'Last-Event-ID', message: expect.stringMatching(/alert event/) }]);
  });
});
