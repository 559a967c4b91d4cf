/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): the seed story on
 * a temporary SQLite file, the overview, the pair page with its chart, the report form with the
 * API's validation messages, and an incident appearing live on another open page.
 * Screenshots go to test-artifacts/dashboard/.
 */
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { artifactsDir, collectPageProblems, describeInBrowser, launchChromium, openContext } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Functions given to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;
declare const window: any;
type HTMLCanvasElement = any;

const ARTIFACTS = artifactsDir('dashboard');

jest.setTimeout(60_000);

describeInBrowser('dashboard in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  /** Script errors and policy violations seen on any page: there must be none. */
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await loadSeeds(t.app);
    browser = await launchChromium();
    context = await openContext(browser, { viewport: { width: 1440, height: 900 }, baseURL: t.url, defaultTimeout: 10_000 });
    // Failed fetches (the 400 and 422 the form provokes) are expected; anything else is not.
    collectPageProblems(context, problems);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(path);
    await page.waitForSelector('body[data-loaded="true"][data-live="live"]');
    return page;
  }

  function shot(page: Page, name: string, fullPage = true) {
    return page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
  }

  /** Whether a canvas has anything drawn on it. */
  function canvasDrawn(page: Page, selector: string): Promise<{ width: number; height: number; inked: number }> {
    return page.locator(selector).first().evaluate((canvas: HTMLCanvasElement) => {
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
      return { width: canvas.width, height: canvas.height, inked };
    });
  }

  let overview: Page;
  let pairPage: Page;

  it('lists every pair, highest level first, and travels back to when the story happened', async () => {
    overview = await open('/');
    await shot(overview, '01-overview-today');
    // Today the 2023 story is old news: the banner says so (recency, not scores) and offers the day the last
    // incident counts from — France's answer, "2023-12", counted after the expulsion of 26 December it answers.
    const hint = overview.locator('#as-of-hint');
    await expect(hint.textContent()).resolves.toContain('No incident in the 30 days before today: the latest counts from 29 Dec 2023');
    // The Karabakh offensive ended in a ceasefire on its second day, and nothing else stands: every pair is calm today, and the banner says why.
    await expect(hint.textContent()).resolves.toContain('Nothing stands between these countries today; older incidents have faded');
    await expect(overview.locator('#relations-body tr .badge').allTextContents()).resolves.toEqual(['calm', 'calm', 'calm']);
    // The bands' legend comes from GET /catalog.
    await expect(overview.locator('#level-legend').textContent()).resolves.toBe('calm <10 ≤ friction <30 ≤ strained <55 ≤ crisis <80 ≤ rupture');
    await overview.getByRole('button', { name: /Last incident · 29 Dec 2023/ }).click();
    await overview.waitForURL(/asOf=2023-12-29/);
    await overview.waitForFunction(() => document.querySelector('#relations-caption')?.textContent?.includes('29 Dec 2023'));

    // Level first: the expulsions (strained) above the offensive long since ended by its ceasefire and the arms deals (both calm).
    const rows = overview.locator('#relations-body tr');
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-pair')))).resolves.toEqual(['AZE-FRA', 'ARM-AZE', 'ARM-FRA']);
    await expect(overview.locator('tr[data-pair="ARM-AZE"] .badge').textContent()).resolves.toBe('calm');
    const row = overview.locator('tr[data-pair="AZE-FRA"]');
    await expect(row.locator('.badge').textContent()).resolves.toBe('strained');
    await expect(row.locator('.trend').textContent()).resolves.toMatch(/▲ \+\d+\.\d/);
    // This month's arrow: December 2023 deteriorated, with its reasons in the title.
    await expect(row.locator('.this-month .judgement').textContent()).resolves.toMatch(/^▲ deteriorated/);
    await expect(row.locator('.this-month .judgement').getAttribute('title')).resolves.toMatch(/^Momentum up \(.*\): \d+ conflict incidents$/);
    await expect(row.locator('th').textContent()).resolves.toContain('Azerbaijan – France');
    // Its chart (the 180-day sparkline) is drawn.
    await row.locator('.spark canvas').waitFor();
    const spark = await canvasDrawn(overview, 'tr[data-pair="AZE-FRA"] .spark canvas');
    expect(spark.width).toBeGreaterThan(0);
    expect(spark.inked).toBeGreaterThan(100);

    // Filters: by level, then by country.
    await overview.selectOption('#filter-level', 'calm');
    await expect(rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-pair')))).resolves.toEqual(['ARM-AZE', 'ARM-FRA']);
    await overview.selectOption('#filter-level', '');
    await overview.selectOption('#filter-country', 'ARM');
    await expect(overview.locator('#relations-body tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-pair')))).resolves.toEqual(['ARM-AZE', 'ARM-FRA']);
    await overview.selectOption('#filter-country', '');
    await shot(overview, '02-overview-as-of-last-incident');
  });

  it('opens the pair page from the keyboard, keeping the date, with state cards, the chart, what drives the score and the incidents', async () => {
    const link = overview.locator('tr[data-pair="AZE-FRA"] a.pair-link');
    await link.focus();
    await overview.keyboard.press('Enter');
    await overview.waitForURL(/\/pairs\/AZE-FRA\?asOf=2023-12-29/);
    await overview.waitForSelector('body[data-loaded="true"]');
    pairPage = overview;
    await pairPage.goto('/pairs/AZE-FRA?asOf=2023-12-28');
    await pairPage.waitForSelector('body[data-loaded="true"][data-live="live"]');

    await expect(pairPage.locator('h1').textContent()).resolves.toContain('Azerbaijan – France');
    await expect(pairPage.locator('.escalation-card .badge').textContent()).resolves.toBe('strained');
    const score = Number(await pairPage.locator('#score-value').textContent());
    expect(score).toBeGreaterThan(30);
    expect(score).toBeLessThan(55);
    const aze = pairPage.locator('.side-card[data-country="AZE"]');
    await expect(aze.textContent()).resolves.toMatch(/Ambassador in France\s*In post/);
    await expect(aze.textContent()).resolves.toMatch(/Expelled FRA diplomats\s*2 in 1 expulsion/);

    // The timeline: drawn, with the level bands and incident markers.
    const chart = await canvasDrawn(pairPage, '#chart canvas');
    expect(chart.inked).toBeGreaterThan(10_000);
    expect(Number(await pairPage.locator('#chart').getAttribute('data-markers'))).toBeGreaterThanOrEqual(6);
    const bandPixel = await pairPage.locator('#chart canvas').evaluate((canvas: HTMLCanvasElement) => {
      // Near the top of the plot: the rupture band's shade, not white.
      const [r, g, b] = canvas.getContext('2d')!.getImageData(Math.round(canvas.width / 2), Math.round(canvas.height * 0.12), 1, 1).data;
      return { r, g, b };
    });
    expect(bandPixel.r).toBeGreaterThan(bandPixel.g);

    // Hovering a marker shows its incidents' summaries.
    await pairPage.locator('#chart').scrollIntoViewIfNeeded();
    const plot = (await pairPage.locator('#chart .u-over').boundingBox())!;
    let tooltip = '';
    for (let x = plot.x + plot.width * 0.55; x < plot.x + plot.width && !tooltip.includes('→'); x += 3) {
      await pairPage.mouse.move(x, plot.y + plot.height / 2);
      tooltip = await pairPage.evaluate(() => document.querySelector('#chart-tooltip:not([hidden]) .tip-incidents')?.textContent ?? '');
    }
    expect(tooltip).toMatch(/(Diplomats expelled|Reciprocal expulsion|Ambassador summoned|Accusation)/);
    await shot(pairPage, '03-pair-chart-hover', false);

    // From the keyboard: End goes to the last marker and reads it out — France's answer, counted from 29 December,
    // after the expulsion it answers; ← from it steps back to 26 December's expulsion.
    await pairPage.locator('#chart').focus();
    await pairPage.keyboard.press('End');
    await expect(pairPage.locator('#chart-describe').textContent()).resolves.toMatch(/Marker \d+ of \d+: 29 Dec 2023/);
    await expect(pairPage.locator('#chart-tooltip').textContent()).resolves.toContain("France expels two diplomats of Azerbaijan's embassy in Paris");
    await pairPage.keyboard.press('ArrowLeft');
    await expect(pairPage.locator('#chart-describe').textContent()).resolves.toMatch(/Marker \d+ of \d+: 26 Dec 2023/);
    await expect(pairPage.locator('#chart-tooltip').textContent()).resolves.toContain('Azerbaijan declares two French embassy employees personae non gratae');

    // What drives the score on 28 December: Azerbaijan's expulsion, standing unanswered, and the incidents; the points add up.
    await expect(pairPage.locator('table.conditions tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('th')?.textContent))).resolves.toEqual([
      "Azerbaijan's expulsion of 2 diplomats of France on 26 Dec 2023, not answered yet",
    ]);
    const contributors = pairPage.locator('table.contributors tbody tr');
    await expect(contributors.count()).resolves.toBe(5);
    await expect(contributors.first().locator('td.explanation').textContent()).resolves.toMatch(/Goldstein -?\d.*% of its weight left after \d+ days/);
    const points = await pairPage.locator('table.conditions td.num, table.contributors td.num.conflict, table.contributors td.num.cooperation').evaluateAll((tds) =>
      tds.map((td) => Number((td.textContent ?? '').replace('−', '-'))),
    );
    const others = Number(((await pairPage.locator('table.contributors caption').textContent()) ?? '').match(/the others: ([+−-]?[\d.]+)/)?.[1].replace('−', '-') ?? 0);
    expect(Math.round((points.reduce((sum, p) => sum + p, 0) + others) * 10) / 10).toBe(score);
    // Month by month, newest first: December 2023 deteriorated.
    await expect(pairPage.locator('#months-table tbody tr[data-month="2023-12"]').getAttribute('data-judgement')).resolves.toBe('deteriorated');
    await expect(pairPage.locator('#incidents-table tbody tr').count()).resolves.toBe(11);
    await pairPage.mouse.move(0, 0);
    await shot(pairPage, '04-pair-page');
  });

  it('shows the API’s validation messages next to the fields they name, and a rule violation’s detail', async () => {
    const form = pairPage.locator('#report-form');
    await form.getByLabel('Type').selectOption('DiplomatsExpelled');
    await form.getByLabel('Occurred on').fill('2023-12-28');
    await form.getByLabel(/^Summary/).fill('Azerbaijan expels three more French diplomats');
    await form.getByLabel('URL').fill('not a url');
    await form.getByLabel('Diplomats', { exact: true }).fill('three');
    await form.getByRole('button', { name: 'Report incident' }).click();

    const urlField = form.locator('[data-field="sources[0].url"]');
    await urlField.locator('.field-error').waitFor();
    await expect(urlField.locator('.field-error').textContent()).resolves.toContain('Source 1 URL must be an http(s) URL');
    await expect(urlField.locator('input').getAttribute('aria-invalid')).resolves.toBe('true');
    const diplomats = form.locator('[data-field="details.diplomats"]');
    await expect(diplomats.locator('.field-error').first().textContent()).resolves.toContain('Diplomats must be a whole number');
    // The summary lists them, with links to the fields, and takes the focus.
    await expect(form.locator('.error-summary h3').textContent()).resolves.toMatch(/There are \d+ problems/);
    await expect(pairPage.evaluate(() => document.activeElement?.classList.contains('error-summary'))).resolves.toBe(true);
    await form.locator('[data-field="sources[0].url"]').scrollIntoViewIfNeeded();
    await shot(pairPage, '05-form-validation-errors', false);

    // A rule of the relation's state (422): shown as the problem's detail.
    await form.getByLabel('Type').selectOption('DiplomaticRelationsRestored');
    await form.getByLabel('URL').fill('https://example.org/news/restored');
    await form.getByRole('button', { name: 'Report incident' }).click();
    await form.locator('.error-summary .problem-detail').waitFor();
    await expect(form.locator('.error-summary .problem-detail').textContent()).resolves.toContain('relations between AZE and FRA are neither severed nor downgraded');
    await expect(form.locator('.field-error').count()).resolves.toBe(0);
  });

  it('puts a reported incident on the other open pages live, without a reload', async () => {
    const watcher = await open('/pairs/AZE-FRA?asOf=2023-12-28');
    const liveOverview = await open('/?asOf=2023-12-28');
    await watcher.evaluate(() => ((window as any).__sameDocument = true));
    const scoreBefore = Number(await watcher.locator('#score-value').textContent());
    const rowsBefore = await watcher.locator('#incidents-table tbody tr').count();

    const form = pairPage.locator('#report-form');
    await form.getByLabel('Type').selectOption('DiplomatsExpelled');
    await form.getByLabel('URL').fill('https://example.org/news/three-more-expelled');
    await form.getByLabel('Publisher').fill('Example Wire');
    await form.getByLabel('Diplomats', { exact: true }).fill('3');
    await form.getByLabel(/^Summary/).fill('Azerbaijan expels three more French diplomats');
    await form.getByLabel('Occurred on').fill('2023-12-28');
    await form.getByRole('button', { name: 'Report incident' }).click();
    await form.locator('.form-status .success').waitFor();
    await expect(form.locator('.form-status').textContent()).resolves.toContain('Recorded: Diplomats expelled AZE → FRA');

    // The other pair page: new row with its source link, new state, higher score — same document.
    const newRow = watcher.locator('#incidents-table tbody tr', { hasText: 'Azerbaijan expels three more French diplomats' });
    await newRow.waitFor({ timeout: 10_000 });
    await expect(newRow.locator('.tag.new').count()).resolves.toBe(1);
    await expect(newRow.locator('a[href="https://example.org/news/three-more-expelled"]').textContent()).resolves.toContain('Example Wire');
    await expect(watcher.locator('#incidents-table tbody tr').count()).resolves.toBe(rowsBefore + 1);
    await watcher.waitForFunction((before) => Number(document.querySelector('#score-value')?.textContent) > before, scoreBefore);
    await expect(watcher.locator('.side-card[data-country="AZE"]').textContent()).resolves.toMatch(/Expelled FRA diplomats\s*5 in 2 expulsions/);
    // As of 28 December France has not answered yet (its answer counts from the 29th): both expulsions await it.
    await expect(watcher.locator('.side-card[data-country="AZE"]').textContent()).resolves.toMatch(/Unanswered by FRA\s*2 expulsions/);
    await expect(watcher.evaluate(() => (window as any).__sameDocument)).resolves.toBe(true);
    await expect(watcher.locator('#announcer').textContent()).resolves.toContain('New incident: Diplomats expelled, AZE to FRA');
    await newRow.scrollIntoViewIfNeeded();
    await shot(watcher, '06-live-update-on-second-page');

    // The overview: the live feed lists it, and the pair's row shows the new score.
    await liveOverview.locator('#feed li', { hasText: 'Azerbaijan expels three more French diplomats' }).waitFor({ timeout: 10_000 });
    await liveOverview.waitForFunction(
      (before) => Number(document.querySelector('tr[data-pair="AZE-FRA"] .score')?.textContent) > before,
      scoreBefore,
    );
    await shot(liveOverview, '07-live-update-on-overview', false);
  });

  it('draws the overview in at most four requests however many pairs there are, a page at a time', async () => {
    const codes = ['USA', 'CAN', 'MEX', 'BRA', 'ARG', 'CHL', 'PER', 'COL', 'DEU', 'ITA', 'ESP', 'PRT'];
    const pairs = codes.flatMap((actor, i) => codes.slice(i + 1).map((target) => [actor, target]));
    for (const [actor, target] of pairs) {
      const response = await t.request('POST', '/incidents', { type: 'Accusation', actor, target, occurredOn: '2024-01-15', summary: `${actor} accuses ${target}`, sources: [{ publisher: 'Wire service' }] });
      expect(response.status).toBe(201);
    }
    const totalPairs = pairs.length + 3;

    const page = await context.newPage();
    const apiRequests: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (request.resourceType() !== 'document' && !/^\/(static|assets|vendor)\//.test(path)) apiRequests.push(path);
    });
    await page.goto('/');
    await page.waitForSelector('body[data-loaded="true"][data-live="live"]');
    const rows = page.locator('#relations-body tr');
    await expect(rows.count()).resolves.toBe(50);
    // Every row's sparkline is drawn from the overview's own answer.
    await page.locator('#relations-body tr:nth-child(50) .spark canvas').waitFor();
    expect(apiRequests.length).toBeLessThanOrEqual(4);
    expect(apiRequests.filter((path) => path.startsWith('/relations'))).toEqual(['/relations/overview']);
    await expect(page.locator('#relations-count').textContent()).resolves.toBe(`Showing 50 of ${totalPairs} pairs.`);

    await page.getByRole('button', { name: `Show ${totalPairs - 50} more` }).click();
    await page.waitForFunction((n) => document.querySelectorAll('#relations-body tr').length === n, totalPairs);
    await expect(page.locator('#relations-more').isHidden()).resolves.toBe(true);
    await shot(page, '08-overview-many-pairs');
    await page.close();
  });

  it('ran without script errors or content-security-policy violations', () => {
    expect(problems).toEqual([]);
  });
});
