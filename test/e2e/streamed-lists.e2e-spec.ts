import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import countries from 'i18n-iso-countries';
import { relationStreamId } from '../../src/domain/relation-pair.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { LONGEST_LIST_BUILT_WHOLE } from '../../src/relations/streamed-list.js';
import { getUnread, readSlowly, workDoneWhileUnread } from '../support/slow-client.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Lists longer than LONGEST_LIST_BUILT_WHOLE pairs (every pair, an overview of every pair) are
 * sent as each pair is described (src/relations/streamed-list.ts). What is sent must be the same
 * document, byte for byte, as one built whole: compared with the pages (built whole) of the same
 * list, compressed or not, read fast or slowly; and a failure half-way must not look like a whole
 * 200.
 */

const TYPES = ['Accusation', 'ThreatIssued', 'TalksHeld', 'AmbassadorSummoned'];
/** 80 countries: 3,160 pairs, an overview of about 11 MB with year-long sparklines, more than the kernel's socket buffers hold. */
const CODES = Object.keys(countries.getAlpha3Codes()).sort().slice(0, 80);

let t: TestApp;
let pairCount = 0;

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock('2024-06-01T12:00:00.000Z') });
  const store = t.app.get<EventStore>(EVENT_STORE);
  const appends = [];
  for (const [i, actor] of CODES.entries()) {
    for (const target of CODES.slice(i + 1)) {
      const n = pairCount++;
      const data = { incidentId: randomUUID(), actor, target, occurredOn: `2024-0${1 + (n % 5)}-${String(1 + (n % 28)).padStart(2, '0')}`, precision: 'day', summary: `${actor} and ${target}, ${n}`, sources: [{ publisher: 'Wire service' }], details: {}, recordedAt: '2024-06-01T12:00:00.000Z' };
      appends.push(store.append(relationStreamId(actor, target), [{ eventId: randomUUID(), type: TYPES[n % TYPES.length], data }], 'no_stream'));
    }
  }
  const positions = (await Promise.all(appends)).map((result) => result.position).sort((a, b) => store.comparePositions(a, b));
  expect(await t.app.get(ProjectionRunner).waitFor(positions.at(-1)!, 60_000)).toBe(true);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** The items of every page of `path` (each page short enough to be built whole), in order. */
async function pagesOf(path: string, total: number): Promise<unknown[]> {
  const items = [];
  const join = path.includes('?') ? '&' : '?';
  for (let offset = 0; offset < total; offset += LONGEST_LIST_BUILT_WHOLE) {
    const page = await t.request('GET', `${path}${join}limit=${LONGEST_LIST_BUILT_WHOLE}&offset=${offset}`);
    expect(page.status).toBe(200);
    items.push(...page.json.items);
  }
  return items;
}

