/**
 * A busy day on the pair page's chart: the timeline lists its three heaviest incidents and counts
 * the rest, and the tooltip and the marker's spoken description say how many more there were.
 */
import { jest } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { collectPageProblems, describeInBrowser, launchChromium, openContext } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

jest.setTimeout(60_000);

describeInBrowser('timeline tooltip of a busy day', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    // The browser asks about months up to its own today, so the server keeps the real clock.
    t = await startTestApp();
    const busyDay = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    for (const [type, summary] of [
      ['Accusation', 'First accusation'],
      ['ThreatIssued', 'First threat'],
      ['Accusation', 'Second accusation'],
      ['ThreatIssued', 'Second threat'],
      ['Accusation', 'Third accusation'],
    ]) {
      const response = await t.request('POST', '/incidents', { type, actor: 'AZE', target: 'FRA', occurredOn: busyDay, summary, sources: [{ publisher: 'Wire service' }] });
      expect(response.status).toBe(201);
    }
    browser = await launchChromium();
    context = await openContext(browser, { viewport: { width: 1280, height: 900 }, baseURL: t.url, defaultTimeout: 10_000 });
    collectPageProblems(context, problems);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('lists the three heaviest of five incidents and says there are two more', async () => {
    const page = await context.newPage();
    await page.goto('/pairs/AZE-FRA');
    await page.waitForSelector('body[data-loaded="true"][data-live="live"]');

    await expect(page.locator('#chart').getAttribute('data-markers')).resolves.toBe('1');
    await page.locator('#chart').focus();
    await page.keyboard.press('End');
    const tooltip = page.locator('#chart-tooltip');
    await expect(tooltip.locator('.tip-incidents li').allTextContents()).resolves.toEqual([
      expect.stringContaining('First accusation'),
      expect.stringContaining('First threat'),
      expect.stringContaining('Second threat'),
    ]);
    await expect(tooltip.locator('.tip-more').textContent()).resolves.toBe('and 2 more incidents');
    await expect(page.locator('#chart-describe').textContent()).resolves.toMatch(/Marker 1 of 1: .*Second threat\. And 2 more\.$/);
    expect(problems).toEqual([]);
  });
});
