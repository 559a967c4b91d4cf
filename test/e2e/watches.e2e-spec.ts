import { createHmac } from 'node:crypto';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import type { WatchesOptions } from '../../src/watches/watches.options.js';
import { sleep, waitFor } from '../support/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { countEvents, fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * Watches over HTTP on a real SQLite file: who may create them, what is refused and why, alerts
 * raised as the log advances and as time passes, webhooks signed and retried to a real local
 * receiver, and everything surviving a restart on the same file.
 */

const SECRETS = { viewer: 'viewer-secret-0123456789', alice: 'alice-secret-0123456789' };
/** Every write sends a JSON content type, a DELETE too (the server's guard against cross-site form posts). */
const JSON_WRITE = { 'content-type': 'application/json' };
const bearer = (name: keyof typeof SECRETS) => ({ authorization: `Bearer ${SECRETS[name]}` });
const auth = { keys: parseApiKeys(`viewer:reader:${SECRETS.viewer},alice:reporter:${SECRETS.alice}`), readsRequireKey: false };
const WATCHES: WatchesOptions = {
  webhookPolicy: { allowLoopback: true, allowPrivateNetworks: false },
  retryInitialDelayMs: 40,
  retryMaxDelayMs: 80,
  maxAttempts: 3,
  evaluateEveryMs: 50,
};

const offensive = (actor: string, target: string, occurredOn: string) => ({
  type: 'MilitaryOffensive',
  actor,
  target,
  occurredOn,
  summary: `${actor} launches an offensive against ${target}`,
  sources: [{ publisher: 'Wire service' }],
});
const accusation = (actor: string, target: string, occurredOn: string) => ({
  type: 'Accusation',
  actor,
  target,
  occurredOn,
  summary: `${actor} accuses ${target} of bias`,
  sources: [{ publisher: 'Wire service' }],
});

function expectValidationProblem(response: TestResponse, field: string, message: RegExp) {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json.errors).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
}