describe('a list of every pair, streamed', () => {
  it('is valid JSON, byte for byte what JSON.stringify writes, and holds every pair in the order of the pages', async () => {
    expect(pairCount).toBeGreaterThan(LONGEST_LIST_BUILT_WHOLE);
    for (const query of ['', '?asOf=2024-03-31', '?knownAt=2024-06-01&country=AFG']) {
      const response = await fetch(`${t.url}/relations${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const text = await response.text();
      const list = JSON.parse(text);
      expect(JSON.stringify(list)).toBe(text);
      expect(Object.keys(list)).toEqual(['at', 'asOf', 'knownAt', 'firstIncidentOn', 'total', 'items']);
      expect(list.items).toHaveLength(list.total);
      expect([query, list.items]).toEqual([query, await pagesOf(`/relations${query}`, list.total)]);
    }
    // Sent as it is described: chunked, with no length known in advance.
    const whole = await fetch(`${t.url}/relations`, { headers: { 'accept-encoding': 'identity' } });
    expect([whole.headers.get('transfer-encoding'), whole.headers.get('content-length')]).toEqual(['chunked', null]);
    await whole.arrayBuffer();
  });

  it('a short list is still built whole, with its length', async () => {
    const short = await fetch(`${t.url}/relations?level=calm&country=AFG&asOf=2024-01-15`, { headers: { 'accept-encoding': 'identity' } });
    const text = await short.text();
    expect(JSON.parse(text).total).toBeLessThanOrEqual(LONGEST_LIST_BUILT_WHOLE);
    expect(short.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
  });

  it('compressed with gzip or br, it decompresses to the same document', async () => {
    const plain = await (await fetch(`${t.url}/relations`, { headers: { 'accept-encoding': 'identity' } })).text();
    for (const encoding of ['gzip', 'br']) {
      const response = await fetch(`${t.url}/relations`, { headers: { 'accept-encoding': encoding } });
      expect([encoding, response.headers.get('content-encoding')]).toEqual([encoding, encoding]);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.text()).toBe(plain);
    }
  });

  it('CSV of every pair, and of the overview of every pair, is streamed too: the header row, then the rows of the pages built whole', async () => {
    for (const path of ['/relations?asOf=2024-05-31&format=csv', '/relations/overview?asOf=2024-05-31&days=7&limit=5000&format=csv']) {
      const response = await fetch(`${t.url}${path}`, { headers: { 'accept-encoding': 'identity' } });
      expect([path, response.status, response.headers.get('transfer-encoding')]).toEqual([path, 200, 'chunked']);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="(relations|overview)-2024-05-31\.csv"$/);
      const lines = (await response.text()).split('\r\n');
      expect(lines).toHaveLength(pairCount + 2);
      const paged = [];
      for (let offset = 0; offset < pairCount; offset += LONGEST_LIST_BUILT_WHOLE) {
        const page = await t.request('GET', `${path.replace('&limit=5000', '')}&limit=${LONGEST_LIST_BUILT_WHOLE}&offset=${offset}`);
        const [header, ...rows] = page.text.trimEnd().split('\r\n');
        expect(header).toBe(lines[0]);
        paged.push(...rows);
      }
      expect([path, lines.slice(1, -1)]).toEqual([path, paged]);
      expect(lines.at(-1)).toBe('');
    }
  });
});

describe('an overview of every pair, streamed', () => {
  it('equals its pages built whole, head and items', async () => {
    const response = await fetch(`${t.url}/relations/overview?limit=5000&days=30&asOf=2024-05-31`);
    const text = await response.text();
    const overview = JSON.parse(text);
    expect(JSON.stringify(overview)).toBe(text);
    const firstPage = (await t.request('GET', `/relations/overview?limit=${LONGEST_LIST_BUILT_WHOLE}&days=30&asOf=2024-05-31`)).json;
    const { items, limit, offset, ...head } = overview;
    expect([limit, offset, items.length]).toEqual([5000, 0, pairCount]);
    const { items: _pageItems, limit: _pageLimit, offset: _pageOffset, ...pageHead } = firstPage;
    expect(head).toEqual(pageHead);
    expect(Object.keys(overview)).toEqual(Object.keys(firstPage));
    expect(items).toEqual(await pagesOf('/relations/overview?days=30&asOf=2024-05-31', pairCount));
  });

  it('reads on only as fast as a slow client takes it (backpressure), and the client gets the whole document', async () => {
    const readModel = t.app.get(ProjectionRunner).readModel;
    const sparklines = jest.spyOn(readModel, 'scoresAt');
    try {
      const response = await getUnread(`${t.url}/relations/overview?limit=5000&days=366`);
      // Nothing read: the server fills the socket's buffers (a few MB), then waits.
      const described = await workDoneWhileUnread(() => sparklines.mock.calls.length);
      expect(described).toBeGreaterThan(0);
      expect(described).toBeLessThan(pairCount);
      // Then read slowly, a piece at a time.
      const overview = JSON.parse((await readSlowly(response)).toString('utf8'));
      expect(overview.items).toHaveLength(pairCount);
      expect(sparklines.mock.calls.length).toBe(pairCount);
    } finally {
      sparklines.mockRestore();
    }
  }, 60_000);

  it('a failure once the answer has begun cuts the connection, never a whole 200 with half a document; one before the first byte is a problem', async () => {
    const readModel = t.app.get(ProjectionRunner).readModel;
    const real = readModel.scoresAt.bind(readModel);
    let calls = 0;
    const failAt = { call: 1_000 };
    const sparklines = jest.spyOn(readModel, 'scoresAt').mockImplementation((...args) => {
      if (++calls === failAt.call) throw new Error('the store went away');
      return real(...args);
    });
    try {
      const cut = await fetch(`${t.url}/relations/overview?limit=5000&days=30`);
      expect(cut.status).toBe(200);
      await expect(cut.text()).rejects.toThrow();

      calls = 0;
      failAt.call = 1;
      const early = await t.request('GET', '/relations/overview?limit=5000&days=30');
      expect(early.status).toBe(500);
      expect(early.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      sparklines.mockRestore();
    }
  });
});
