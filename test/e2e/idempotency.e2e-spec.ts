import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import { RelationCommandHandler } from '../../src/incidents/relation-command-handler.js';
import { countEvents, fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * Retries with Idempotency-Key (IETF httpapi draft): the same key and body replay the first
 * response and append nothing; the same key with another request is 422; a duplicate sent while
 * the first is still running is 409. The key lives with the event, so this survives restarts.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const ALICE = 'alice-secret-0123456789abcdef';
const BOB = 'bob-secret-0123456789abcdefgh';

let t: TestApp;

beforeEach(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
});

afterEach(async () => {
  await t?.close();
});

function incident(overrides: Record<string, unknown> = {}) {
  return {
    type: 'Accusation',
    actor: 'AZE',
    target: 'FRA',
    occurredOn: '2024-05-15',
    summary: 'Baku accuses Paris of bias',
    sources: [{ publisher: 'Wire service', url: 'https://example.org/1' }],
    ...overrides,
  };
}

const keyed = (key: string, headers: Record<string, string> = {}) => ({ 'idempotency-key': `"${key}"`, ...headers });

function expectProblem(response: TestResponse, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, type: `https://demarche.dev/problems/${type}` });
}

/** The metadata stored with every event of the log, read straight from the SQLite file. */
function storedMetadata(file: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT metadata FROM events ORDER BY position').all() as { metadata: string }[]).map((row) => JSON.parse(row.metadata));
  } finally {
    db.close();
  }
}

