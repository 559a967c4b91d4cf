import { connect } from 'node:net';
import { countEvents, fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * Limits and headers: security headers on every response, a CORS allow-list, per-address rate
 * limits answered 429 with Retry-After, request timeouts, bounded pages — and every error, also
 * those raised by the HTTP layer itself, as problem+json.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const report = (summary = 'Baku accuses Paris of bias') => ({
  type: 'Accusation',
  actor: 'AZE',
  target: 'FRA',
  occurredOn: '2024-05-15',
  summary,
  sources: [{ publisher: 'Wire service' }],
});

let t: TestApp;

afterEach(async () => {
  await t?.close();
});

function expectProblem(response: { status: number; contentType: string | null; body: string }, status: number) {
  expect(response.status).toBe(status);
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(response.body)).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(response.body).not.toMatch(/\bat .+\.(ts|js):\d+|\/work\/|node_modules|Error:/);
}

const asProblem = (response: TestResponse) => ({ status: response.status, contentType: response.headers.get('content-type'), body: response.text });

describe('security headers', () => {
  beforeEach(async () => {
    t = await startTestApp({ clock: fixedClock(NOW) });
  });

  it('come with reads, writes and errors alike: the API’s set (OWASP’s for REST), which lets nothing load and nothing frame', async () => {
    const responses = [
      await t.request('GET', '/relations'),
      await t.request('POST', '/incidents', report()),
      await t.request('GET', '/relations/AZE/FRA'),
      await t.request('GET', '/relations/AZE/USA'),
      await t.request('POST', '/incidents', '{not json'),
    ];

    expect(responses.map((response) => response.status)).toEqual([200, 201, 200, 404, 400]);
    for (const { headers } of responses) {
      expect(headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(headers.get('x-powered-by')).toBeNull();
      // What acts on HTML documents only is left to the pages: 335 bytes a JSON answer no longer carries.
      for (const name of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']) {
        expect(headers.get(name)).toBeNull();
      }
    }
  });

  it('come with every page in full: helmet’s set, with the page’s own policy', async () => {
    for (const path of ['/', '/explore', '/docs']) {
      const { status, headers } = await t.request('GET', path);

      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^text\/html/);
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });

  it('leave a page revalidated with a 304 its own policy: a browser merges the 304’s headers into the page it kept', async () => {
    for (const path of ['/', '/explore']) {
      const page = await t.request('GET', path);
      const revalidated = await t.request('GET', path, undefined, { 'if-none-match': page.headers.get('etag')! });

      expect(revalidated.status).toBe(304);
      for (const name of ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'strict-transport-security']) {
        expect([name, revalidated.headers.get(name)]).toEqual([name, page.headers.get(name)]);
      }
    }
  });

  it('let a same-origin page load its own scripts, styles, images and data, and nothing from elsewhere or inline', async () => {
    for (const path of ['/', '/pairs/AZE-FRA']) {
      const policy = (await t.request('GET', path)).headers.get('content-security-policy')!;
      const directives = Object.fromEntries(policy.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));

      expect(directives['default-src']).toEqual(["'self'"]);
      for (const name of ['script-src', 'style-src', 'connect-src']) expect(directives[name]).toEqual(["'self'"]);
      expect(directives['img-src']).toEqual(["'self'", 'data:']);
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(policy).not.toContain('unsafe-inline');
    }
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => ({
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization, content-type, idempotency-key, if-match',
  });

  it('lets a listed origin call the API, sending and reading the headers it needs', async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { corsOrigins: ['https://a.example', 'https://b.example'] } });
    await t.request('POST', '/incidents', report());

    const options = await t.request('OPTIONS', '/incidents', undefined, preflight('https://b.example'));
    const read = await t.request('GET', '/relations/AZE/FRA', undefined, { origin: 'https://a.example' });

    expect(options.status).toBe(204);
    expect(options.headers.get('access-control-allow-origin')).toBe('https://b.example');
    expect(options.headers.get('access-control-allow-methods')).toContain('POST');
    expect(options.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'if-match']),
    );
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('https://a.example');
    expect(read.headers.get('vary')).toMatch(/origin/i);
    expect(read.headers.get('access-control-expose-headers')?.toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['etag', 'location', 'retry-after', 'idempotent-replayed']),
    );
  });

  it('does not let an unlisted origin in', async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { corsOrigins: ['https://a.example'] } });

    const options = await t.request('OPTIONS', '/incidents', undefined, preflight('https://evil.example'));
    const read = await t.request('GET', '/relations', undefined, { origin: 'https://evil.example' });

    expect(options.headers.get('access-control-allow-origin')).toBeNull();
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets no origin in by default', async () => {
    t = await startTestApp({ clock: fixedClock(NOW) });

    const options = await t.request('OPTIONS', '/incidents', undefined, preflight('https://a.example'));
    const read = await t.request('GET', '/relations', undefined, { origin: 'https://a.example' });

    expect(options.headers.get('access-control-allow-origin')).toBeNull();
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits', () => {
  beforeEach(async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { rateLimit: { writesPerMinute: 3, readsPerMinute: 5 } } });
  });

  it('answer the write over the limit 429 problem+json with Retry-After, and record nothing for it', async () => {
    const allowed = [];
    for (let i = 0; i < 3; i++) allowed.push(await t.request('POST', '/incidents', report(`accusation ${i}`)));

    const limited = await t.request('POST', '/incidents', report('one too many'));

    expect(allowed.map((response) => response.status)).toEqual([201, 201, 201]);
    expectProblem(asProblem(limited), 429);
    expect(limited.json.detail).toMatch(/^More than 3 writes per minute from this address; retry in \d+ s$/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(limited.headers.get('content-security-policy')).not.toBeNull();
    expect(countEvents(t.file)).toBe(3);
  });

  it('count reads apart from writes, with their own limit', async () => {
    for (let i = 0; i < 3; i++) await t.request('POST', '/incidents', report(`accusation ${i}`));
    expect((await t.request('POST', '/incidents', report('limited'))).status).toBe(429);

    const reads = [];
    for (let i = 0; i < 6; i++) reads.push(await t.request('GET', i % 2 ? '/incidents' : '/relations'));

    expect(reads.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(reads[5].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(reads[5].json.detail).toMatch(/^More than 5 reads per minute/);
  });

  it('count requests that fail authentication too, so keys cannot be guessed at full speed', async () => {
    await t.close();
    const { parseApiKeys } = await import('../../src/auth/api-keys.js');
    t = await startTestApp({
      clock: fixedClock(NOW),
      app: { rateLimit: { writesPerMinute: 3, readsPerMinute: 5 }, auth: { keys: parseApiKeys('ops:admin:ops-secret-0123456789'), readsRequireKey: false } },
    });

    const guesses = [];
    for (let i = 0; i < 4; i++) guesses.push((await t.request('POST', '/incidents', report(), { authorization: `Bearer guess-${i}` })).status);

    expect(guesses).toEqual([401, 401, 401, 429]);
  });
});

describe('timeouts', () => {
  beforeEach(async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { requestTimeoutMs: 500 } });
  });

  it('are configured on the server', () => {
    const server = t.app.getHttpServer();

    expect(server.requestTimeout).toBe(500);
    expect(server.timeout).toBe(1_000);
  });

  it('answer a body that never finishes arriving 408 problem+json, close the connection, and record nothing', async () => {
    const { port } = new URL(t.url);
    const started = Date.now();

    const answer = await rawExchange(Number(port), 'POST /incidents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"type":');

    expect(answer.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expectProblem(parseHttp(answer.text), 408);
    expect(countEvents(t.file)).toBe(0);
  });

  it('close a connection that never sends a request', async () => {
    const { port } = new URL(t.url);

    const answer = await rawExchange(Number(port), '');

    expect(answer.closed).toBe(true);
  });
});

