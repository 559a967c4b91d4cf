import { RelationsController } from '../../src/relations/relations.controller.js';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { ACCEPT_ENCODINGS, decoded, rawGet, type RawResponse } from '../support/raw-get.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A kept page or view is sent with compressed bytes kept beside its JSON (kept-encodings.ts)
 * rather than compressed again by @fastify/compress on every request. The first answer of a
 * question is worked out and compressed by the plugin; the ones after come from what was kept.
 * Both must decompress to the same JSON and carry the same headers; the clock stands still, so
 * the second answer is the kept one.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const ORIGIN = 'https://analyst.example';

/**
 * Every header but Date and the framing: the plugin streams a body over its synchronous limit
 * (8 KB on two cores), chunked and without a length, where a kept copy's length is known.
 */
function headersBeyondFraming(response: RawResponse): Record<string, string> {
  const { date: _date, 'content-length': _length, 'transfer-encoding': _chunked, connection: _connection, 'keep-alive': _keepAlive, ...rest } = response.headers;
  return rest;
}

describe.each([
  { name: 'without CORS origins (kept views written on the raw response)', app: {}, origin: undefined },
  { name: 'with CORS origins (answered through Fastify)', app: { corsOrigins: [ORIGIN] }, origin: ORIGIN },
])('kept answers, compressed once, $name', ({ app, origin }) => {
  let t: TestApp;
  let controller: RelationsController;
  const clock = fixedClock(NOW);
  const extra: Record<string, string> = origin === undefined ? {} : { origin };

  beforeAll(async () => {
    t = await startTestApp({ clock, app });
    await loadSeeds(t.app);
    controller = t.app.get(RelationsController);
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * A page of pairs (Nest's controller) and relation views (the fast path). `{n}` makes each
   * encoding's question a fresh one; the clock also moves on two seconds per encoding, so the
   * lists and views of now are worked out afresh too.
   */
  const QUESTIONS = ['/relations?limit=50', '/relations?limit=2&offset=1', '/relations?limit=50&asOf=2024-01-1{n}', '/relations/AZE/FRA', '/relations/ARM/AZE?asOf=2023-12-2{n}'];

  it.each(QUESTIONS)('%s: the kept copy decompresses to the fresh JSON, with the fresh answer’s headers', async (question) => {
    for (const [n, { acceptEncoding, expected }] of ACCEPT_ENCODINGS.entries()) {
      clock.set(new Date(Date.parse(NOW) + 2_000 * (n + 1)).toISOString());
      const path = question.replace('{n}', String(n));
      const asking = { ...extra, 'accept-encoding': acceptEncoding };
      const fresh = await rawGet(t.url, path, asking);
      const kept = await rawGet(t.url, path, asking);
      const again = await rawGet(t.url, path, asking);
      const identity = await rawGet(t.url, path, extra);
      expect([path, fresh.status, kept.status, again.status, identity.status]).toEqual([path, 200, 200, 200, 200]);
      expect(fresh.headers['content-encoding']).toBe(expected);
      expect(kept.headers['content-encoding']).toBe(expected);
      expect(decoded(kept)).toBe(decoded(fresh));
      expect(decoded(kept)).toBe(identity.body.toString('utf8'));
      expect(headersBeyondFraming(kept)).toEqual(headersBeyondFraming(fresh));
      expect(Number(kept.headers['content-length'])).toBe(kept.body.length);
      expect(again.body.equals(kept.body)).toBe(true);
      // What a client without Accept-Encoding gets: identity, with its length.
      expect(identity.headers['content-encoding']).toBeUndefined();
      expect(Number(identity.headers['content-length'])).toBe(identity.body.length);
    }
  });

  it('sends identity to a client that asks for none, or says x-no-compression, after a copy was kept', async () => {
    for (const path of ['/relations?limit=50', '/relations/AZE/FRA', '/relations/AZE/FRA?asOf=2024-01-02']) {
      const gz = await rawGet(t.url, path, { ...extra, 'accept-encoding': 'gzip' });
      const kept = await rawGet(t.url, path, { ...extra, 'accept-encoding': 'gzip' });
      expect(kept.headers['content-encoding']).toBe('gzip');
      for (const headers of <Array<Record<string, string>>>[{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'gzip', 'x-no-compression': '1' }, { 'accept-encoding': 'deflate' }]) {
        const plain = await rawGet(t.url, path, { ...extra, ...headers });
        expect([path, headers, plain.headers['content-encoding']]).toEqual([path, headers, undefined]);
        expect(plain.body.toString('utf8')).toBe(decoded(gz));
        expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
      }
    }
  });

  it('counts the kept copies toward the caches’ byte limit, once per encoding', async () => {
    const page = '/relations?limit=40';
    const view = '/relations/AZE/FRA';
    await rawGet(t.url, page, extra);
    await rawGet(t.url, view, extra);
    const before = { lists: controller.lists.bytes, views: controller.views.bytes };
    const gzip = await rawGet(t.url, page, { ...extra, 'accept-encoding': 'gzip' });
    const br = await rawGet(t.url, page, { ...extra, 'accept-encoding': 'br' });
    await rawGet(t.url, page, { ...extra, 'accept-encoding': 'gzip' });
    expect(controller.lists.bytes).toBe(before.lists + gzip.body.length + br.body.length);
    const viewBr = await rawGet(t.url, view, { ...extra, 'accept-encoding': 'br' });
    await rawGet(t.url, view, { ...extra, 'accept-encoding': 'br' });
    expect([gzip.headers['content-encoding'], br.headers['content-encoding'], viewBr.headers['content-encoding']]).toEqual(['gzip', 'br', 'br']);
    expect(controller.views.bytes).toBe(before.views + viewBr.body.length);
    expect(controller.lists.bytes).toBe(before.lists + gzip.body.length + br.body.length);
  });
});