describe('POST /incidents retried with the same Idempotency-Key and body', () => {
  it('replays the first response — status, body, Location — marked Idempotent-Replayed, and appends nothing', async () => {
    const first = await t.request('POST', '/incidents', incident(), keyed('report-1'));
    const retry = await t.request('POST', '/incidents', incident(), keyed('report-1'));

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(countEvents(t.file)).toBe(1);
    expect((await t.request('GET', '/incidents')).json.items).toHaveLength(1);
  });

  it('recognises the same body sent with its fields in another order', async () => {
    const body = incident();
    const reordered = Object.fromEntries(Object.entries(body).reverse());

    const first = await t.request('POST', '/incidents', body, keyed('k'));
    const retry = await t.request('POST', '/incidents', JSON.stringify(reordered, null, 2), keyed('k'));

    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json.incidentId).toBe(first.json.incidentId);
    expect(countEvents(t.file)).toBe(1);
  });

  it('accepts the key bare as well as quoted, as the same key', async () => {
    await t.request('POST', '/incidents', incident(), { 'idempotency-key': '"plain-key"' });
    const retry = await t.request('POST', '/incidents', incident(), { 'idempotency-key': 'plain-key' });

    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(countEvents(t.file)).toBe(1);
  });

  it('stores the key, the caller and the request fingerprint with the event itself', async () => {
    await t.request('POST', '/incidents', incident(), keyed('durable-key'));

    expect(storedMetadata(t.file)).toEqual([
      { recordedBy: 'loopback', idempotencyKey: 'durable-key', requestFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it('still replays after a restart, from the stored event', async () => {
    const first = await t.request('POST', '/incidents', incident(), keyed('across-restarts'));
    await t.close({ keep: true });
    const restarted = await startTestApp({ file: t.file, clock: fixedClock('2024-06-02T09:00:00.000Z') });
    try {
      const retry = await restarted.request('POST', '/incidents', incident(), keyed('across-restarts'));
      const other = await restarted.request('POST', '/incidents', incident({ summary: 'Something else' }), keyed('across-restarts'));

      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.text).toBe(first.text);
      expectProblem(other, 422, 'idempotency-key-reused');
      expect(countEvents(t.file)).toBe(1);
    } finally {
      await restarted.close();
      rmSync(t.dir, { recursive: true, force: true });
      t = await startTestApp();
    }
  });
});

describe('the same Idempotency-Key with a different request', () => {
  it('is 422 when the body differs, and nothing is appended', async () => {
    await t.request('POST', '/incidents', incident(), keyed('k'));

    const response = await t.request('POST', '/incidents', incident({ summary: 'Baku accuses Paris of meddling' }), keyed('k'));

    expectProblem(response, 422, 'idempotency-key-reused');
    expect(response.json.detail).toContain('"k"');
    expect(countEvents(t.file)).toBe(1);
  });

  it('is 422 when the body names another pair of countries', async () => {
    await t.request('POST', '/incidents', incident(), keyed('k'));

    const response = await t.request('POST', '/incidents', incident({ actor: 'RUS', target: 'USA' }), keyed('k'));

    expectProblem(response, 422, 'idempotency-key-reused');
    expect(countEvents(t.file)).toBe(1);
    expect((await t.request('GET', '/relations/RUS/USA')).status).toBe(404);
  });

  it('is 422 when a correction key is reused for another incident of the pair', async () => {
    const a = (await t.request('POST', '/incidents', incident())).json.incidentId;
    const b = (await t.request('POST', '/incidents', incident({ summary: 'A second accusation' }))).json.incidentId;
    const correction = { reason: 'typo', summary: 'Baku accuses Paris of partiality' };
    expect((await t.request('POST', `/incidents/${a}/correction`, correction, keyed('fix'))).status).toBe(201);

    const response = await t.request('POST', `/incidents/${b}/correction`, correction, keyed('fix'));

    expectProblem(response, 422, 'idempotency-key-reused');
    expect(countEvents(t.file)).toBe(3);
  });

  it('is a new request for a different route: one key per endpoint', async () => {
    const reported = await t.request('POST', '/incidents', incident(), keyed('shared'));

    const retraction = await t.request('POST', `/incidents/${reported.json.incidentId}/retraction`, { reason: 'duplicate' }, keyed('shared'));

    expect(retraction.status).toBe(201);
    expect(retraction.headers.get('idempotent-replayed')).toBeNull();
    expect(countEvents(t.file)).toBe(2);
  });
});

describe('corrections and retractions retried', () => {
  it('record one retraction and replay it', async () => {
    const { incidentId } = (await t.request('POST', '/incidents', incident())).json;

    const first = await t.request('POST', `/incidents/${incidentId}/retraction`, { reason: 'duplicate report' }, keyed('retract-1'));
    const retry = await t.request('POST', `/incidents/${incidentId}/retraction`, { reason: 'duplicate report' }, keyed('retract-1'));

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);
    expect(countEvents(t.file)).toBe(2);
    expect((await t.request('GET', `/incidents/${incidentId}`)).json.amendments).toHaveLength(1);
  });

  it('record one correction and replay it, where a plain resend would be refused as changing nothing', async () => {
    const { incidentId } = (await t.request('POST', '/incidents', incident())).json;
    const correction = { reason: 'wrong date', occurredOn: '2024-05-14' };

    const first = await t.request('POST', `/incidents/${incidentId}/correction`, correction, keyed('fix-date'));
    const retry = await t.request('POST', `/incidents/${incidentId}/correction`, correction, keyed('fix-date'));
    const unkeyed = await t.request('POST', `/incidents/${incidentId}/correction`, correction);

    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(unkeyed.status).toBe(422);
    expect(countEvents(t.file)).toBe(2);
  });
});

describe('a duplicate arriving while the first request is still running', () => {
  it('is 409 with Retry-After; once the first is done, the retry gets its outcome', async () => {
    const handler = t.app.get(RelationCommandHandler);
    const handle = handler.handle.bind(handler);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    handler.handle = async (...args) => {
      started();
      await released;
      return handle(...args);
    };

    const first = t.request('POST', '/incidents', incident(), keyed('slow'));
    await firstStarted;
    const duplicate = await t.request('POST', '/incidents', incident(), keyed('slow'));
    expect(countEvents(t.file)).toBe(0);
    release();
    const original = await first;
    const retry = await t.request('POST', '/incidents', incident(), keyed('slow'));

    expectProblem(duplicate, 409, 'idempotency-key-in-flight');
    expect(Number(duplicate.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(original.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(original.text);
    expect(countEvents(t.file)).toBe(1);
  });

  it('records one incident when many identical retries race each other', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, () => t.request('POST', '/incidents', incident(), keyed('storm'))));

    const created = responses.filter((response) => response.status === 201);
    expect(responses.every((response) => response.status === 201 || response.status === 409)).toBe(true);
    expect(new Set(created.map((response) => response.json.incidentId)).size).toBe(1);
    expect(countEvents(t.file)).toBe(1);
  });
});

describe('keys are scoped to the caller', () => {
  it('lets two API keys use the same key value for their own, separate incidents', async () => {
    await t.close();
    t = await startTestApp({ clock: fixedClock(NOW), app: { auth: { keys: parseApiKeys(`alice:reporter:${ALICE},bob:reporter:${BOB}`), readsRequireKey: false } } });

    const alice = await t.request('POST', '/incidents', incident(), keyed('same-key', { authorization: `Bearer ${ALICE}` }));
    const bob = await t.request('POST', '/incidents', incident(), keyed('same-key', { authorization: `Bearer ${BOB}` }));
    const aliceAgain = await t.request('POST', '/incidents', incident(), keyed('same-key', { authorization: `Bearer ${ALICE}` }));

    expect([alice.status, bob.status]).toEqual([201, 201]);
    expect(bob.headers.get('idempotent-replayed')).toBeNull();
    expect(bob.json.incidentId).not.toBe(alice.json.incidentId);
    expect(aliceAgain.json.incidentId).toBe(alice.json.incidentId);
    expect(storedMetadata(t.file).map((metadata) => metadata.recordedBy)).toEqual(['alice', 'bob']);
  });
});

describe('what is not an idempotent retry', () => {
  it('does not remember a failed request: the same key may then carry a corrected body', async () => {
    const invalid = await t.request('POST', '/incidents', incident({ actor: 'XXX' }), keyed('try-again'));
    const valid = await t.request('POST', '/incidents', incident(), keyed('try-again'));

    expect(invalid.status).toBe(400);
    expect(valid.status).toBe(201);
    expect(valid.headers.get('idempotent-replayed')).toBeNull();
    expect(countEvents(t.file)).toBe(1);
  });

  it('sends without a key are separate incidents', async () => {
    await t.request('POST', '/incidents', incident());
    await t.request('POST', '/incidents', incident());

    expect(countEvents(t.file)).toBe(2);
  });

  it.each([
    ['an empty key', '""'],
    ['a key with spaces, unquoted', 'two words'],
    ['a key over 255 characters', `"${'k'.repeat(256)}"`],
  ])('rejects %s with 400 naming the header, appending nothing', async (_case, header) => {
    const response = await t.request('POST', '/incidents', incident(), { 'idempotency-key': header });

    expectProblem(response, 400, 'validation');
    expect(response.json.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect(countEvents(t.file)).toBe(0);
  });
});
