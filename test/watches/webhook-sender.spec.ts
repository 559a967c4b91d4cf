import { postWebhook } from '../../src/watches/webhook-sender.js';
import { STRICT_WEBHOOK_POLICY } from '../../src/watches/webhook-url-policy.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/** The address a delivery connects to is checked at delivery, whether the URL names it or a host name resolves to it. */

const LOOPBACK = { allowLoopback: true, allowPrivateNetworks: false };
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

const post = (url: string) => ({ url, body: '{"alertId":"x"}', headers: { 'content-type': 'application/json' }, timeoutMs: 2_000 });

it('delivers where the policy allows, and answers the receiver status', async () => {
  expect(await postWebhook(post(receiver.url), LOOPBACK)).toEqual({ status: 204 });
  expect(receiver.received.at(-1)!.body).toBe('{"alertId":"x"}');
});

it('refuses an address the policy forbids without connecting, named in the URL or resolved from a name', async () => {
  const before = receiver.received.length;
  expect(await postWebhook(post(receiver.url), STRICT_WEBHOOK_POLICY)).toEqual({ error: expect.stringMatching(/this machine \(127\.0\.0\.1, loopback\)/) });
  expect(await postWebhook(post(receiver.url.replace('127.0.0.1', 'localhost')), STRICT_WEBHOOK_POLICY)).toEqual({ error: expect.stringMatching(/this machine/) });
  expect(receiver.received).toHaveLength(before);
});

it('does not follow a redirect: the receiver’s 3xx is the answer', async () => {
  receiver.answer = () => 307;
  expect(await postWebhook(post(receiver.url), LOOPBACK)).toEqual({ status: 307 });
  receiver.answer = () => 204;
});

it('says when nothing listens', async () => {
  const closed = await startWebhookReceiver();
  await closed.close();
  expect(await postWebhook(post(closed.url), LOOPBACK)).toEqual({ error: expect.stringMatching(/ECONNREFUSED/) });
});