/** Polls an HTTP read until `done` holds of its body (the delivery log is written just after the receiver answers). */
async function readUntil(t: TestApp, path: string, done: (json: any) => boolean, what: string): Promise<any> {
  for (const deadline = Date.now() + 5_000; ; await sleep(20)) {
    const { json } = await t.request('GET', path);
    if (done(json)) return json;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(json)}`);
  }
}

const verify = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('watches', () => {
  const clock = fixedClock('2024-06-01T12:00:00.000Z');
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startTestApp({ clock, app: { auth, watches: WATCHES } });
  });

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('refuses bad watches with a problem naming the field, and records nothing', () => {
    const valid = { name: 'Caucasus desk', pairs: ['AZE-FRA'], rule: { type: 'level_reached', level: 'crisis' } };
    it.each([
      ['no name', { ...valid, name: undefined }, 'name', /./],
      ['an unknown rule', { ...valid, rule: { type: 'sometimes' } }, 'rule.type', /one of level_reached, band_moved_in_a_day, month_deteriorated/],
      ['level_reached without a level', { ...valid, rule: { type: 'level_reached' } }, 'rule.level', /needed by the rule level_reached/],
      ['a level on another rule', { ...valid, rule: { type: 'month_deteriorated', level: 'crisis' } }, 'rule.level', /level_reached only/],
      ['a level that is none', { ...valid, rule: { type: 'level_reached', level: 'war' } }, 'rule.level', /one of calm, friction/],
      ['a pair of one country', { ...valid, pairs: ['AZE-AZE'] }, 'pairs', /two different ISO 3166-1 alpha-3 codes/],
      ['an unknown country', { ...valid, pairs: [], countries: ['XXX'] }, 'countries', /ISO 3166-1 alpha-3/],
      ['nothing to watch', { ...valid, pairs: [] }, 'pairs', /at least one pair/],
      ['one pair twice', { ...valid, pairs: ['AZE-FRA', 'FRA-AZE'] }, 'pairs', /same pair twice/],
      ['http to a public host', { ...valid, webhookUrl: 'http://hooks.example.org/x' }, 'webhookUrl', /must use https/],
      ['a private address', { ...valid, webhookUrl: 'https://10.1.2.3/x' }, 'webhookUrl', /private network/],
      ['the metadata service', { ...valid, webhookUrl: 'https://169.254.169.254/latest/meta-data' }, 'webhookUrl', /private network \(169\.254\.169\.254, linkLocal/],
      ['a URL with credentials', { ...valid, webhookUrl: 'https://user:pw@hooks.example.org/x' }, 'webhookUrl', /user name or password/],
      ['not a URL', { ...valid, webhookUrl: 'hooks' }, 'webhookUrl', /absolute https URL/],
    ])('%s', async (_what, body, field, message) => {
      const before = countEvents(t.file);
      expectValidationProblem(await t.request('POST', '/watches', body, bearer('alice')), field, message);
      expect(countEvents(t.file)).toBe(before);
    });

    it('an unknown field', async () => {
      expectValidationProblem(await t.request('POST', '/watches', { ...valid, colour: 'red' }, bearer('alice')), 'colour', /./);
    });
  });

  it('needs the reporter role to create or delete, and a reader may list', async () => {
    const body = { name: 'x', pairs: ['AZE-FRA'], rule: { type: 'month_deteriorated' } };
    expect((await t.request('POST', '/watches', body)).status).toBe(401);
    expect((await t.request('POST', '/watches', body, bearer('viewer'))).status).toBe(403);
    expect((await t.request('DELETE', '/watches/01939a8e-7c1a-7d2e-9a40-3f1b2c3d4e5f', undefined, { ...JSON_WRITE, ...bearer('viewer') })).status).toBe(403);
    expect((await t.request('GET', '/watches', undefined, bearer('viewer'))).status).toBe(200);
  });

  describe('alerting', () => {
    let watch: { watchId: string; webhookSecret: string };

    it('creates a watch, shows its secret once, and raises nothing while the pair is calm', async () => {
      expect((await t.request('POST', '/incidents', accusation('ARM', 'AZE', '2024-05-30'), bearer('alice'))).status).toBe(201);
      const created = await t.request('POST', '/watches', { name: 'Caucasus desk', countries: ['AZE'], rule: { type: 'level_reached', level: 'crisis' }, webhookUrl: receiver.url }, bearer('alice'));
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/watches/${created.json.watchId}`);
      expect(created.json).toMatchObject({ countries: ['AZE'], ruleText: 'level reaches crisis or worse', alerting: [], webhookSecret: expect.stringMatching(/^whsec_/) });
      watch = created.json;
      const listed = await t.request('GET', '/watches');
      expect(listed.json.items).toEqual([expect.objectContaining({ watchId: watch.watchId, createdBy: 'alice' })]);
      expect(JSON.stringify(listed.json)).not.toContain(watch.webhookSecret);
      expect((await t.request('GET', '/watches/alerts')).json.items).toEqual([]);
    });

    it('alerts as the log advances, with a webhook signed with the watch secret', async () => {
      expect((await t.request('POST', '/incidents', offensive('AZE', 'ARM', '2024-05-31'), bearer('alice'))).status).toBe(201);
      await waitFor(() => receiver.received.length === 1, 'the webhook');
      const [hook] = receiver.received;
      const alert = JSON.parse(hook.body);
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.headers['x-demarche-signature']).toBe(verify(watch.webhookSecret, hook.body));
      expect(hook.headers['x-demarche-alert-id']).toBe(alert.alertId);
      expect(alert).toMatchObject({ watchId: watch.watchId, pair: 'ARM-AZE', level: 'rupture', attempt: 1, message: expect.stringMatching(/^Armenia–Azerbaijan is at rupture \(score \d+\.\d\), at or beyond crisis$/) });
      const deliveries = await readUntil(t, `/watches/${watch.watchId}/deliveries`, (json) => json.items.length === 1, 'the delivery log');
      expect(deliveries).toMatchObject({ pending: 0, items: [{ alertId: alert.alertId, attempt: 1, outcome: 'delivered', status: 204 }] });
      expect((await t.request('GET', '/watches')).json.items[0].alerting).toEqual(['ARM-AZE']);
      expect((await t.request('GET', '/watches/alerts')).json.items).toEqual([expect.objectContaining({ alertId: alert.alertId })]);
    });

    it('keeps watch events out of the public log and the relations', async () => {
      const log = await t.request('GET', '/events?limit=100');
      expect(log.json.events.every((event: { streamId: string }) => event.streamId.startsWith('relation-'))).toBe(true);
      expect(log.json.events).toHaveLength(2);
      expect((await t.request('GET', '/relations')).json.items.map((r: { pair: string[] }) => r.pair.join('-'))).toEqual(['ARM-AZE']);
    });

    it('does not alert again while the pair stays at the level, and again once it has left it and come back', async () => {
      expect((await t.request('POST', '/incidents', accusation('AZE', 'ARM', '2024-06-01'), bearer('alice'))).status).toBe(201);
      // Hostilities stand: the pair stays at rupture.
      clock.set('2024-06-02T12:00:00.000Z');
      await sleep(300);
      expect(receiver.received).toHaveLength(1);
      // A ceasefire ends the hostilities; the offensive's weight fades over the months (the timer sees it).
      expect((await t.request('POST', '/incidents', { ...accusation('AZE', 'ARM', '2024-06-02'), type: 'CeasefireDeclared', summary: 'Ceasefire' }, bearer('alice'))).status).toBe(201);
      clock.set('2024-12-01T12:00:00.000Z');
      await readUntil(t, '/watches', (json) => json.items[0].alerting.length === 0, 'the alert to clear as the weight fades');
      expect((await t.request('POST', '/incidents', offensive('AZE', 'ARM', '2024-11-30'), bearer('alice'))).status).toBe(201);
      await waitFor(() => receiver.received.length === 2, 'the second webhook');
      const [first, second] = receiver.received.map((hook) => JSON.parse(hook.body));
      expect(second.alertId).not.toBe(first.alertId);
    });

    it('retries a failing receiver with backoff, with the same alert id, and logs each attempt', async () => {
      let calls = 0;
      receiver.answer = () => (++calls <= 2 ? 500 : 204);
      const created = await t.request('POST', '/watches', { name: 'Baltic desk', pairs: ['EST-RUS'], rule: { type: 'level_reached', level: 'strained' }, webhookUrl: receiver.url }, bearer('alice'));
      const before = receiver.received.length;
      expect((await t.request('POST', '/incidents', offensive('RUS', 'EST', '2024-11-30'), bearer('alice'))).status).toBe(201);
      await waitFor(() => receiver.received.length === before + 3, 'three attempts');
      const attempts = receiver.received.slice(before);
      expect(new Set(attempts.map((hook) => hook.headers['x-demarche-alert-id'])).size).toBe(1);
      expect(attempts.map((hook) => hook.headers['x-demarche-delivery-attempt'])).toEqual(['1', '2', '3']);
      const log = await readUntil(t, `/watches/${created.json.watchId}/deliveries`, (json) => json.items.length === 3, 'three logged attempts');
      expect(log.items.map((item: { attempt: number; outcome: string; status: number }) => [item.attempt, item.outcome, item.status])).toEqual([
        [3, 'delivered', 204],
        [2, 'failed', 500],
        [1, 'failed', 500],
      ]);
      expect(log.items[1].nextAttemptAt).not.toBeNull();
      receiver.answer = () => 204;
    });

    it('gives up after the attempts allowed, and says so in the log', async () => {
      receiver.answer = () => 503;
      const created = await t.request('POST', '/watches', { name: 'Nordic desk', pairs: ['FIN-RUS'], rule: { type: 'level_reached', level: 'strained' }, webhookUrl: receiver.url }, bearer('alice'));
      expect((await t.request('POST', '/incidents', offensive('RUS', 'FIN', '2024-11-30'), bearer('alice'))).status).toBe(201);
      const log = await readUntil(t, `/watches/${created.json.watchId}/deliveries`, (json) => json.items.length === 3, 'three logged attempts');
      expect(log.items.map((item: { outcome: string }) => item.outcome)).toEqual(['gave_up', 'failed', 'failed']);
      expect(log.pending).toBe(0);
      receiver.answer = () => 204;
    });

    it('deletes a watch: says which, gone from the list, its log 404, a second delete 404, a malformed id 400', async () => {
      const created = await t.request('POST', '/watches', { name: 'Temporary', pairs: ['DEU-ITA'], rule: { type: 'band_moved_in_a_day' } }, bearer('alice'));
      expect(created.json.webhookSecret).toBeNull();
      expect((await t.request('DELETE', `/watches/${created.json.watchId}`, undefined, { ...JSON_WRITE, ...bearer('alice') })).json).toEqual({ watchId: created.json.watchId, name: 'Temporary', deletedAt: '2024-12-01T12:00:00.000Z', deletedBy: 'alice' });
      expect((await t.request('GET', '/watches')).json.items.map((w: { watchId: string }) => w.watchId)).not.toContain(created.json.watchId);
      expect((await t.request('GET', `/watches/${created.json.watchId}/deliveries`)).status).toBe(404);
      expect((await t.request('DELETE', `/watches/${created.json.watchId}`, undefined, { ...JSON_WRITE, ...bearer('alice') })).status).toBe(404);
      expectValidationProblem(await t.request('DELETE', '/watches/not-a-uuid', undefined, { ...JSON_WRITE, ...bearer('alice') }), 'watchId', /UUID/);
    });
  });
});

