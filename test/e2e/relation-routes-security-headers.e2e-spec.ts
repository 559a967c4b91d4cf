import { request as httpRequest } from 'node:http';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * GET /relations/{a}/{b} and GET /relations take their security headers from the global onSend
 * hook, or from the raw writer's one writeHead (security-headers.ts `deferTo`), not from an
 * onRequest hook as every other route does. Every answer they give — kept and written raw, through Fastify's send, through
 * Nest, refused by the request gate or the rate limit — must carry the same set as any other
 * route, spelled the same way.
 */

interface RawAnswer {
  status: number;
  /** Header names as sent on the wire (case kept), with their values; Date left out. */
  headers: Array<[string, string]>;
}

/** A GET (or `method`) through node:http: only the headers given (no Accept-Encoding unless asked), the Host given, and rawHeaders kept. */
function rawGet(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    httpRequest(`${base}${path}`, { method, headers }, (response) => {
      response.resume();
      response.on('end', () => {
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) pairs.push([response.rawHeaders[i], response.rawHeaders[i + 1]]);
        resolve({ status: response.statusCode!, headers: pairs });
      });
    })
      .on('error', reject)
      .end();
  });
}

const ANSWER_HEADERS = new Set(['date', 'etag', 'cache-control', 'content-type', 'content-length', 'connection', 'keep-alive', 'vary', 'content-encoding', 'retry-after', 'transfer-encoding', 'content-disposition']);
/** The headers that are not the answer's own: the security headers, as sent. */
const securityOf = (answer: RawAnswer) => answer.headers.filter(([name]) => !ANSWER_HEADERS.has(name.toLowerCase()));

let app: TestApp;
let limited: TestApp;
let expected: Array<[string, string]>;

beforeAll(async () => {
  app = await startTestApp({});
  limited = await startTestApp({ app: { rateLimit: { writesPerMinute: 5, readsPerMinute: 2 } } });
  const report = { type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn: '2024-05-10', summary: 'An accusation', sources: [{ publisher: 'Wire service' }] };
  expect((await app.request('POST', '/incidents', report)).status).toBe(201);
  expect((await limited.request('POST', '/incidents', report)).status).toBe(201);
  // A route the global hook serves: what every answer below must carry too.
  expected = securityOf(await rawGet(app.url, '/health'));
  expect(expected.map(([name]) => name.toLowerCase())).toEqual(expect.arrayContaining(['content-security-policy', 'x-content-type-options', 'strict-transport-security', 'x-frame-options']));
});
afterAll(async () => {
  await app?.close();
  await limited?.close();
});

it.each([
  ['a view, worked out then kept (raw)', '/relations/AZE/FRA', {}],
  ['a kept view, again (raw)', '/relations/AZE/FRA', {}],
  ['a view compressed (Fastify send)', '/relations/AZE/FRA', { 'accept-encoding': 'gzip' }],
  ['a past view', '/relations/AZE/FRA?asOf=2024-05-31', {}],
  ['a view through Nest (Authorization)', '/relations/AZE/FRA', { authorization: 'Bearer nonsense' }],
  ['a bad date (Nest problem)', '/relations/AZE/FRA?asOf=not-a-date', {}],
  ['an unknown pair (404)', '/relations/AZE/XXX', {}],
  ['the list (Nest, then kept)', '/relations', {}],
  ['the kept list (raw)', '/relations', {}],
  ['the list as CSV', '/relations', { accept: 'text/csv' }],
  ['a view for another host (403)', '/relations/AZE/FRA', { host: 'demarche.example' }],
  ['the list for another host (403)', '/relations', { host: 'demarche.example' }],
])('%s carries the security headers', async (_label, path, headers) => {
  const answer = await rawGet(app.url, path, headers as Record<string, string>);
  expect(answer.status).toBeGreaterThanOrEqual(200);
  expect(securityOf(answer)).toEqual(expected);
});

it('a 304 from the raw writer, and a 429 on the view and the list, carry them too', async () => {
  const first = await rawGet(app.url, '/relations/AZE/FRA');
  const etag = first.headers.find(([name]) => name.toLowerCase() === 'etag')![1];
  const notModified = await rawGet(app.url, '/relations/AZE/FRA', { 'if-none-match': etag });
  expect(notModified.status).toBe(304);
  expect(securityOf(notModified)).toEqual(expected);

  const statuses = [];
  for (const path of ['/relations/AZE/FRA', '/relations', '/relations/AZE/FRA', '/relations']) {
    const answer = await rawGet(limited.url, path);
    statuses.push(answer.status);
    expect(securityOf(answer)).toEqual(expected);
  }
  expect(statuses).toEqual([200, 200, 429, 429]);
});

/** The first bytes of a streamed answer: its status and headers, then the connection dropped. */
function rawHead(base: string, path: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { headers: { accept: 'text/event-stream' } }, (response) => {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < response.rawHeaders.length; i += 2) pairs.push([response.rawHeaders[i], response.rawHeaders[i + 1]]);
      resolve({ status: response.statusCode!, headers: pairs });
      request.destroy();
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error))).end();
  });
}

// Every other route gets them from its own onRequest hook, decided when it is registered; what
// reaches no route's hooks (a path nothing serves, a request the gate refuses first) from the
// global onSend hook. Each of these answers once lost or doubled a header while that moved.
it.each([
  ['a path nothing serves (Fastify’s 404)', '/no/such/path', {}],
  ['a HEAD on a view (not the fast path)', '/relations/AZE/FRA', { method: 'HEAD' }],
  ['the health probe for another host (403 before the route’s hooks)', '/health', { host: 'demarche.example' }],
  ['the catalogue', '/catalog', {}],
])('%s carries the security headers', async (_label, path, options) => {
  const { method, ...headers } = options as Record<string, string>;
  const answer = await rawGet(app.url, path, headers, method);
  expect(answer.status).toBeGreaterThanOrEqual(200);
  expect(securityOf(answer)).toEqual(expected);
});

it('an event stream, which writes its own head and bypasses Fastify’s send, carries them too', async () => {
  const answer = await rawHead(app.url, '/events/stream');
  expect(answer.status).toBe(200);
  // Node spells the names of a head merged in writeHead in lower case; header names are case-insensitive.
  const lowerCased = (headers: Array<[string, string]>) => headers.map(([name, value]) => [name.toLowerCase(), value]);
  expect(lowerCased(securityOf(answer).filter(([name]) => !name.toLowerCase().startsWith('x-accel')))).toEqual(lowerCased(expected));
});
