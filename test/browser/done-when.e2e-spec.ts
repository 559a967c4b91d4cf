/**
 * Issue #17's "Done when", walked as one analyst in a real browser (Debian's chromium via
 * playwright-core) on what `npm start` serves — the app with the seeds loaded, as `--seed` does:
 * find the seed story by searching "expel" and export it as CSV (the download's content checked),
 * open France on the map, read how the score is made from a score, use every dashboard page at
 * 390 px, and watch a pair from the alerts page: when it crosses a level, the alert arrives live
 * in the page and at a local webhook receiver, signed with the watch's secret.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { collectPageProblems, describeInBrowser, launchChromium, openContext } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

declare const document: any;
declare const window: any;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
/** Every page of the dashboard (the map's outlines and the assets are not pages). */
const PAGES = ['/', '/explore', '/explore?q=expel', '/map', '/countries/FRA', '/pairs/AZE-FRA', '/pairs/AZE-FRA?asOf=2023-12-28', '/about/methodology', '/alerts'];

jest.setTimeout(120_000);

describeInBrowser('the "Done when" of issue #17, as an analyst from npm start', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The webhook receiver listens on loopback: allowed here as WEBHOOK_ALLOW_LOOPBACK=1 would.
    t = await startTestApp({ app: { watches: { webhookPolicy: { allowLoopback: true, allowPrivateNetworks: false } } } });
    await loadSeeds(t.app);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  afterEach(() => {
    expect(problems.splice(0)).toEqual([]);
  });

  async function contextAt(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const context = await openContext(browser, { viewport, baseURL: t.url, acceptDownloads: true, defaultTimeout: 15_000 });
    collectPageProblems(context, problems);
    return context;
  }

  it('finds the seed story by "expel", exports it as CSV, opens France on the map and reads how a score is made', async () => {
    const context = await contextAt(DESKTOP);
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForSelector('body[data-loaded="true"]');
    await Promise.all([page.waitForURL(/\/explore/), page.click('nav a[href="/explore"]')]);
    await page.waitForSelector('body[data-loaded="true"]');
    await page.fill('#q', 'expel');
    await page.click('#search button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#results-heading').textContent === 'Matching incidents');
    const shown: string[] = await page.$$eval('#results-body tr[data-incident-id]', (rows: any[]) => rows.map((row) => row.dataset.incidentId));
    expect(shown.length).toBeGreaterThanOrEqual(2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const rows = parse(readFileSync((await download.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.incident_id).sort()).toEqual([...shown].sort());
    expect(rows.map((row) => row.type)).toEqual(expect.arrayContaining(['DiplomatsExpelled', 'ReciprocalExpulsion']));
    expect(rows.find((row) => row.type === 'DiplomatsExpelled')).toMatchObject({ actor: expect.stringMatching(/^(AZE|FRA)$/), target: expect.stringMatching(/^(AZE|FRA)$/) });

    await Promise.all([page.waitForURL(/\/map/), page.click('nav a[href="/map"]')]);
    await page.waitForSelector('body[data-loaded="true"]');
    await page.focus('.map-link[data-code="FRA"]');
    await Promise.all([page.waitForURL(/\/countries\/FRA/), page.keyboard.press('Enter')]);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.textContent('h1')).toContain('France');

    await page.goto('/?asOf=2023-12-28');
    await page.waitForSelector('body[data-loaded="true"]');
    await Promise.all([page.waitForURL(/\/about\/methodology#score$/), page.locator('tr[data-pair="AZE-FRA"] .score a.score-link').click()]);
    await page.waitForSelector('#types-body tbody tr');
    expect(await page.locator('#formula').textContent()).toContain('score = 100 ×');
    expect(await page.evaluate(() => document.getElementById('score')?.getBoundingClientRect().top)).toBeLessThan(DESKTOP.height);
    await context.close();
  });

  it('fits every dashboard page into 390 px without sideways scrolling', async () => {
    const context = await contextAt(PHONE);
    const page = await context.newPage();
    for (const path of PAGES) {
      await page.goto(path);
      await page.waitForSelector(path === '/alerts' ? 'body[data-alerts="live"]' : path === '/about/methodology' ? '#types-body tbody tr' : 'body[data-loaded="true"]');
      const widths = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      expect([path, widths.document]).toEqual([path, widths.viewport]);
    }
    await context.close();
  });

  it('watches a pair from the alerts page: when it crosses a level the alert shows live and a signed webhook arrives', async () => {
    const context = await contextAt(DESKTOP);
    const page = await context.newPage();
    await page.goto('/alerts');
    await page.waitForSelector('body[data-alerts="live"]');
    await page.fill('#watch-name', 'France desk');
    await page.fill('#watch-pairs', 'FRA-AZE');
    await page.selectOption('#watch-rule', 'level_reached');
    await page.selectOption('#watch-level', 'crisis');
    await page.fill('#watch-webhook', receiver.url);
    await page.click('#watch-form button[type="submit"]');
    const secret = (await page.locator('#webhook-secret').textContent())!;
    await page.waitForSelector('#watches li[data-watch-id]');
    // Today, years after the seed story, the pair has calmed: nothing is raised yet.
    expect(receiver.received).toHaveLength(0);

    const today = new Date().toISOString().slice(0, 10);
    const offensive = { type: 'MilitaryOffensive', actor: 'AZE', target: 'FRA', occurredOn: today, summary: 'Azerbaijani forces strike a French naval vessel', sources: [{ publisher: 'Wire service' }] };
    expect((await t.request('POST', '/incidents', offensive)).status).toBe(201);

    const alert = page.locator('#alerts li[data-pair="AZE-FRA"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Azerbaijan–France is at (crisis|rupture)/);
    await waitFor(() => receiver.received.length === 1, 'the webhook');
    const [hook] = receiver.received;
    expect(hook.headers['x-demarche-signature']).toBe(`sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`);
    expect(JSON.parse(hook.body)).toMatchObject({ pair: 'AZE-FRA', watchName: 'France desk', alertId: await alert.getAttribute('data-alert-id') });
    await context.close();
  });
});
