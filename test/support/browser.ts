/**
 * What every browser spec needs around its tests: a real Chromium (Debian's, driven by
 * playwright-core), a visible skip where there is none, contexts on the test app, a folder for
 * screenshots, and the page errors that must not happen.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM_PATH);
export const SKIP_REASON = `SKIPPED: ${CHROMIUM_PATH} is not installed (apt-get install -y chromium, or set CHROMIUM_PATH)`;

/**
 * `describe` for a suite that needs Chromium. Without it the suite is skipped and a passing test
 * named after the reason stands in its place: Jest lists nothing for a suite whose tests are all
 * skipped, and a browser suite that silently did not run reads like one that passed.
 */
export function describeInBrowser(title: string, body: () => void): void {
  if (!haveChromium) {
    describe(`${title} — ${SKIP_REASON}`, () => {
      it(SKIP_REASON, () => {
        console.warn(`Browser tests ${SKIP_REASON}`);
      });
    });
  }
  (haveChromium ? describe : describe.skip)(title, body);
}

/** Headless, without the sandbox (containers run as root) and without background traffic to Google. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** test-artifacts/<name>, created if missing: where a spec's screenshots go (git ignores the folder). */
export function artifactsDir(name: string): string {
  const dir = join(process.cwd(), 'test-artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface ContextOptions extends BrowserContextOptions {
  /** How long a locator or navigation may wait: generous, as the machine is shared. */
  defaultTimeout: number;
}

/** A fresh context, usually with `baseURL` set to the test app so pages go to paths. */
export async function openContext(browser: Browser, { defaultTimeout, ...options }: ContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(defaultTimeout);
  return context;
}

/**
 * Records, as `url: message`, every script error and console error on each page the context opens
 * from now on, into `problems` (returned, so one list can gather several contexts). Failed loads
 * are left out: the 4xx answers a page provokes on purpose log one each.
 */
export function collectPageProblems(context: BrowserContext, problems: string[] = []): string[] {
  context.on('page', (page: Page) => {
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${message.text()}`);
    });
  });
  return problems;
}
