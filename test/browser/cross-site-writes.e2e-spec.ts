/**
 * Cross-site writes in a real browser (Debian's chromium driven by playwright-core): a page served
 * by another origin on this machine tries everything a page can do without the server's consent
 * — a form POST, fetch with and without `mode: 'no-cors'`, sendBeacon, `<img>` and `<script>`
 * loads of write routes — against a server with no API keys. Afterwards the log holds nothing new
 * and no rebuild ran; the same page's own origin shows the requests did reach the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { describeInBrowser, launchChromium } from '../support/browser.js';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

// Functions given to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;
declare const navigator: any;

jest.setTimeout(60_000);

describeInBrowser('cross-site writes in a real browser', () => {
  let t: TestApp;
  let attacker: Server;
  let attackerPort: number;
  let browser: Browser;
  let incidentId: string;
  let rebuilds = 0;
  /** What the server answered, as `METHOD path status`: seen on the real server, as no-cors answers are opaque to the page. */
  const answers: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock('2024-06-01T12:00:00.000Z') });
    const reported = await t.request('POST', '/incidents', {
      type: 'Accusation',
      actor: 'AZE',
      target: 'FRA',
      occurredOn: '2024-05-15',
      summary: 'Baku accuses Paris of bias',
      sources: [{ publisher: 'Wire service' }],
    });
    incidentId = reported.json.incidentId;
    // Counts rebuilds that really run, around the real runner.
    const runner = t.app.get(ProjectionRunner);
    const rebuild = runner.rebuild.bind(runner);
    runner.rebuild = (...args: Parameters<typeof rebuild>) => {
      rebuilds++;
      return rebuild(...args);
    };
    t.app.getHttpServer().on('request', (request: IncomingMessage, response: ServerResponse) => {
      response.once('finish', () => answers.push(`${request.method} ${request.url} ${response.statusCode}`));
    });
    attacker = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>a page on another origin</title><iframe name="sink"></iframe>');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await t?.close();
  });

  it.each([
    ['another port on the same loopback address (same-site)', () => `http://127.0.0.1:${attackerPort}/`],
    ['localhost, another site than 127.0.0.1 (cross-site)', () => `http://localhost:${attackerPort}/`],
  ])('a page from %s records nothing and triggers no rebuild', async (_case, pageUrl) => {
    answers.length = 0;
    const eventsBefore = countEvents(t.file);
    const rebuildsBefore = rebuilds;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pageUrl());

    const outcomes = await page.evaluate(
      async ({ api, id }: { api: string; id: string }) => {
        const tried: string[] = [];
        const attempt = async (name: string, run: () => Promise<unknown>) => {
          try {
            await run();
            tried.push(`${name}: sent`);
          } catch {
            tried.push(`${name}: blocked by the browser`);
          }
        };
        const retraction = `${api}/incidents/${id}/retraction`;
        const body = JSON.stringify({ reason: 'csrf' });

        // A form posted into a frame: a top-level navigation, no CORS involved.
        await new Promise<void>((resolve) => {
          const frame = document.querySelector('iframe');
          frame.addEventListener('load', () => resolve(), { once: true });
          const form = document.createElement('form');
          form.method = 'POST';
          form.action = retraction;
          form.target = 'sink';
          const field = document.createElement('input');
          field.name = 'reason';
          field.value = 'csrf';
          form.append(field);
          document.body.append(form);
          form.submit();
        });
        tried.push('form: submitted');

        await attempt('no-cors fetch, JSON text', () => fetch(retraction, { method: 'POST', mode: 'no-cors', body, headers: { 'content-type': 'application/json' } }));
        await attempt('no-cors fetch rebuild', () => fetch(`${api}/admin/projections/rebuild`, { method: 'POST', mode: 'no-cors' }));
        await attempt('cors fetch, text/plain (no preflight)', () => fetch(retraction, { method: 'POST', body }));
        await attempt('cors fetch, application/json (preflighted)', () => fetch(retraction, { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
        tried.push(`beacon queued: ${navigator.sendBeacon(`${api}/admin/projections/rebuild`)}`);
        for (const tag of ['img', 'script']) {
          await new Promise<void>((resolve) => {
            const element = document.createElement(tag);
            element.onload = element.onerror = () => resolve();
            element.src = `${api}/admin/projections/rebuild`;
            document.body.append(element);
          });
          tried.push(`${tag}: loaded`);
        }
        return tried;
      },
      { api: t.url, id: incidentId },
    );
    // The beacon goes out in the background: wait until all five POSTs have been answered.
    const posts = () => answers.filter((answer) => answer.startsWith('POST '));
    for (let i = 0; i < 100 && posts().length < 5; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await context.close();

    expect(outcomes).toContain('form: submitted');
    expect(outcomes).toContain('cors fetch, application/json (preflighted): blocked by the browser');
    // Every write reached the server and was refused there (its Origin is another site's), before anything was parsed or run:
    // the form, the two no-cors fetches, the simple cors fetch and the beacon. The preflight was refused, <img> and <script> are GETs.
    const retraction = `/incidents/${incidentId}/retraction`;
    expect(posts().sort()).toEqual(
      [`POST ${retraction} 403`, `POST ${retraction} 403`, `POST ${retraction} 403`, 'POST /admin/projections/rebuild 403', 'POST /admin/projections/rebuild 403'].sort(),
    );
    expect(answers).toEqual(expect.arrayContaining([`OPTIONS ${retraction} 404`, 'GET /admin/projections/rebuild 404']));
    expect(answers.filter((answer) => / 2\d\d$/.test(answer))).toEqual([]);
    expect(countEvents(t.file)).toBe(eventsBefore);
    expect(rebuilds).toBe(rebuildsBefore);
  });
});
