import { parseApiKeys } from '../../src/auth/api-keys.js';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { rawRequest, type RawAnswer } from '../support/server-run.js';

/**
 * Requests relayed by a proxy (refused without keys; with TRUST_PROXY and keys, counted per
 * client), repeated Authorization headers, and /health: public and never rate-limited.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const SECRET = 'ops-secret-0123456789abc';
const keys = () => ({ keys: parseApiKeys(`ops:admin:${SECRET}`), readsRequireKey: false });
const report = (summary = 'Baku accuses Paris of bias') =>
  JSON.stringify({ type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn: '2024-05-15', summary, sources: [{ publisher: 'Wire service' }] });

let t: TestApp;
const port = () => Number(new URL(t.url).port);
const send = (method: string, path: string, headers: Record<string, string | string[]> = {}, body?: string) =>
  rawRequest(port(), method, path, { host: `127.0.0.1:${port()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body);

function expectProblem(answer: RawAnswer, status: number): any {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.body).not.toMatch(/\bat .+\.(ts|js):\d+|\/work\/|node_modules/);
  return JSON.parse(answer.body);
}

afterEach(async () => {
  await t?.close();
});

describe('without API keys, a request relayed by a proxy on this machine', () => {
  beforeEach(async () => {
    t = await startTestApp({ clock: fixedClock(NOW) });
  });

  it.each([
    ['Forwarded', 'for=203.0.113.9'],
    ['X-Forwarded-For', '203.0.113.9'],
    ['X-Forwarded-Host', 'demarche.example'],
    ['X-Forwarded-Proto', 'https'],
    ['X-Real-IP', '203.0.113.9'],
    ['Via', '1.1 proxy.example'],
    ['True-Client-IP', '203.0.113.9'],
    ['CF-Connecting-IP', '203.0.113.9'],
    ['X-Client-IP', '203.0.113.9'],
    ['Fastly-Client-IP', '203.0.113.9'],
    ['X-Cluster-Client-IP', '203.0.113.9'],
  ])('carrying %s may not write (403 naming the header) and records nothing', async (header, value) => {
    const answer = await send('POST', '/incidents', { [header]: value }, report());

    expect(expectProblem(answer, 403).detail).toContain(`forwarded by a proxy (${header.toLowerCase()} header)`);
    expect(countEvents(t.file)).toBe(0);
  });
});

describe('more than one Authorization header', () => {
  beforeEach(async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { auth: keys() } });
  });

  it('is a 400 naming the header, on writes and reads, whichever comes first', async () => {
    const write = await send('POST', '/incidents', { authorization: [`Bearer ${SECRET}`, 'Bearer something-else-entirely'] }, report());
    const read = await send('GET', '/relations', { authorization: ['Bearer something-else-entirely', `Bearer ${SECRET}`] });

    for (const answer of [write, read]) {
      expect(expectProblem(answer, 400).errors).toEqual([{ field: 'Authorization', message: 'must be sent once' }]);
    }
    expect(countEvents(t.file)).toBe(0);
  });
});

describe('/health', () => {
  it.each([
    ['a wrong key', { authorization: 'Bearer not-a-key-that-exists' }],
    ['a malformed header', { authorization: 'Basic !!!' }],
    ['two Authorization headers', { authorization: ['Bearer a-wrong-key-0123456789', `Bearer ${SECRET}`] }],
    ['no key at all', {}],
  ])('answers 200 to %s, also when reads need a key', async (_case, headers) => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { auth: { ...keys(), readsRequireKey: true } } });

    const health = await send('GET', '/health', headers);
    const relations = await send('GET', '/relations', headers);

    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).status).toBe('ok');
    expect(relations.status).not.toBe(200);
  });

  it('is never rate-limited: more probes than the read limit all get 200 while other reads get 429', async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { rateLimit: { writesPerMinute: 2, readsPerMinute: 3 } } });

    const probes = [];
    for (let i = 0; i < 10; i++) probes.push((await send('GET', '/health')).status);
    const reads = [];
    for (let i = 0; i < 4; i++) reads.push((await send('GET', '/relations')).status);

    expect(probes).toEqual(Array(10).fill(200));
    expect(reads).toEqual([200, 200, 200, 429]);
  });
});

describe('behind a trusted proxy (TRUST_PROXY, with keys)', () => {
  it('counts the rate limit per client address from X-Forwarded-For, not per proxy', async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { auth: keys(), trustProxy: ['127.0.0.1'], rateLimit: { writesPerMinute: 2, readsPerMinute: 2 } } });
    const from = (client: string) => send('GET', '/relations', { 'x-forwarded-for': client });

    const first = [(await from('203.0.113.1')).status, (await from('203.0.113.1')).status, (await from('203.0.113.1')).status];
    const second = [(await from('203.0.113.2')).status, (await from('203.0.113.2')).status];

    expect(first).toEqual([200, 200, 429]);
    expect(second).toEqual([200, 200]);
  });

  it('without TRUST_PROXY, the same header changes nothing: one budget for the socket address', async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { auth: keys(), rateLimit: { writesPerMinute: 2, readsPerMinute: 2 } } });

    const statuses = [];
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) statuses.push((await send('GET', '/relations', { 'x-forwarded-for': client })).status);

    expect(statuses).toEqual([200, 200, 429]);
  });
});