describe('watches across a restart', () => {
  const clock = fixedClock('2024-06-01T12:00:00.000Z');
  let receiver: WebhookReceiver;
  let t: TestApp | undefined;
  let file: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await t?.close();
    await receiver.close();
  });

  it('keeps watches, their alert state and their log, and delivers what was pending when the process stopped', async () => {
    // A receiver that is down: the first attempt fails, the next is due in a minute.
    receiver.answer = () => 502;
    const slowRetries = { ...WATCHES, retryInitialDelayMs: 60_000, retryMaxDelayMs: 60_000, maxAttempts: 5 };
    t = await startTestApp({ clock, app: { auth, watches: slowRetries } });
    file = t.file;
    const created = await t.request('POST', '/watches', { name: 'Caucasus desk', pairs: ['AZE-ARM'], rule: { type: 'level_reached', level: 'crisis' }, webhookUrl: receiver.url }, bearer('alice'));
    expect((await t.request('POST', '/incidents', offensive('AZE', 'ARM', '2024-05-31'), bearer('alice'))).status).toBe(201);
    await waitFor(() => receiver.received.length === 1, 'the first attempt');
    await readUntil(t, `/watches/${created.json.watchId}/deliveries`, (json) => json.items.length === 1, 'the failed attempt logged');
    const alertId = receiver.received[0].headers['x-demarche-alert-id'];
    await t.close({ keep: true });

    receiver.answer = () => 204;
    // The retry was due a minute after the failure: restart two minutes later.
    clock.set('2024-06-01T12:02:00.000Z');
    t = await startTestApp({ file, clock, app: { auth, watches: slowRetries } });
    await waitFor(() => receiver.received.length === 2, 'the resumed delivery');
    const resumed = receiver.received[1];
    expect(resumed.headers['x-demarche-alert-id']).toBe(alertId);
    expect(resumed.headers['x-demarche-delivery-attempt']).toBe('2');
    expect(resumed.headers['x-demarche-signature']).toBe(verify(created.json.webhookSecret, resumed.body));

    const listed = (await t.request('GET', '/watches')).json.items;
    expect(listed).toEqual([expect.objectContaining({ watchId: created.json.watchId, name: 'Caucasus desk', alerting: ['ARM-AZE'] })]);
    await sleep(200);
    // The pair was already alerted before the restart: no new alert.
    expect(receiver.received).toHaveLength(2);
    const log = await readUntil(t, `/watches/${created.json.watchId}/deliveries`, (json) => json.items.length === 2, 'the resumed attempt logged');
    expect(log.items.map((item: { attempt: number; outcome: string }) => [item.attempt, item.outcome])).toEqual([
      [2, 'delivered'],
      [1, 'failed'],
    ]);
  });
});
