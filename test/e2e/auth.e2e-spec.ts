import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import type { AuthConfig } from '../../src/auth/auth.config.js';
import { buildServer } from '../support/build-server.js';
import { rawRequest, runServer } from '../support/server-run.js';
import { countEvents, fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * Who may do what: API keys with roles (reader ⊂ reporter ⊂ admin) sent as Bearer tokens; with
 * no keys configured, writes only from this machine, and no listening beyond it.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const SECRETS = {
  viewer: 'viewer-secret-0123456789',
  alice: 'alice-secret-0123456789',
  ops: 'ops-secret-0123456789abc',
};
const API_KEYS = `viewer:reader:${SECRETS.viewer},alice:reporter:${SECRETS.alice},ops:admin:${SECRETS.ops}`;
const bearer = (name: keyof typeof SECRETS) => ({ authorization: `Bearer ${SECRETS[name]}` });

const report = {
  type: 'Accusation',
  actor: 'AZE',
  target: 'FRA',
  occurredOn: '2024-05-15',
  summary: 'Baku accuses Paris of bias',
  sources: [{ publisher: 'Wire service' }],
};

function auth(readsRequireKey = false): AuthConfig {
  return { keys: parseApiKeys(API_KEYS), readsRequireKey };
}

function expectProblem(response: TestResponse, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+|\/work\/|node_modules/);
}

function recordedBy(file: string): unknown[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT metadata FROM events ORDER BY position').all() as { metadata: string }[]).map((row) => JSON.parse(row.metadata).recordedBy);
  } finally {
    db.close();
  }
}

describe('with API keys configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { auth: auth() } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers a write without credentials 401 with a Bearer challenge, and records nothing', async () => {
    const before = countEvents(t.file);

    const response = await t.request('POST', '/incidents', report);

    expectProblem(response, 401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="demarche"');
    expect(response.json.detail).toMatch(/role reporter.*Authorization: Bearer/);
    expect(countEvents(t.file)).toBe(before);
  });

  it('answers a wrong key 401 invalid_token, also on a public read', async () => {
    const write = await t.request('POST', '/incidents', report, { authorization: 'Bearer not-a-key-that-exists' });
    const read = await t.request('GET', '/relations', undefined, { authorization: 'Bearer not-a-key-that-exists' });

    for (const response of [write, read]) {
      expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="demarche", error="invalid_token"');
    }
  });

  it('answers a key sent in another scheme 401 invalid_request', async () => {
    const response = await t.request('POST', '/incidents', report, { authorization: `Basic ${Buffer.from(`alice:${SECRETS.alice}`).toString('base64')}` });

    expectProblem(response, 401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('answers a reader key 403 on a write: it is known, but not allowed', async () => {
    const before = countEvents(t.file);

    const response = await t.request('POST', '/incidents', report, bearer('viewer'));

    expectProblem(response, 403);
    expect(response.json.detail).toBe("The API key 'viewer' has role reader; this needs reporter or above");
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(countEvents(t.file)).toBe(before);
  });

  it('lets a reporter and an admin record incidents, and records who did', async () => {
    const before = countEvents(t.file);

    const byReporter = await t.request('POST', '/incidents', { ...report, summary: 'by alice' }, bearer('alice'));
    const byAdmin = await t.request('POST', '/incidents', { ...report, summary: 'by ops' }, bearer('ops'));

    expect([byReporter.status, byAdmin.status]).toEqual([201, 201]);
    expect(countEvents(t.file)).toBe(before + 2);
    expect(recordedBy(t.file).slice(-2)).toEqual(['alice', 'ops']);
  });

  it('needs reporter for corrections and retractions too', async () => {
    const { incidentId } = (await t.request('POST', '/incidents', { ...report, summary: 'to retract' }, bearer('alice'))).json;

    const anonymous = await t.request('POST', `/incidents/${incidentId}/retraction`, { reason: 'duplicate' });
    const reader = await t.request('POST', `/incidents/${incidentId}/correction`, { reason: 'typo', summary: 'x' }, bearer('viewer'));
    const reporter = await t.request('POST', `/incidents/${incidentId}/retraction`, { reason: 'duplicate' }, bearer('alice'));

    expectProblem(anonymous, 401);
    expectProblem(reader, 403);
    expect(reporter.status).toBe(201);
  });

  it('keeps /admin for admins: 401 without a key, 403 for a reporter, 200 for an admin', async () => {
    const anonymous = await t.request('GET', '/admin/projections');
    const reporter = await t.request('POST', '/admin/projections/rebuild', undefined, { ...bearer('alice'), 'content-type': 'application/json' });
    const admin = await t.request('GET', '/admin/projections', undefined, bearer('ops'));

    expectProblem(anonymous, 401);
    expectProblem(reporter, 403);
    expect(admin.status).toBe(200);
  });

  it('serves reads to everyone by default', async () => {
    for (const path of ['/relations', '/relations/AZE/FRA', '/incidents', '/events', '/health']) {
      expect((await t.request('GET', path)).status).toBe(200);
    }
  });

  it('gives a local caller no special standing once keys exist', async () => {
    const response = await t.request('POST', '/incidents', report);

    expectProblem(response, 401);
  });

  it('accepts the scheme name in any case, as RFC 9110 says', async () => {
    const response = await t.request('POST', '/incidents', { ...report, summary: 'lower-case scheme' }, { authorization: `bearer ${SECRETS.alice}` });

    expect(response.status).toBe(201);
  });
});

describe('with READS_REQUIRE_KEY', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock(NOW), app: { auth: auth(true) } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers reads without a key 401, and serves them to any key', async () => {
    const anonymous = await t.request('GET', '/relations');
    const reader = await t.request('GET', '/relations', undefined, bearer('viewer'));
    const reporter = await t.request('GET', '/incidents', undefined, bearer('alice'));

    expectProblem(anonymous, 401);
    expect(anonymous.json.detail).toMatch(/^Reading needs an API key with role reader/);
    expect([reader.status, reporter.status]).toEqual([200, 200]);
  });

  it('keeps /health open for probes', async () => {
    expect((await t.request('GET', '/health')).status).toBe(200);
  });
});

