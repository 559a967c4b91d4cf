/**
 * The analyst's workspace in a real browser (Debian's chromium via playwright-core) on the seed
 * story: searching incidents and downloading them as CSV, the world map leading to a country's
 * page by keyboard, the pair page's chart downloads and retracted incidents, and every page at
 * phone width without horizontal scrolling. Screenshots go to test-artifacts/explorer/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { artifactsDir, collectPageProblems, describeInBrowser, launchChromium, openContext } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

declare const document: any;
declare const window: any;

const ARTIFACTS = artifactsDir('explorer');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

jest.setTimeout(90_000);

describeInBrowser('analyst workspace in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let retractedId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await loadSeeds(t.app);
    const posted = await t.request('POST', '/incidents', {
      type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn: '2023-12-27',
      summary: 'Baku accuses Paris of interference (reported in error)', sources: [{ publisher: 'Wire', url: 'https://example.org/wire' }],
    });
    retractedId = posted.json.incidentId;
    await t.request('POST', `/incidents/${retractedId}/retraction`, { reason: 'The statement was about another country' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(() => {
    expect(problems).toEqual([]);
  });

  async function contextAt(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const context = await openContext(browser, { viewport, baseURL: t.url, acceptDownloads: true, defaultTimeout: 15_000 });
    collectPageProblems(context, problems);
    return context;
  }

  async function open(context: BrowserContext, path: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(path);
    await page.waitForSelector('body[data-loaded="true"]');
    return page;
  }

  it('finds the seed story by searching "expel" and downloads the matches as CSV', async () => {
    const context = await contextAt(DESKTOP);
    const page = await open(context, '/explore');
    await page.fill('#q', 'expel');
    await page.click('#search button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#results-heading').textContent === 'Matching incidents');
    await page.waitForFunction(() => document.querySelectorAll('#results-body tr[data-incident-id]').length >= 2);
    const summaries: string[] = await page.$$eval('#results-body .summary-text', (cells: any[]) => cells.map((c) => c.textContent));
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    // The word is in the summary or in a source's title ("France Expels Azerbaijani Diplomats…").
    const rowTexts: string[] = await page.$$eval('#results-body tr', (rows: any[]) => rows.map((r) => r.textContent.toLowerCase()));
    for (const text of rowTexts) expect(text).toMatch(/expel/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('expel');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const rows = parse(readFileSync((await download.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.summary).sort()).toEqual([...summaries].sort());
    await page.screenshot({ path: join(ARTIFACTS, 'explore-desktop.png'), fullPage: true });
    await context.close();
  });

  it('opens France from the map with the keyboard, and lists its relations and incidents', async () => {
    const context = await contextAt(DESKTOP);
    const page = await open(context, '/map?asOf=2023-12-28');
    const colored = await page.$$eval('.world-map .map-link', (links: any[]) => links.map((l) => l.getAttribute('data-code')));
    expect(colored).toEqual(expect.arrayContaining(['FRA', 'AZE']));
    const tableCountries = await page.$$eval('#map-table-body tr', (rows: any[]) => rows.map((r) => r.dataset.code));
    expect(tableCountries.sort()).toEqual([...colored].sort());
    expect(await page.getAttribute('.map-link[data-code="FRA"]', 'aria-label')).toMatch(/^France: \w+ at worst/);

    await page.focus('.map-link[data-code="FRA"]');
    await Promise.all([page.waitForURL(/\/countries\/FRA/), page.keyboard.press('Enter')]);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.textContent('h1')).toContain('France');
    expect(await page.textContent('#country-headline')).toMatch(/Worst level/);
    expect(await page.$$eval('#country-relations-body tr[data-pair]', (rows: any[]) => rows.map((r) => r.dataset.pair))).toContain('AZE-FRA');
    expect(await page.$$eval('#country-incidents .incident-card', (cards: any[]) => cards.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'country-desktop.png'), fullPage: true });
    await context.close();
  });

  it('reaches Singapore, too small for the outlines, as a dot on the map: with Tab, and with a click', async () => {
    const posted = await t.request('POST', '/incidents', {
      type: 'AmbassadorSummoned', actor: 'SGP', target: 'MYS', occurredOn: '2023-12-20',
      summary: 'Singapore summons the Malaysian high commissioner over airspace', sources: [{ publisher: 'Wire' }],
    });
    expect(posted.status).toBe(201);
    const context = await contextAt(DESKTOP);
    const page = await open(context, '/map');
    const dot = page.locator('.map-link[data-code="SGP"]');
    expect(await dot.locator('circle.map-dot').count()).toBe(1);
    expect(await dot.getAttribute('aria-label')).toMatch(/^Singapore: \w+ at worst, in 1 relation$/);
    // In the tab order like every other country: Tab from the top of the page until Singapore has the focus.
    await page.focus('.world-map');
    let reached = false;
    for (let presses = 0; presses < 300 && !reached; presses++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('data-code') === 'SGP');
    }
    expect(reached).toBe(true);
    await Promise.all([page.waitForURL(/\/countries\/SGP/), page.keyboard.press('Enter')]);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.textContent('h1')).toContain('Singapore');
    expect(await page.$$eval('#country-relations-body tr[data-pair]', (rows: any[]) => rows.map((r) => r.dataset.pair))).toEqual(['MYS-SGP']);

    // A pointer reaches it too: the dot is drawn above Malaysia's outline.
    await page.goto('/map');
    await page.waitForSelector('body[data-loaded="true"]');
    await Promise.all([page.waitForURL(/\/countries\/SGP/), page.click('.map-link[data-code="SGP"] circle')]);
    await context.close();
  });

  it('shows a retracted incident struck through with its reason, details in words and chart downloads', async () => {
    const context = await contextAt(DESKTOP);
    const page = await open(context, '/pairs/AZE-FRA?asOf=2023-12-28');
    const row = page.locator(`tr[data-incident-id="${retractedId}"]`);
    expect(await row.getAttribute('class')).toContain('retracted');
    expect(await row.locator('.summary-text').evaluate((el: any) => window.getComputedStyle(el).textDecorationLine)).toBe('line-through');
    expect(await row.locator('.retraction-note').textContent()).toBe('Retracted: The statement was about another country');
    const details = await page.$$eval('.details-text', (ps: any[]) => ps.map((p) => p.textContent).join(' '));
    expect(details).not.toMatch(/deadlineHours|diplomats:/);
    expect(details).toMatch(/\d+ diplomats?/);

    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
    expect(svg.suggestedFilename()).toBe('demarche-AZE-FRA-timeline.svg');
    expect(readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*<path d="M/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const points = parse(readFileSync((await csv.path())!, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(points.length).toBeGreaterThan(0);
    expect(Object.keys(points[0])).toEqual(['at', 'score', 'level', 'incident_count', 'incident_ids', 'incident_types']);
    await context.close();
  });

  it('shows a message, not a blank chart, for a pair with no incidents, and reaches it from the overview', async () => {
    const context = await contextAt(DESKTOP);
    const page = await open(context, '/');
    await page.click('#new-pair button[type="submit"]');
    expect(await page.textContent('#new-pair-error')).toBe('Choose both countries.');
    await page.selectOption('#new-pair-a', 'NOR');
    await page.selectOption('#new-pair-b', 'CHL');
    await Promise.all([page.waitForURL(/\/pairs\/CHL-NOR/), page.click('#new-pair button[type="submit"]')]);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.isVisible('#chart-empty')).toBe(true);
    expect(await page.textContent('#chart-empty')).toMatch(/No incident is recorded between these countries/);
    expect(await page.isDisabled('#export-png')).toBe(true);

    // An empty report is answered in the form's own words, one message per field, no field paths.
    await page.selectOption('#report-form select[data-control="type"]', 'DiplomatsExpelled');
    await page.click('#report-form button[type="submit"]');
    await page.waitForSelector('#report-form .field-error');
    const messages: string[] = await page.$$eval('#report-form .field-error', (ps: any[]) => ps.map((p) => p.textContent.replace(/^Error: /, '')));
    for (const message of messages) expect(message).not.toMatch(/details\.|sources\[|\b(occurredOn|actor|target) /);
    expect(messages).toContain('Diplomats is required');
    expect(messages).toEqual([...new Set(messages)]);
    await context.close();
  });

  it('travels to a known-at date from the control beside as-of', async () => {
    const context = await contextAt(DESKTOP);
    const page = await open(context, '/?asOf=2023-12-28');
    await page.fill('#known-at-date', '2023-12-01');
    await page.click('#as-of-form button[type="submit"]');
    await page.waitForURL(/knownAt=2023-12-01/);
    expect(await page.textContent('#as-of-help')).toMatch(/as Demarche knew it at the end of 1 Dec 2023/);
    await context.close();
  });

  it('lists incidents as known at a date from the explore page\'s Known at field', async () => {
    const context = await contextAt(DESKTOP);
    const page = await open(context, '/explore?q=expel');
    expect(await page.$$eval('#results-body tr[data-incident-id]', (rows: any[]) => rows.length)).toBeGreaterThan(0);
    // The seeds were recorded today: at the end of 1 December 2023 Demarche knew none of them.
    await page.fill('#knownAt', '2023-12-01');
    await page.click('#search button[type="submit"]');
    await page.waitForURL(/knownAt=2023-12-01/);
    await page.waitForFunction(() => /No incident matches/.test(document.querySelector('#results-body').textContent));
    expect(await page.getAttribute('#download-csv', 'href')).toContain('knownAt=2023-12-01');
    await context.close();
  });

  it('fits every page into 390 px without horizontal scrolling, tables becoming cards', async () => {
    const context = await contextAt(PHONE);
    for (const path of ['/', '/explore?q=expel', '/map', '/countries/FRA', '/pairs/AZE-FRA?asOf=2023-12-28']) {
      const page = await open(context, path);
      const widths = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      expect([path, widths.document]).toEqual([path, widths.viewport]);
      await page.screenshot({ path: join(ARTIFACTS, `phone-${path.split('?')[0].replace(/\W+/g, '-') || 'home'}.png`), fullPage: true });
      await page.close();
    }
    const page = await open(context, '/explore?q=expel');
    const display = await page.$eval('#results-body tr', (tr: any) => window.getComputedStyle(tr).display);
    expect(display).toBe('block');
    await context.close();
  });
});