describe('errors raised below the application', () => {
  beforeEach(async () => {
    t = await startTestApp({ clock: fixedClock(NOW) });
  });

  it('answer malformed HTTP 400 problem+json', async () => {
    const { port } = new URL(t.url);

    const answer = await rawExchange(Number(port), 'GET /relations HTTP/1.1\r\nHost: 127.0.0.1\r\nNot a header line\r\n\r\n');

    expectProblem(parseHttp(answer.text), 400);
  });

  it('answer oversized headers 431 problem+json', async () => {
    const { port } = new URL(t.url);

    const answer = await rawExchange(Number(port), `GET /relations HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`);

    expectProblem(parseHttp(answer.text), 431);
  });

  it('answer an unknown route 404 problem+json', async () => {
    expectProblem(asProblem(await t.request('GET', '/no/such/route')), 404);
  });
});

describe('page sizes', () => {
  beforeEach(async () => {
    t = await startTestApp({ clock: fixedClock(NOW) });
  });

  it.each([
    ['/incidents?limit=500', 200],
    ['/incidents?limit=501', 400],
    ['/events?limit=1000', 200],
    ['/events?limit=1001', 400],
  ])('%s → %i', async (path, status) => {
    const response = await t.request('GET', path);

    expect(response.status).toBe(status);
    if (status === 400) expect(response.json.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
  });
});

/** Writes raw bytes and collects what comes back until the server closes the connection (or 5 s pass). */
function rawExchange(port: number, bytes: string): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    if (bytes) socket.write(bytes);
  });
}

function parseHttp(raw: string): { status: number; contentType: string | null; body: string } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const contentType = headerLines.find((line) => /^content-type:/i.test(line))?.replace(/^content-type:\s*/i, '') ?? null;
  return { status: Number(statusLine.split(' ')[1]), contentType, body: rest.join('\r\n\r\n') };
}
