import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { rawRequest, type RawAnswer } from '../support/server-run.js';

/**
 * Writes a page on another site could make a browser send: only `application/json` bodies are
 * parsed (415 for anything a form can send, before parsing), writes from another origin are 403,
 * and without keys only requests naming this machine in Host are served (DNS rebinding).
 */

const NOW = '2024-06-01T12:00:00.000Z';
const JSON_TYPE = { 'content-type': 'application/json' };
const report = {
  type: 'Accusation',
  actor: 'AZE',
  target: 'FRA',
  occurredOn: '2024-05-15',
  summary: 'Baku accuses Paris of bias',
  sources: [{ publisher: 'Wire service' }],
};

function expectProblem(answer: RawAnswer, status: number): any {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.body);
  expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(answer.body).not.toMatch(/\bat .+\.(ts|js):\d+|\/work\/|node_modules/);
  return problem;
}

describe('writes without API keys', () => {
  let t: TestApp;
  let port: number;
  let incidentId: string;
  const send = (method: string, path: string, headers: Record<string, string | string[]>, body?: string) =>
    rawRequest(port, method, path, { host: `127.0.0.1:${port}`, ...headers }, body);

  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock(NOW) });
    port = Number(new URL(t.url).port);
    incidentId = (await t.request('POST', '/incidents', report)).json.incidentId;
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses the reported form-encoded retraction 415 and records nothing', async () => {
    const before = countEvents(t.file);

    const answer = await send('POST', `/incidents/${incidentId}/retraction`, { 'content-type': 'application/x-www-form-urlencoded' }, 'reason=csrf');

    const problem = expectProblem(answer, 415);
    expect(problem.detail).toBe('Writes must carry Content-Type: application/json, not "application/x-www-form-urlencoded"');
    expect(problem.errors).toEqual([{ field: 'Content-Type', message: 'must be application/json' }]);
    expect(countEvents(t.file)).toBe(before);
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'reason=csrf'],
    ['text/plain (what a no-cors fetch of a string sends)', 'text/plain;charset=UTF-8', '{"reason":"csrf"}'],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="reason"\r\n\r\ncsrf\r\n--x--\r\n'],
    ['a +json type', 'application/problem+json', '{"reason":"csrf"}'],
    ['no content type on a body', undefined, '{"reason":"csrf"}'],
  ])('refuses %s on every write route with 415, recording nothing', async (_case, contentType, body) => {
    const before = countEvents(t.file);
    const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };

    for (const path of ['/incidents', `/incidents/${incidentId}/correction`, `/incidents/${incidentId}/retraction`, '/admin/projections/rebuild']) {
      expectProblem(await send('POST', path, headers, body), 415);
    }
    expect(countEvents(t.file)).toBe(before);
  });

  it('takes a rebuild (no body) only with Content-Type: application/json, which no form or no-cors request can send', async () => {
    const bare = await send('POST', '/admin/projections/rebuild', {});
    const declared = await send('POST', '/admin/projections/rebuild', JSON_TYPE);

    expect(expectProblem(bare, 415).detail).toBe('Writes must carry Content-Type: application/json, also when they have no body');
    expect(declared.status).toBe(200);
    expect(JSON.parse(declared.body).events).toBe(countEvents(t.file));
  });

  it('still accepts JSON with a charset from this machine', async () => {
    const before = countEvents(t.file);

    const answer = await send('POST', '/incidents', { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ ...report, summary: 'with a charset' }));

    expect(answer.status).toBe(201);
    expect(countEvents(t.file)).toBe(before + 1);
  });

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, /Sec-Fetch-Site: cross-site/],
    ['Sec-Fetch-Site: same-site (another port on localhost)', { 'sec-fetch-site': 'same-site' }, /Sec-Fetch-Site: same-site/],
    ['an Origin of another site', { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' }, /page from "https:\/\/attacker.example"/],
    ['an Origin on another localhost port', { origin: 'http://127.0.0.1:1' }, /page from "http:\/\/127.0.0.1:1"/],
    ['Origin: null (sandboxed frame, file: page)', { origin: 'null' }, /opaque origin/],
  ])('refuses a JSON write carrying %s with 403 and records nothing', async (_case, headers, detail) => {
    const before = countEvents(t.file);

    const answer = await send('POST', '/incidents', { ...JSON_TYPE, ...headers }, JSON.stringify(report));

    expect(expectProblem(answer, 403).detail).toMatch(detail);
    expect(countEvents(t.file)).toBe(before);
  });

  it("accepts a write from the server's own pages (Origin is this server, Sec-Fetch-Site: same-origin)", async () => {
    const before = countEvents(t.file);

    const answer = await send('POST', '/incidents', { ...JSON_TYPE, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' }, JSON.stringify({ ...report, summary: 'from the dashboard' }));

    expect(answer.status).toBe(201);
    expect(countEvents(t.file)).toBe(before + 1);
  });

  it('refuses reads and writes naming another host (DNS rebinding) with 403, and serves the same read addressed to this machine', async () => {
    const rebound = await rawRequest(port, 'GET', '/events', { host: `attacker.test:${port}` });
    const local = await rawRequest(port, 'GET', '/events', { host: `localhost:${port}` });

    expect(expectProblem(rebound, 403).detail).toMatch(/names another host/);
    expect(local.status).toBe(200);
  });
});

describe('writes with CORS_ORIGINS and API keys', () => {
  let t: TestApp;
  let port: number;
  const SECRET = 'ops-secret-0123456789abc';

  beforeAll(async () => {
    const { parseApiKeys } = await import('../../src/auth/api-keys.js');
    t = await startTestApp({
      clock: fixedClock(NOW),
      app: { corsOrigins: ['https://dashboard.example'], auth: { keys: parseApiKeys(`ops:admin:${SECRET}`), readsRequireKey: false } },
    });
    port = Number(new URL(t.url).port);
  });

  afterAll(async () => {
    await t.close();
  });

  it('accepts a write from a listed origin, cross-site as it is', async () => {
    const answer = await rawRequest(
      port,
      'POST',
      '/incidents',
      { ...JSON_TYPE, authorization: `Bearer ${SECRET}`, origin: 'https://dashboard.example', 'sec-fetch-site': 'cross-site', host: `127.0.0.1:${port}` },
      JSON.stringify(report),
    );

    expect(answer.status).toBe(201);
    expect(countEvents(t.file)).toBe(1);
  });

  it('refuses a write from an unlisted origin even with a valid key', async () => {
    const answer = await rawRequest(
      port,
      'POST',
      '/incidents',
      { ...JSON_TYPE, authorization: `Bearer ${SECRET}`, origin: 'https://attacker.example', host: `127.0.0.1:${port}` },
      JSON.stringify(report),
    );

    expectProblem(answer, 403);
    expect(countEvents(t.file)).toBe(1);
  });

  it('serves reads whatever the Host once keys exist (the server is meant to be reached by name)', async () => {
    expect((await rawRequest(port, 'GET', '/events', { host: 'demarche.example' })).status).toBe(200);
  });
});
