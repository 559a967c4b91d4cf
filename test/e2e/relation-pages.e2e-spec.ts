import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Pages of relations: GET /relations with limit/offset, and the overview (a page of pairs with
 * their sparklines in one request). Both must agree with the whole list and with the timeline.
 */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock('2024-06-01T12:00:00.000Z') });
  await loadSeeds(t.app);
});

afterAll(async () => {
  await t?.close();
});

const get = async (path: string) => {
  const response = await t.request('GET', path);
  expect([path, response.status]).toEqual([path, 200]);
  return response.json;
};

describe('GET /relations with limit and offset', () => {
  it('cuts the whole list into pages, in its order, with its total', async () => {
    const whole = await get('/relations?asOf=2023-12-28');
    expect(whole.total).toBeGreaterThan(2);
    const pages = [];
    for (let offset = 0; offset < whole.total; offset += 2) pages.push(await get(`/relations?asOf=2023-12-28&limit=2&offset=${offset}`));

    expect(pages.flatMap((page) => page.items)).toEqual(whole.items);
    for (const page of pages) expect([page.total, page.limit]).toEqual([whole.total, 2]);
  });

  it('agrees with the whole list on many pairs, a retraction among them, now, as of and as known at', async () => {
    const codes = ['USA', 'CAN', 'MEX', 'BRA', 'ARG', 'CHL'];
    const types = ['Accusation', 'ThreatIssued', 'TalksHeld', 'AmbassadorSummoned'];
    let n = 0;
    for (const [i, actor] of codes.entries()) {
      for (const target of codes.slice(i + 1)) {
        const response = await t.request('POST', '/incidents', { type: types[n % types.length], actor, target, occurredOn: `2024-0${1 + (n % 5)}-1${n % 10}`, summary: `${actor} and ${target}, ${n}`, sources: [{ publisher: 'Wire service' }] });
        expect(response.status).toBe(201);
        if (n++ === 3) expect((await t.request('POST', `/incidents/${response.json.incidentId}/retraction`, { reason: 'The wire withdrew its report' })).status).toBe(201);
      }
    }
    for (const query of ['', 'asOf=2024-03-31', 'knownAt=2024-06-01', 'asOf=2023-12-28&knownAt=2024-06-01', 'level=calm']) {
      const whole = await get(`/relations?${query}`);
      const pages = [];
      for (let offset = 0; offset < whole.total; offset += 4) pages.push(...(await get(`/relations?${query}&limit=4&offset=${offset}`)).items);
      expect([query, pages]).toEqual([query, whole.items]);
    }
  });

  it('filters before it pages', async () => {
    const whole = await get('/relations?asOf=2023-12-28&country=AZE');
    const page = await get('/relations?asOf=2023-12-28&country=AZE&offset=1');
    expect(page.total).toBe(whole.total);
    expect(page.items).toEqual(whole.items.slice(1, 51));
  });

  it('answers an empty page past the end, and refuses a page of nothing', async () => {
    expect((await get('/relations?offset=10000')).items).toEqual([]);
    const refused = await t.request('GET', '/relations?limit=0');
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].field).toBe('limit');
  });
});

describe('GET /relations/overview', () => {
  it('gives the list of GET /relations with a sparkline per pair that follows the timeline day by day', async () => {
    const list = await get('/relations?asOf=2023-12-28');
    const overview = await get('/relations/overview?asOf=2023-12-28&days=30');

    expect(overview.items.map(({ sparkline, ...item }: { sparkline: number[] }) => item)).toEqual(list.items);
    expect(overview.sparkline).toEqual({ from: '2023-11-29', to: '2023-12-28', interval: 'day' });
    const [a, b] = overview.items[0].pair;
    const timeline = await get(`/relations/${a}/${b}/timeline?from=2023-11-29&to=2023-12-28&interval=day`);
    expect(overview.items[0].sparkline).toEqual(timeline.points.map((point: { score: number }) => point.score));
    for (const item of overview.items) expect(item.sparkline).toHaveLength(30);
  });

  it('offers every country with incidents whatever the filter, and pages the filtered pairs', async () => {
    const all = await get('/relations/overview?asOf=2023-12-28');
    const filtered = await get('/relations/overview?asOf=2023-12-28&country=AZE&limit=1');

    expect(filtered.countries).toEqual(all.countries);
    expect(all.countries).toEqual(expect.arrayContaining(['AZE', 'FRA']));
    expect(filtered.items).toHaveLength(1);
    expect(filtered.items[0].pair).toContain('AZE');
    expect(filtered.total).toBe(all.items.filter((item: { pair: string[] }) => item.pair.includes('AZE')).length);
  });

  it('names the field and rule of a bad parameter', async () => {
    const response = await t.request('GET', '/relations/overview?days=400');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json.errors[0].field).toBe('days');
  });
});
