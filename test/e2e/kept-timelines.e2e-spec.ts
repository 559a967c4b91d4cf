import { RelationsController } from '../../src/relations/relations.controller.js';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { ACCEPT_ENCODINGS, decoded, rawGet, type RawResponse } from '../support/raw-get.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A timeline of a span already past is kept as the JSON it was answered with, with its compressed
 * bytes beside it (timeline-kept.ts), and sent again while the pair's stream holds. A timeline
 * built whole is serialised and compressed in one call rather than streamed through the plugin.
 * Every answer must decompress to the JSON a fresh server answers, with the plugin's headers.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const PAST = '/relations/AZE/FRA/timeline?from=2023-12-01&to=2024-01-31';

/** Every header but Date, framing and what compression adds. */
function headersBeyondEncoding(response: RawResponse): Record<string, string> {
  const { date: _date, 'content-length': _length, 'transfer-encoding': _chunked, connection: _c, 'keep-alive': _k, 'content-encoding': _e, vary: _v, ...rest } = response.headers;
  return rest;
}

/** Records an accusation by France against Azerbaijan inside PAST's span, as a late report would. */
async function reportLateAccusation(t: TestApp, occurredOn: string, summary: string): Promise<void> {
  const reported = await t.request('POST', '/incidents', { type: 'Accusation', actor: 'FRA', target: 'AZE', occurredOn, summary, sources: [{ publisher: 'Wire service' }] });
  expect(reported.status).toBe(201);
}

describe('timelines of the past, kept', () => {
  let t: TestApp;
  let controller: RelationsController;
  const clock = fixedClock(NOW);

  beforeAll(async () => {
    t = await startTestApp({ clock });
    await loadSeeds(t.app);
    controller = t.app.get(RelationsController);
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    '/relations/AZE/FRA/timeline?from=2023-12-0{n}&to=2024-01-31',
    '/relations/AZE/FRA/timeline?from=2023-12-0{n}&to=2024-01-31&knownAt=2024-01-15',
    // Reaching into the present: never kept, compressed the same way each time.
    '/relations/AZE/FRA/timeline?from=2024-05-0{n}',
  ])('%s: each encoding decompresses to the identity JSON, with the headers the plugin gives a compressed answer', async (question) => {
    for (const [n, { acceptEncoding, expected }] of ACCEPT_ENCODINGS.entries()) {
      const path = question.replace('{n}', String(n + 1));
      const fresh = await rawGet(t.url, path, { 'accept-encoding': acceptEncoding });
      const again = await rawGet(t.url, path, { 'accept-encoding': acceptEncoding });
      const identity = await rawGet(t.url, path);
      expect([path, fresh.status, again.status, identity.status]).toEqual([path, 200, 200, 200]);
      expect([fresh.headers['content-encoding'], again.headers['content-encoding'], identity.headers['content-encoding']]).toEqual([expected, expected, undefined]);
      expect(decoded(fresh)).toBe(identity.body.toString('utf8'));
      expect(decoded(again)).toBe(identity.body.toString('utf8'));
      for (const compressed of [fresh, again]) {
        expect(compressed.headers.vary).toBe('accept-encoding');
        expect(Number(compressed.headers['content-length'])).toBe(compressed.body.length);
        expect(headersBeyondEncoding(compressed)).toEqual(headersBeyondEncoding(identity));
      }
      expect(identity.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(identity.headers['content-length'])).toBe(identity.body.length);
    }
  });

  it('sends identity to a client that asks for none, for identity, only for deflate, or says x-no-compression', async () => {
    const gz = await rawGet(t.url, PAST, { 'accept-encoding': 'gzip' });
    for (const headers of <Array<Record<string, string>>>[{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'gzip', 'x-no-compression': '1' }, { 'accept-encoding': 'deflate' }]) {
      const plain = await rawGet(t.url, PAST, headers);
      expect([headers, plain.headers['content-encoding']]).toEqual([headers, undefined]);
      expect(plain.body.toString('utf8')).toBe(decoded(gz));
    }
  });

  it('keeps a span already past once, with each encoding asked for; never a span reaching into the present or a CSV', async () => {
    const path = '/relations/ARM/AZE/timeline?from=2023-11-01&to=2024-01-31';
    const before = controller.timelines.bytes;
    const identity = await rawGet(t.url, path);
    const kept = controller.timelines.bytes;
    expect(kept - before).toBeGreaterThanOrEqual(identity.body.length);
    await rawGet(t.url, path);
    expect(controller.timelines.bytes).toBe(kept);
    const br = await rawGet(t.url, path, { 'accept-encoding': 'br' });
    expect(controller.timelines.bytes).toBe(kept + br.body.length);
    await rawGet(t.url, path, { 'accept-encoding': 'br' });
    expect(controller.timelines.bytes).toBe(kept + br.body.length);

    const held = controller.timelines.bytes;
    await rawGet(t.url, '/relations/ARM/AZE/timeline?from=2024-05-01');
    await rawGet(t.url, '/relations/ARM/AZE/timeline?from=2024-05-01&to=2024-06-01');
    await rawGet(t.url, '/relations/ARM/AZE/timeline?from=2023-11-01&to=2024-01-31&knownAt=2024-06-01');
    await rawGet(t.url, `${path}&format=csv`);
    expect(controller.timelines.bytes).toBe(held);
  });

  it('answers anew once the pair’s stream moves, as a fresh server does', async () => {
    const before = (await rawGet(t.url, PAST)).body.toString('utf8');
    await reportLateAccusation(t, '2024-01-10', 'A late report of an accusation in January');
    const after = (await rawGet(t.url, PAST)).body.toString('utf8');
    expect(after).not.toBe(before);
    expect(after).toContain('A late report of an accusation in January');
    const fresh = await startTestApp({ file: t.file, clock });
    try {
      expect((await rawGet(fresh.url, PAST)).body.toString('utf8')).toBe(after);
      expect(decoded(await rawGet(t.url, PAST, { 'accept-encoding': 'gzip' }))).toBe(after);
    } finally {
      await fresh.close();
    }
  });
});