describe('with no API keys configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock(NOW) });
  });

  afterAll(async () => {
    await t.close();
  });

  it('accepts writes and administration from this machine, recorded as loopback', async () => {
    const write = await t.request('POST', '/incidents', report);
    const admin = await t.request('GET', '/admin/projections');

    expect(write.status).toBe(201);
    expect(admin.status).toBe(200);
    expect(recordedBy(t.file)).toEqual(['loopback']);
  });

  it('refuses a write relayed by a proxy on this machine with 403 saying why', async () => {
    const before = countEvents(t.file);

    const response = await t.request('POST', '/incidents', { ...report, summary: 'via proxy' }, { 'x-forwarded-for': '203.0.113.9' });

    expectProblem(response, 403);
    expect(response.json.detail).toMatch(/accepts writes only from this machine; this request was forwarded by a proxy/);
    expect(countEvents(t.file)).toBe(before);
  });

  it('refuses a write naming another host (DNS rebinding) with 403', async () => {
    const before = countEvents(t.file);
    const { port } = new URL(t.url);

    const response = await rawRequest(Number(port), 'POST', '/incidents', { host: `attacker.example:${port}`, 'content-type': 'application/json' }, JSON.stringify(report));

    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body).detail).toMatch(/names another host/);
    expect(countEvents(t.file)).toBe(before);
  });
});

const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

(externalAddress ? describe : describe.skip)(`with no API keys, a caller from another address (${externalAddress ?? 'no external interface'})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock(NOW), host: externalAddress });
  });

  afterAll(async () => {
    await t.close();
  });

  it('may not read by that address (Host names another host), nor write or administer even when it says localhost', async () => {
    const port = Number(new URL(t.url).port);
    const asLocal = { host: `localhost:${port}`, 'content-type': 'application/json' };

    const read = await t.request('GET', '/relations');
    const localRead = await rawRequest(port, 'GET', '/relations', { host: `localhost:${port}` }, '', externalAddress);
    const write = await rawRequest(port, 'POST', '/incidents', asLocal, JSON.stringify(report), externalAddress);
    const admin = await rawRequest(port, 'POST', '/admin/projections/rebuild', asLocal, '', externalAddress);

    expectProblem(read, 403);
    expect(read.json.detail).toMatch(/answers only requests addressed to this machine/);
    expect(localRead.status).toBe(200);
    for (const answer of [write, admin]) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).detail).toMatch(/no API keys configured.*only from this machine; this request came from another address/);
    }
    expect(countEvents(t.file)).toBe(0);
  });
});

describe('starting the server (node dist/src/main.js)', () => {
  let server: Awaited<ReturnType<typeof buildServer>>;
  let main: string;
  let dataDir: string;

  beforeAll(async () => {
    server = await buildServer('auth-e2e-build');
    main = server.main;
  }, 120_000);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'demarche-start-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterAll(() => server.remove());

  it('refuses to listen on 0.0.0.0 without keys: exit 1, a message saying what to set, no data file opened', async () => {
    const run = await runServer(main, { HOST: '0.0.0.0', DATA_DIR: dataDir });

    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('Refusing to listen on HOST=0.0.0.0 without API keys');
    expect(run.output).toContain('Set API_KEYS');
    expect(run.output).not.toContain('listening');
    expect(existsSync(join(dataDir, 'demarche.db'))).toBe(false);
  }, 30_000);

  it('refuses a malformed API_KEYS with exit 1 and a message naming the entry, never the secret', async () => {
    const run = await runServer(main, { HOST: '127.0.0.1', DATA_DIR: dataDir, API_KEYS: `alice:reporter:${SECRETS.alice},bob:writer:${SECRETS.ops}` });

    expect(run.exitCode).toBe(1);
    expect(run.output).toContain("API_KEYS entry 2 ('bob'): the role \"writer\" must be one of reader, reporter, admin");
    expect(run.output).not.toContain(SECRETS.ops);
  }, 30_000);

  it('starts on loopback without keys and says writes are accepted only from loopback', async () => {
    const run = await runServer(main, { HOST: '127.0.0.1', DATA_DIR: dataDir }, /Access: /);

    expect(run.exitCode).toBeNull();
    expect(run.output).toContain('accepting writes only from loopback');
  }, 30_000);

  it('starts on 0.0.0.0 with keys, naming the keys and roles but no secret', async () => {
    const run = await runServer(main, { HOST: '0.0.0.0', DATA_DIR: dataDir, API_KEYS }, /Access: /);

    expect(run.exitCode).toBeNull();
    expect(run.output).toContain('Demarche listening on http://0.0.0.0:');
    expect(run.output).toContain('viewer (reader), alice (reporter), ops (admin)');
    for (const secret of Object.values(SECRETS)) expect(run.output).not.toContain(secret);
  }, 30_000);
});
