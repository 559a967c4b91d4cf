import Database from 'better-sqlite3';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Optimistic concurrency over HTTP: GET /relations/{a}/{b} gives the pair's version as a strong
 * ETag; POST with If-Match records only if the pair is still at that version, else 412.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const STREAM = 'relation-AZE-FRA';

let t: TestApp;

beforeEach(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
});

afterEach(async () => {
  await t.close();
});

function accusation(summary: string, overrides: Record<string, unknown> = {}) {
  return { type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn: '2024-05-15', summary, sources: [{ publisher: 'Wire service' }], ...overrides };
}

/** Revisions of the pair's stream as stored in the SQLite file. */
function streamRevisions(file: string, streamId = STREAM): number[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT revision FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as { revision: number }[]).map((row) => row.revision);
  } finally {
    db.close();
  }
}

async function etag(path = '/relations/AZE/FRA'): Promise<string | null> {
  const response = await t.request('GET', path);
  expect(response.status).toBe(200);
  return response.headers.get('etag');
}

describe('the ETag of GET /relations/{a}/{b}', () => {
  it('is the pair stream’s revision as a strong tag, and moves with every event of the pair', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const afterFirst = await etag();
    const reported = await t.request('POST', '/incidents', accusation('second', { actor: 'FRA', target: 'AZE' }));
    const afterSecond = await etag('/relations/FRA/AZE');
    await t.request('POST', `/incidents/${reported.json.incidentId}/retraction`, { reason: 'duplicate' });
    const afterRetraction = await etag();

    expect([afterFirst, afterSecond, afterRetraction]).toEqual(['"0"', '"1"', '"2"']);
  });

  it('does not move when another pair changes', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const before = await etag();

    await t.request('POST', '/incidents', accusation('elsewhere', { actor: 'RUS', target: 'USA' }));

    expect(await etag()).toBe(before);
  });

  it('is the revision only on the current view: a view of the past has a tag of its own, which no write can match', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const current = await etag();

    for (const query of ['asOf=2024-05-31', 'knownAt=2024-06-01', 'asOf=2024-05-31&knownAt=2024-06-01']) {
      const response = await t.request('GET', `/relations/AZE/FRA?${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).not.toBe(current);
      expect(response.headers.get('etag')).not.toMatch(/^"\d+"$/);
    }
  });
});

describe('POST /incidents with If-Match', () => {
  it('records the incident while the pair is at that version', async () => {
    await t.request('POST', '/incidents', accusation('first'));

    const response = await t.request('POST', '/incidents', accusation('second'), { 'if-match': '"0"' });

    expect(response.status).toBe(201);
    expect(response.json.revision).toBe(1);
    expect(await etag()).toBe('"1"');
  });

  it('is 412 once the pair has moved on, saying its current version, and records nothing', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const seen = await etag();
    await t.request('POST', '/incidents', accusation('someone else was quicker'));

    const response = await t.request('POST', '/incidents', accusation('decided on stale state'), { 'if-match': seen! });

    expect(response.status).toBe(412);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({
      type: 'https://demarche.dev/problems/precondition-failed',
      status: 412,
      currentVersion: 1,
      currentETag: '"1"',
      relation: '/relations/AZE/FRA',
    });
    expect(streamRevisions(t.file)).toEqual([0, 1]);
  });

  it('never matches a weak tag (If-Match compares strongly)', async () => {
    await t.request('POST', '/incidents', accusation('first'));

    const response = await t.request('POST', '/incidents', accusation('second'), { 'if-match': 'W/"0"' });

    expect(response.status).toBe(412);
    expect(countEvents(t.file)).toBe(1);
  });

  it('matches any of several listed tags', async () => {
    await t.request('POST', '/incidents', accusation('first'));

    const response = await t.request('POST', '/incidents', accusation('second'), { 'if-match': '"7", "0"' });

    expect(response.status).toBe(201);
  });

  it('with * records only when the pair already has incidents (RFC 9110)', async () => {
    const onNewPair = await t.request('POST', '/incidents', accusation('first'), { 'if-match': '*' });
    await t.request('POST', '/incidents', accusation('first'));
    const onKnownPair = await t.request('POST', '/incidents', accusation('second'), { 'if-match': '*' });

    expect(onNewPair.status).toBe(412);
    expect(onNewPair.json).toMatchObject({ currentVersion: null, currentETag: null });
    expect(onKnownPair.status).toBe(201);
    expect(countEvents(t.file)).toBe(2);
  });

  it('with a tag is 412 on a pair that has no incidents yet', async () => {
    const response = await t.request('POST', '/incidents', accusation('first'), { 'if-match': '"0"' });

    expect(response.status).toBe(412);
    expect(response.json.currentVersion).toBeNull();
    expect(countEvents(t.file)).toBe(0);
  });

  it('rejects a tag without quotes with 400 showing the expected form', async () => {
    await t.request('POST', '/incidents', accusation('first'));

    const response = await t.request('POST', '/incidents', accusation('second'), { 'if-match': '0' });

    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([expect.objectContaining({ field: 'If-Match', message: expect.stringContaining('"3"') })]);
    expect(countEvents(t.file)).toBe(1);
  });

  it('also guards corrections and retractions of the pair', async () => {
    const { incidentId } = (await t.request('POST', '/incidents', accusation('first'))).json;
    await t.request('POST', '/incidents', accusation('second'));

    const stale = await t.request('POST', `/incidents/${incidentId}/retraction`, { reason: 'duplicate' }, { 'if-match': '"0"' });
    const current = await t.request('POST', `/incidents/${incidentId}/retraction`, { reason: 'duplicate' }, { 'if-match': '"1"' });

    expect(stale.status).toBe(412);
    expect(current.status).toBe(201);
    expect(streamRevisions(t.file)).toEqual([0, 1, 2]);
  });

  it('replays a keyed retry of a write it already let through, rather than failing it as stale', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const headers = { 'if-match': '"0"', 'idempotency-key': '"guarded"' };

    const first = await t.request('POST', '/incidents', accusation('second'), headers);
    const retry = await t.request('POST', '/incidents', accusation('second'), headers);

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(countEvents(t.file)).toBe(2);
  });
});

describe('16 writers racing on one pair with If-Match', () => {
  const WRITERS = 16;
  /** Each round one writer wins, so 16 writers need at most 16 rounds; the bound only stops a runaway loop. */
  const MAX_ATTEMPTS = 100;

  it('lose nothing: every 201 is one appended event, decided on the version its writer saw', async () => {
    await t.request('POST', '/incidents', accusation('the first word'));

    const writer = async (index: number) => {
      let preconditionFailures = 0;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const seen = await etag();
        const response = await t.request('POST', '/incidents', accusation(`writer ${index}`), { 'if-match': seen! });
        if (response.status === 201) return { index, seen: seen!, revision: response.json.revision as number, preconditionFailures };
        expect(response.status).toBe(412);
        preconditionFailures++;
      }
      return { index, seen: null, revision: null, preconditionFailures };
    };
    const outcomes = await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));

    const created = outcomes.filter((outcome) => outcome.revision !== null);
    const revisions = streamRevisions(t.file);
    expect(created).toHaveLength(WRITERS);
    expect(revisions).toHaveLength(1 + created.length);
    expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => i));
    for (const outcome of created) expect(outcome.revision).toBe(Number(JSON.parse(outcome.seen)) + 1);
    expect(new Set(created.map((outcome) => outcome.revision)).size).toBe(WRITERS);
    expect(outcomes.reduce((sum, outcome) => sum + outcome.preconditionFailures, 0)).toBeGreaterThan(0);
    const listed = await t.request('GET', '/incidents?pair=AZE-FRA&limit=500');
    expect(listed.json.items.map((item: { summary: string }) => item.summary).sort()).toEqual(
      ['the first word', ...Array.from({ length: WRITERS }, (_, i) => `writer ${i}`)].sort(),
    );
    expect(await etag()).toBe(`"${WRITERS}"`);
  });
});