/**
 * A timeline of a span already past carries an ETag (the pair's revision and the question), so a
 * chart that polls it gets a 304 and no body until something is recorded for the pair.
 */
describe('timelines of the past: ETag and 304', () => {
  let t: TestApp;
  const clock = fixedClock(NOW);
  const PAST_KNOWN_AT = `${PAST}&knownAt=2024-01-15`;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    await loadSeeds(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers If-None-Match with 304 and no body while the pair holds, in any encoding; with knownAt, cacheable for a day', async () => {
    const first = await rawGet(t.url, PAST);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"\d+-[\w-]{16}"$/);
    expect(first.headers['cache-control']).toBe('no-cache');

    for (const headers of <Array<Record<string, string>>>[{ 'if-none-match': etag }, { 'if-none-match': `"1", W/${etag}` }, { 'if-none-match': etag, 'accept-encoding': 'br' }]) {
      const again = await rawGet(t.url, PAST, headers);
      expect([headers, again.status, again.body.length, again.headers.etag]).toEqual([headers, 304, 0, etag]);
    }
    expect((await rawGet(t.url, PAST, { 'if-none-match': '"1-aaaaaaaaaaaaaaaa"' })).status).toBe(200);

    const settled = await rawGet(t.url, PAST_KNOWN_AT);
    expect(settled.headers['cache-control']).toBe('max-age=86400, immutable');
    expect(settled.headers.etag).not.toBe(etag);
    expect((await rawGet(t.url, PAST_KNOWN_AT, { 'if-none-match': settled.headers.etag as string })).status).toBe(304);
  });

  it('has no ETag where the answer moves with the clock or is an export: a span reaching into the present, a knownAt not yet past, a CSV', async () => {
    for (const path of ['/relations/AZE/FRA/timeline?from=2024-05-01', '/relations/AZE/FRA/timeline?from=2023-12-01&to=2024-01-31&knownAt=2024-06-02', `${PAST}&format=csv`]) {
      const answer = await rawGet(t.url, path);
      expect([path, answer.status, answer.headers.etag, answer.headers['cache-control']]).toEqual([path, 200, undefined, undefined]);
    }
  });

  it('a report for the pair changes the ETag: the old one gets the new timeline', async () => {
    const before = await rawGet(t.url, PAST);
    await reportLateAccusation(t, '2024-01-12', 'A late report of a January accusation, for the ETag');

    const after = await rawGet(t.url, PAST, { 'if-none-match': before.headers.etag as string });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.body.toString('utf8')).toContain('A late report of a January accusation, for the ETag');
    expect((await rawGet(t.url, PAST, { 'if-none-match': after.headers.etag as string })).status).toBe(304);
  });
});
