import { parseApiKeys } from '../../src/auth/api-keys.js';
import { sleep, waitFor } from '../support/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Two instances on one SQLite file, both evaluating the same watch as the log advances: one
 * alert is recorded and delivered, not two, and each instance learns of the watches and alerts
 * the other one recorded.
 */

const SECRET = 'alice-secret-0123456789';
const auth = { keys: parseApiKeys(`alice:reporter:${SECRET}`), readsRequireKey: false };
const watches = { webhookPolicy: { allowLoopback: true, allowPrivateNetworks: false }, evaluateEveryMs: 50 };
const alice = { authorization: `Bearer ${SECRET}` };

describe('watches on two instances sharing a store', () => {
  const clock = fixedClock('2024-06-01T12:00:00.000Z');
  let first: TestApp;
  let second: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    first = await startTestApp({ clock, app: { auth, watches } });
    second = await startTestApp({ file: first.file, clock, app: { auth, watches } });
  });

  afterAll(async () => {
    // The second was given the first's file: closing it leaves the file to the first, which removes it.
    await second?.close();
    await first?.close();
    await receiver?.close();
  });

  it('raises and delivers one alert, which both instances list', async () => {
    const created = await first.request('POST', '/watches', { name: 'Caucasus desk', pairs: ['AZE-ARM'], rule: { type: 'level_reached', level: 'crisis' }, webhookUrl: receiver.url }, alice);
    expect(created.status).toBe(201);
    // The second instance reads the registry on its next tick.
    for (const deadline = Date.now() + 5_000; (await second.request('GET', '/watches')).json.items.length === 0; await sleep(20)) {
      if (Date.now() > deadline) throw new Error('the second instance never learned of the watch');
    }

    const report = { type: 'MilitaryOffensive', actor: 'AZE', target: 'ARM', occurredOn: '2024-05-31', summary: 'Azerbaijan launches an offensive', sources: [{ publisher: 'Wire service' }] };
    expect((await second.request('POST', '/incidents', report, alice)).status).toBe(201);
    await waitFor(() => receiver.received.length === 1, 'the webhook');
    // Both have followed the log and judged the pair several times over by now.
    await sleep(400);
    expect(receiver.received).toHaveLength(1);
    const alertId = receiver.received[0].headers['x-demarche-alert-id'];
    for (const instance of [first, second]) {
      // Each learns of an alert the other raised when it next judges the watch (every 50 ms here).
      let alerts: { alertId: string }[] = [];
      for (const deadline = Date.now() + 5_000; Date.now() < deadline && alerts.length === 0; await sleep(20)) {
        alerts = (await instance.request('GET', '/watches/alerts')).json.items;
      }
      expect(alerts.map((alert) => alert.alertId)).toEqual([alertId]);
    }
    expect(receiver.received).toHaveLength(1);
  });
});
