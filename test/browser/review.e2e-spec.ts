/**
 * The review page in a real browser (Debian's chromium via playwright-core), at phone width: seed
 * article 000 pasted with its date, its proposals shown with the evidence marked, one edited with
 * the report form, one rejected, the rest recorded — and seen on the pair page — then recorded
 * again, which records nothing new. Screenshots go to test-artifacts/review/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, collectPageProblems, describeInBrowser, launchChromium, openContext } from '../support/browser.js';
import { countEvents, startTestApp, type TestApp } from '../support/test-app.js';

declare const document: any;
declare const window: any;

const ARTIFACTS = artifactsDir('review');
const PHONE = { width: 390, height: 844 };
const SEED_ARTICLE = readFileSync(new URL('../fixtures/shared/seeds/000_7265cf855958d769.txt', import.meta.url), 'utf8');
const EDITED_SUMMARY = 'Azerbaijan declares two French embassy employees personae non gratae (checked by the analyst)';
/** Types whose refusal leaves the others' rules unchanged: the one rejected is of these. */
const HARMLESS_TO_REJECT = ['Accusation', 'PublicCondemnation', 'OppositionRallied', 'ThreatIssued'];

jest.setTimeout(120_000);

describeInBrowser('review page in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function phonePage(): Promise<Page> {
    const context = await openContext(browser, { viewport: PHONE, baseURL: t.url, defaultTimeout: 15_000 });
    collectPageProblems(context, problems);
    return context.newPage();
  }

  async function expectNoHorizontalScroll(page: Page) {
    const widths = await page.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      // Named in the failure, so it says what to fix.
      widest: [...document.querySelectorAll('body *')]
        .filter((e: any) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5)
        .map((e: any) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`),
    }));
    expect(widths).toEqual({ document: widths.viewport, viewport: widths.viewport, widest: [] });
  }

  it('proposes, shows the evidence, edits, rejects, records the rest once, and a second record adds nothing', async () => {
    const page = await phonePage();
    await page.goto('/review');
    await expect(page.locator('nav[aria-label="Site"] a[aria-current="page"]').textContent()).resolves.toBe('Review');

    // A bad date is named next to its field, in words.
    await page.fill('#article-text', SEED_ARTICLE);
    await page.fill('#article-published-on', '27/12/2023');
    await page.click('#propose');
    await page.waitForSelector('[data-field="publishedOn"] .field-error');
    await expect(page.locator('#article-errors').textContent()).resolves.toMatch(/Published on must be a date YYYY-MM-DD/);

    await page.fill('#article-published-on', '2023-12-27');
    await page.fill('#article-publisher', 'Example Wire');
    await page.click('#propose');
    await page.waitForSelector('.proposal');
    const cards = page.locator('.proposal');
    const proposed = await cards.count();
    expect(proposed).toBeGreaterThanOrEqual(3);

    // The evidence is marked in the article and in each card's sentence: trigger, actor, target.
    for (const kind of ['trigger', 'actor', 'target']) {
      expect(await page.locator(`#article-view .marked-text mark.ev-${kind}`).count()).toBeGreaterThan(0);
      const marked = await cards.evaluateAll((elements: any[], k: string) => elements.filter((e) => e.querySelector(`.evidence mark.ev-${k}`)).length, kind);
      expect([kind, marked]).toEqual([kind, proposed]);
    }
    const expulsion = page.locator('.proposal[data-type="DiplomatsExpelled"]').first();
    await expect(expulsion.locator('h3').textContent()).resolves.toMatch(/AZE → FRA, 2023-12-26/);
    await expect(expulsion.locator('.evidence mark.ev-actor').textContent()).resolves.toMatch(/Azerbaijan/);
    await expect(expulsion.locator('.evidence mark.ev-target').textContent()).resolves.toMatch(/French/);
    await page.screenshot({ path: join(ARTIFACTS, 'proposals-390.png'), fullPage: true });

    // Edit one field with the report form, prefilled with the proposal and the article as its source.
    await expulsion.locator('details.edit > summary').click();
    await expect(expulsion.locator('[data-field="sources[0].publisher"] input').inputValue()).resolves.toBe('Example Wire');
    await expect(expulsion.locator('[data-field="sources[0].publishedOn"] input').inputValue()).resolves.toBe('2023-12-27');
    await expulsion.locator('textarea[name="summary"]').fill(EDITED_SUMMARY);
    await expectNoHorizontalScroll(page);

    // Reject one.
    const types = await cards.evaluateAll((elements: any[]) => elements.map((e) => e.dataset.type));
    const rejectedIndex = types.findIndex((type: string) => HARMLESS_TO_REJECT.includes(type));
    expect(rejectedIndex).toBeGreaterThanOrEqual(0);
    const rejected = cards.nth(rejectedIndex);
    const rejectedSummary = (await rejected.locator('.proposal-summary').textContent())!;
    await rejected.locator('input[value="reject"]').check();
    await expect(rejected.locator('.card-status').textContent()).resolves.toMatch(/Rejected/);
    await expect(page.locator('#record').textContent()).resolves.toBe(`Record ${proposed - 1} accepted incidents`);

    // Record the rest.
    await page.click('#record');
    await page.waitForSelector('#record-status .success');
    await expect(page.locator('#record-status').textContent()).resolves.toBe(`Recorded ${proposed - 1} incidents.`);
    await expect(expulsion.locator('.card-status').textContent()).resolves.toMatch(/^Recorded/);
    expect(countEvents(t.file)).toBe(proposed - 1);
    const recorded = (await t.request('GET', '/incidents?limit=100')).json.items as { summary: string; sources: unknown[] }[];
    expect(recorded.map((i) => i.summary)).toContain(EDITED_SUMMARY);
    expect(recorded.map((i) => i.summary)).not.toContain(rejectedSummary);
    expect(recorded.every((i) => JSON.stringify(i.sources) === JSON.stringify([{ publisher: 'Example Wire', publishedOn: '2023-12-27' }]))).toBe(true);
    await expectNoHorizontalScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'recorded-390.png'), fullPage: true });

    // The pair page shows them.
    const pairLink = expulsion.locator('.card-status a');
    await expect(pairLink.getAttribute('href')).resolves.toBe('/pairs/AZE-FRA');
    const pairPage = await (await browser.newContext({ viewport: PHONE, baseURL: t.url })).newPage();
    await pairPage.goto('/pairs/AZE-FRA');
    await pairPage.waitForSelector(`#incidents :text("${EDITED_SUMMARY}")`);

    // Record again: nothing new, and the page says so.
    await page.click('#record');
    await page.waitForFunction(() => /Nothing new/.test(document.querySelector('#record-status')?.textContent ?? ''));
    await expect(page.locator('#record-status').textContent()).resolves.toBe(`Nothing new: all ${proposed - 1} were already recorded.`);
    await expect(expulsion.locator('.card-status').textContent()).resolves.toMatch(/^Already recorded/);
    expect(countEvents(t.file)).toBe(proposed - 1);
    expect(problems).toEqual([]);
  });
});
