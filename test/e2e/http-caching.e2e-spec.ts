import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * HTTP caching of relation views: a strong ETag on every view, If-None-Match answered 304, and
 * Cache-Control that lets a view of a settled past be kept while anything else is revalidated.
 */

const NOW = '2024-06-01T12:00:00.000Z';
let t: TestApp;

beforeEach(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
});

afterEach(async () => {
  await t.close();
});

function accusation(summary: string, occurredOn = '2024-05-15') {
  return { type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn, summary, sources: [{ publisher: 'Wire service' }] };
}

const PAST = ['asOf=2024-05-31', 'knownAt=2024-05-31', 'asOf=2024-05-20&knownAt=2024-05-31'];

describe('GET /relations/{a}/{b} and its ETag', () => {
  it('answers 304 without a body to If-None-Match naming the current tag, on the current view and on views of the past', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    for (const path of ['/relations/AZE/FRA', ...PAST.map((query) => `/relations/AZE/FRA?${query}`)]) {
      const first = await t.request('GET', path);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[^"]+"$/);

      const again = await t.request('GET', path, undefined, { 'if-none-match': `"stale", ${etag}` });

      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
    }
  });

  it('gives every question its own tag, and a new tag once anything is recorded for the pair', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const tags = async () => Promise.all(['', ...PAST.map((query) => `?${query}`)].map(async (query) => (await t.request('GET', `/relations/AZE/FRA${query}`)).headers.get('etag')));
    const before = await tags();
    expect(new Set(before).size).toBe(before.length);

    await t.request('POST', '/incidents', accusation('second', '2024-05-10'));
    const after = await tags();

    after.forEach((tag, i) => expect(tag).not.toBe(before[i]));
  });

  it('serves a view of the past identical to the one it first computed, and a new one after a late report', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const path = '/relations/AZE/FRA?asOf=2024-05-31';
    const first = await t.request('GET', path);
    const second = await t.request('GET', path);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);

    await t.request('POST', '/incidents', accusation('a late report of an earlier accusation', '2024-05-01'));
    const third = await t.request('GET', path);

    expect(third.json.incidentCount).toBe(first.json.incidentCount + 1);
  });

  it('may be kept for a day when asOf and knownAt lie in the past; must be revalidated otherwise', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const cacheControl = async (query: string) => (await t.request('GET', `/relations/AZE/FRA${query}`)).headers.get('cache-control');

    expect(await cacheControl('?asOf=2024-05-20&knownAt=2024-05-31')).toBe('max-age=86400, immutable');
    expect(await cacheControl('?knownAt=2024-05-31')).toBe('max-age=86400, immutable');
    // Today has not ended: what is recorded later today still counts.
    expect(await cacheControl('?knownAt=2024-06-01')).toBe('no-cache');
    // A late report of something before the asOf date would change it.
    expect(await cacheControl('?asOf=2024-05-31')).toBe('no-cache');
    expect(await cacheControl('')).toBe('no-cache');
  });

  it('refuses a write that names the tag of a view of the past in If-Match: that is not a version of the pair', async () => {
    await t.request('POST', '/incidents', accusation('first'));
    const etag = (await t.request('GET', '/relations/AZE/FRA?asOf=2024-05-31')).headers.get('etag')!;

    const response = await t.request('POST', '/incidents', accusation('second'), { 'if-match': etag });

    expect(response.status).toBe(412);
  });
});
