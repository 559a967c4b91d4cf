/**
 * The dashboard after a database restore, in a real browser (Debian's chromium, playwright-core):
 * the overview follows the live stream of a server whose log then goes back to an older copy. The
 * page comes back with a Last-Event-ID past the end of the restored log; the server answers with a
 * `reset`, and the page reloads its data (the incidents the restore took away disappear) and goes
 * on live. Without the reset it would show them for ever, and never hear of anything again.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { artifactsDir, describeInBrowser, launchChromium, openContext } from '../support/browser.js';
import { startTestApp } from '../support/test-app.js';

declare const document: any;

const ARTIFACTS = artifactsDir('dashboard');

jest.setTimeout(60_000);

function accusation(actor: string, target: string, summary: string) {
  return { type: 'Accusation', actor, target, occurredOn: '2024-05-02', summary, sources: [{ publisher: 'Wire service' }] };
}

describeInBrowser('live reset in a real browser', () => {
  let dir: string;
  let browser: Browser;
  let restored: NestFastifyApplication | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'demarche-live-reset-'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await restored?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reloads the overview when the server’s log was restored to an older copy, and goes on live', async () => {
    const file = join(dir, 'demarche.db');
    const backup = join(dir, 'backup.db');
    // The backup: the seed story (closing the app checkpoints the WAL into the file).
    const seeding = await startTestApp({ file });
    await loadSeeds(seeding.app);
    await seeding.close();
    copyFileSync(file, backup);

    const t = await startTestApp({ file });
    const port = Number(new URL(t.url).port);
    const context = await openContext(browser, { viewport: { width: 1280, height: 900 }, baseURL: t.url, defaultTimeout: 20_000 });
    const page = await context.newPage();
    // Uncaught script errors only, as this spec has always checked (not collectPageProblems): the outage is its subject.
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto('/');
    await page.waitForSelector('body[data-loaded="true"][data-live="live"]');
    // Recorded after the backup: it reaches the page live.
    expect((await t.request('POST', '/incidents', accusation('GEO', 'RUS', 'Tbilisi accuses Moscow'))).status).toBe(201);
    await page.locator('#feed li', { hasText: 'Tbilisi accuses Moscow' }).waitFor();
    await page.locator('tr[data-pair="GEO-RUS"]').waitFor();

    // The restore: the server stops, the older copy goes back in place, the server starts again on the same port.
    await t.close({ keep: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    copyFileSync(backup, file);
    restored = await createApp({ eventStore: { kind: 'sqlite', file }, logger: false });
    await restored.listen(port, '127.0.0.1');

    // The page's data is reloaded from the restored log: the incident the restore took away is gone, from the table and the feed.
    await page.waitForFunction(() => !document.querySelector('tr[data-pair="GEO-RUS"]'), undefined, { timeout: 30_000 });
    await page.waitForSelector('body[data-live="live"]');
    await expect(page.locator('tr[data-pair="AZE-FRA"]').count()).resolves.toBe(1);
    await expect(page.locator('#feed li').count()).resolves.toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, '10-overview-after-restore-reset.png') });

    // And it is live on the restored log.
    const response = await fetch(`http://127.0.0.1:${port}/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(accusation('ARM', 'TUR', 'Yerevan accuses Ankara')),
    });
    expect(response.status).toBe(201);
    await page.locator('#feed li', { hasText: 'Yerevan accuses Ankara' }).waitFor();
    await page.locator('tr[data-pair="ARM-TUR"]').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
