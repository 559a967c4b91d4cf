/**
 * Provenance in a real browser (Debian's chromium driven by playwright-core): a real GDELT export
 * imported, its incidents listed on the pair page and the explorer with where they came from, how
 * many independent sources they have and how much they count; the pair page's evidence filter;
 * a confirmation shown; no sideways scrolling at 390 px.
 */
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { EventImporter } from '../../src/import/event-importer.js';
import { artifactsDir, collectPageProblems, describeInBrowser, launchChromium, openContext } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { sharedDataFile } from '../support/shared-data.js';

// Functions given to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;
declare const window: any;

const ARTIFACTS = artifactsDir('dashboard');
/** The real GDELT export of the shared samples (beside the clone, else the repository's copy). */
const GDELT_FILE = sharedDataFile('gdelt-20150218230000.export.first-half.CSV');

jest.setTimeout(90_000);

describeInBrowser('provenance in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];
  /** The imported incident with the most independent sources, and its pair. */
  let chosen: { incidentId: string; pair: string; row: string; independentSources: number; weight: number };

  beforeAll(async () => {
    t = await startTestApp();
    const report = await t.app.get(EventImporter).importFile(GDELT_FILE);
    expect(report.corroborations).toBeGreaterThan(0);
    const imported = (await t.request('GET', '/incidents?provenance=imported&limit=500')).json.items;
    const best = imported.reduce((x: any, y: any) => (y.evidence.independentSources > x.evidence.independentSources ? y : x));
    chosen = {
      incidentId: best.incidentId,
      pair: [best.actor, best.target].sort().join('-'),
      row: best.evidence.importedRows[0].split('/')[1],
      independentSources: best.evidence.independentSources,
      weight: best.evidence.weight,
    };
    browser = await launchChromium();
    context = await openContext(browser, { viewport: { width: 1280, height: 900 }, baseURL: t.url, defaultTimeout: 15_000 });
    collectPageProblems(context, problems);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(() => {
    expect(problems.splice(0)).toEqual([]);
  });

  it('lists an imported incident with its dataset row, its independent sources and the share it counts', async () => {
    const page = await context.newPage();
    await page.goto(`/pairs/${chosen.pair}`);
    const row = page.locator(`#incident-${chosen.incidentId}`);
    const note = row.locator('.evidence-note');
    await note.waitFor();
    const sources = `${chosen.independentSources} independent source${chosen.independentSources === 1 ? '' : 's'}`;
    expect(await note.textContent()).toContain(`Imported from GDELT 2.0, row ${chosen.row} · ${sources}`);
    if (chosen.weight < 1) expect(await note.textContent()).toContain(`counts ${Math.round(chosen.weight * 100)}%`);
    await page.screenshot({ path: join(ARTIFACTS, 'pair-provenance.png'), fullPage: true });
    await page.close();
  });

  it("filters the pair page to analysts' incidents, in the URL, scoring none of the imports", async () => {
    const page = await context.newPage();
    await page.goto(`/pairs/${chosen.pair}`);
    await page.locator(`#incident-${chosen.incidentId}`).waitFor();
    await page.selectOption('#evidence-provenance', 'analyst,confirmed');
    await page.waitForURL(/provenance=analyst%2Cconfirmed|provenance=analyst,confirmed/);
    await page.locator(`#incident-${chosen.incidentId}`).waitFor({ state: 'detached' });
    expect(await page.locator('#incidents-table tbody').textContent()).toContain('None yet.');
    await page.close();
  });

  it('shows a confirmation, and the explorer shows provenance too', async () => {
    expect((await t.request('POST', `/incidents/${chosen.incidentId}/confirmation`, { note: 'Checked' })).status).toBe(201);
    const page = await context.newPage();
    await page.goto(`/pairs/${chosen.pair}?provenance=confirmed`);
    const note = page.locator(`#incident-${chosen.incidentId} .evidence-note`);
    await note.waitFor();
    expect(await note.textContent()).toMatch(/confirmed by an analyst on/);
    expect(await note.textContent()).not.toMatch(/counts \d+%/);
    expect(await page.inputValue('#evidence-provenance')).toBe('confirmed');
    await page.goto('/explore');
    await page.locator('tbody .evidence-note').first().waitFor();
    expect(await page.locator('tbody .evidence-note').first().textContent()).toMatch(/^(Imported from GDELT 2\.0, row \d+|Reported by an analyst)/);
    // The explorer's own filter: only what an analyst vouches for, here the one confirmation.
    await page.selectOption('#provenance', 'analyst,confirmed');
    await page.click('button[type="submit"]');
    await page.waitForURL(/provenance=analyst/);
    await page.waitForFunction(() => document.querySelectorAll('tbody .evidence-note').length === 1);
    expect(await page.locator('tbody .evidence-note').textContent()).toMatch(/confirmed by an analyst on/);
    await page.close();
  });

  it('keeps the pair page and its filter within 390 px', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: t.url });
    const page = await phone.newPage();
    await page.goto(`/pairs/${chosen.pair}`);
    await page.locator(`#incident-${chosen.incidentId} .evidence-note`).waitFor();
    const widths = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.document).toBeLessThanOrEqual(widths.viewport);
    expect(await page.locator('#evidence-provenance').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'pair-provenance-390.png'), fullPage: true });
    await phone.close();
  });
});
