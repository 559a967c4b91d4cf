/**
 * The alerts page and the methodology page in a real browser (Debian's chromium driven by
 * playwright-core): a watch created with the page's form, an incident reported through the API,
 * and the alert arriving live on the open page and, signed, at a real local webhook receiver;
 * the methodology page generated from GET /methodology, reached from a score.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { artifactsDir, collectPageProblems, describeInBrowser, launchChromium, openContext } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';
import { INCIDENT_TYPES } from '../../src/domain/incident-types.js';

// Functions given to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const ARTIFACTS = artifactsDir('dashboard');

jest.setTimeout(60_000);

const today = () => new Date().toISOString().slice(0, 10);
const incident = (type: string, actor: string, target: string, summary: string) => ({
  type,
  actor,
  target,
  occurredOn: today(),
  summary,
  sources: [{ publisher: 'Wire service' }],
});

describeInBrowser('alerts and methodology in a real browser', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startTestApp({ app: { watches: { webhookPolicy: { allowLoopback: true, allowPrivateNetworks: false } } } });
    expect((await t.request('POST', '/incidents', incident('Accusation', 'DEU', 'FRA', 'Berlin accuses Paris of bias'))).status).toBe(201);
    browser = await launchChromium();
    context = await openContext(browser, { viewport: { width: 1280, height: 900 }, baseURL: t.url, defaultTimeout: 10_000 });
    collectPageProblems(context, problems);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  afterEach(() => {
    expect(problems.splice(0)).toEqual([]);
  });

  it('shows the method generated from the scoring code, reached from a score on the overview', async () => {
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForSelector('body[data-loaded="true"]');
    await page.locator('tr[data-pair="DEU-FRA"] .score a.score-link').click();
    await page.waitForURL(/\/about\/methodology#score$/);
    await page.waitForSelector('#types-body tbody tr');
    const types = await page.locator('#types-body tbody tr').allTextContents();
    // One row per catalogue type: the hand-made ones and one per CAMEO root category.
    expect(types).toHaveLength(INCIDENT_TYPES.length);
    expect(types.find((row) => row.startsWith('Diplomats expelled'))).toMatch(/^Diplomats expelled161-4\.0conflict14\.8weighs more with the number of diplomats/);
    const severed = await page.locator('#conditions-body tbody tr', { hasText: 'Diplomatic relations severed' }).textContent();
    expect(severed).toContain('4281.4');
    expect(await page.locator('#levels-body tbody tr').allTextContents()).toEqual(['calm0100', 'friction10302.6', 'strained30558.9', 'crisis558020', 'rupture80—40.2']);
    expect(await page.locator('#formula').textContent()).toContain('score = 100 × (1 − e^(−(T + M) / 25))');
    // How an imported incident counts by its independent sources, until it counts fully.
    expect(await page.locator('#evidence-body tbody tr').allTextContents()).toEqual(['125%', '250%', '375%', '4100%']);
    await page.screenshot({ path: join(ARTIFACTS, 'methodology.png'), fullPage: true });
    await page.close();
  });

  it('creates a watch with the form, then shows an alert live and delivers it signed to the webhook', async () => {
    const page = await context.newPage();
    await page.goto('/alerts');
    await page.waitForSelector('body[data-alerts="live"]');
    // The API's refusal shows next to the form, naming the field in words.
    await page.fill('#watch-name', 'Caucasus desk');
    await page.click('#watch-form button[type="submit"]');
    await page.waitForSelector('#watch-form-result .callout.error');
    expect(await page.locator('#watch-form-result li').allTextContents()).toEqual(['pairs: name at least one pair (or country, in countries) to watch']);

    await page.fill('#watch-countries', 'arm');
    await page.selectOption('#watch-rule', 'level_reached');
    await page.selectOption('#watch-level', 'crisis');
    await page.fill('#watch-webhook', receiver.url);
    await page.click('#watch-form button[type="submit"]');
    const secret = (await page.locator('#webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.waitForSelector('#watches li[data-watch-id]');
    expect(await page.locator('#watches li[data-watch-id]').textContent()).toContain('level reaches crisis or worse; ARM (all pairs)');

    expect((await t.request('POST', '/incidents', incident('MilitaryOffensive', 'AZE', 'ARM', 'Azerbaijan launches an offensive in Karabakh'))).status).toBe(201);

    const alert = page.locator('#alerts li[data-pair="ARM-AZE"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^(crisis|rupture)\s*Armenia–Azerbaijan is at \1 \(score \d+\.\d\), at or beyond crisisCaucasus desk · .* · score \d+\.\d · Open ARM–AZE$/);
    // Screen readers hear it too (the live region is filled a tick later).
    await page.waitForFunction(() => /^Alert: Armenia–Azerbaijan is at (crisis|rupture)/.test(document.getElementById('announcer')?.textContent ?? ''));

    await waitFor(() => receiver.received.length === 1, 'the webhook');
    const [hook] = receiver.received;
    expect(hook.headers['x-demarche-signature']).toBe(`sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`);
    expect(JSON.parse(hook.body).alertId).toBe(await alert.getAttribute('data-alert-id'));
    await page.screenshot({ path: join(ARTIFACTS, 'alerts.png'), fullPage: true });
    await page.close();
  });
});
