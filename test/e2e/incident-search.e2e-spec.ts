import { parse } from 'csv-parse/sync';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/** Two days after Azerbaijan's expulsion of two French diplomats, when the seed story ends. */
const NOW = '2023-12-28T12:00:00.000Z';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
  await loadSeeds(t.app);
});

afterAll(async () => {
  await t.close();
});

async function list(query: string) {
  const response = await t.request('GET', `/incidents?${query}`);
  expect(response.status).toBe(200);
  return response.json as { items: Record<string, any>[]; next: string | null };
}

describe('searching incidents by text', () => {
  it('finds the seed expulsions by "expel", matching word beginnings and stems', async () => {
    const { items } = await list('q=expel');
    expect(items.length).toBeGreaterThanOrEqual(2);
    for (const item of items) expect(`${item.summary} ${JSON.stringify(item.sources)}`.toLowerCase()).toMatch(/expel/);
    expect(items.map((i) => i.type)).toEqual(expect.arrayContaining(['DiplomatsExpelled', 'ReciprocalExpulsion']));
  });

  it('needs every word, and treats search operators as plain words', async () => {
    const both = await list('q=' + encodeURIComponent('expel AND zzzunknownword'));
    expect(both.items).toEqual([]);
    const quoted = await list('q=' + encodeURIComponent('"expel*'));
    expect(quoted.items.length).toBeGreaterThan(0);
  });

  it('finds a new report at once, and a corrected summary by its new words only', async () => {
    const posted = await t.request('POST', '/incidents', {
      type: 'Accusation', actor: 'ARM', target: 'AZE', occurredOn: '2023-12-27',
      summary: 'Yerevan accuses Baku of quibbling', sources: [{ publisher: 'Wire' }],
    });
    expect(posted.status).toBe(201);
    expect((await list('q=quibbling')).items.map((i) => i.incidentId)).toEqual([posted.json.incidentId]);

    const corrected = await t.request('POST', `/incidents/${posted.json.incidentId}/correction`, {
      summary: 'Yerevan accuses Baku of stalling', reason: 'misquoted',
    });
    expect(corrected.status).toBe(201);
    expect((await list('q=quibbling')).items).toEqual([]);
    expect((await list('q=stalling')).items.map((i) => i.incidentId)).toEqual([posted.json.incidentId]);

    const retracted = await t.request('POST', `/incidents/${posted.json.incidentId}/retraction`, { reason: 'duplicate report' });
    expect(retracted.status).toBe(201);
    expect((await list('q=stalling')).items).toEqual([]);
    const withRetracted = await list('q=stalling&retracted=include');
    expect(withRetracted.items).toHaveLength(1);
    expect(withRetracted.items[0].retracted).toBe(true);
    expect(withRetracted.items[0].amendments.at(-1)).toMatchObject({ type: 'IncidentRetracted', reason: 'duplicate report' });
  });
});

describe('filtering and sorting', () => {
  it('filters by actor, target and country on either side', async () => {
    const byActor = await list('actor=AZE&limit=100');
    expect(byActor.items.length).toBeGreaterThan(0);
    expect(byActor.items.every((i) => i.actor === 'AZE')).toBe(true);
    const byTarget = await list('target=AZE&limit=100');
    expect(byTarget.items.every((i) => i.target === 'AZE')).toBe(true);
    const byCountry = await list('country=AZE&limit=100');
    expect(byCountry.items.length).toBe(byActor.items.length + byTarget.items.length);
  });

  it('sorts by occurrence, either way, and pages through with the cursor', async () => {
    const ascending = await list('country=FRA&sort=occurred&limit=100');
    const dates = ascending.items.map((i) => i.occurredOn.slice(0, 10));
    expect(dates).toEqual([...dates].sort());
    const descending = await list('country=FRA&sort=-occurred&limit=100');
    expect(descending.items.map((i) => i.incidentId)).toEqual(ascending.items.map((i) => i.incidentId).reverse());

    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await list(`country=FRA&sort=-occurred&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((i) => i.incidentId));
      cursor = page.next ?? '';
    } while (cursor);
    expect(seen).toEqual(descending.items.map((i) => i.incidentId));
  });

  it('combines search with the date range on the believed occurrence', async () => {
    const december = await list('country=FRA&from=2023-12&to=2023-12');
    expect(december.items.length).toBeGreaterThan(0);
    expect(december.items.every((i) => i.occurredOn.startsWith('2023-12'))).toBe(true);
  });

  it('answers newest first with -reported, and leaves the plain listing as it was', async () => {
    const plain = await list('limit=100');
    const newest = await list('sort=-reported&limit=100');
    expect(newest.items.map((i) => i.incidentId)).toEqual(plain.items.map((i) => i.incidentId).reverse());
  });

  it('refuses bad search parameters with a problem naming the field', async () => {
    for (const [query, field] of [
      ['actor=XXX', 'actor'],
      ['country=fra', 'country'],
      ['sort=best', 'sort'],
      ['sort=relevance', 'sort'],
      ['q=' + encodeURIComponent('   '), 'q'],
      ['retracted=maybe', 'retracted'],
      ['format=xml', 'format'],
      ['q=expel&cursor=0', 'cursor'],
    ]) {
      const response = await t.request('GET', `/incidents?${query}`);
      expect([query, response.status, response.headers.get('content-type')]).toEqual([query, 400, expect.stringContaining('application/problem+json')]);
      expect(response.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});

describe('CSV export', () => {
  it('answers incidents as RFC 4180 CSV with a header row for ?format=csv and for Accept: text/csv', async () => {
    const byFormat = await t.request('GET', '/incidents?q=expel&format=csv');
    expect(byFormat.status).toBe(200);
    expect(byFormat.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(byFormat.headers.get('content-disposition')).toMatch(/attachment; filename="incidents.csv"/);
    expect(byFormat.text.split('\r\n')[0]).toMatch(/^incident_id,type,actor,actor_name,target,target_name,occurred_on/);
    const rows = parse(byFormat.text, { columns: true }) as Record<string, string>[];
    const json = await list('q=expel');
    expect(rows.map((r) => r.incident_id)).toEqual(json.items.map((i) => i.incidentId));
    expect(rows.map((r) => r.summary)).toEqual(json.items.map((i) => i.summary));

    const byAccept = await t.request('GET', '/incidents?q=expel', undefined, { accept: 'text/csv' });
    expect(byAccept.text).toBe(byFormat.text);
  });

  it('defuses cells a spreadsheet would run as formulas', async () => {
    const posted = await t.request('POST', '/incidents', {
      type: 'Accusation', actor: 'ARM', target: 'TUR', occurredOn: '2023-12-20',
      summary: '=HYPERLINK("http://evil.example","click") accusation', sources: [{ publisher: '+Wire, "quoted"' }],
    });
    expect(posted.status).toBe(201);
    const csv = (await t.request('GET', '/incidents?actor=ARM&target=TUR&format=csv')).text;
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(row.summary).toBe(`'=HYPERLINK("http://evil.example","click") accusation`);
    expect(row.source_publishers).toBe(`'+Wire, "quoted"`);
  });

  it('exports relation states and a timeline', async () => {
    const relations = await t.request('GET', '/relations?country=FRA', undefined, { accept: 'text/csv' });
    expect(relations.status).toBe(200);
    const relationRows = parse(relations.text, { columns: true }) as Record<string, string>[];
    const json = (await t.request('GET', '/relations?country=FRA')).json;
    expect(relationRows).toHaveLength(json.items.length);
    expect(relationRows[0]).toMatchObject({ country_a: json.items[0].pair[0], level: json.items[0].escalation.level, score: String(json.items[0].escalation.score) });

    const timeline = await t.request('GET', '/relations/FRA/AZE/timeline?from=2023-12-01&to=2023-12-28&format=csv');
    expect(timeline.status).toBe(200);
    const points = parse(timeline.text, { columns: true }) as Record<string, string>[];
    expect(points).toHaveLength(28);
    expect(Object.keys(points[0])).toEqual(['at', 'score', 'level', 'incident_count', 'incident_ids', 'incident_types']);
    const json2 = (await t.request('GET', '/relations/FRA/AZE/timeline?from=2023-12-01&to=2023-12-28')).json;
    expect(points.map((p) => Number(p.score))).toEqual(json2.points.map((p: { score: number }) => p.score));
  });

  it('exports the overview as CSV, one row per pair with its sparkline in one compact column, by format and by Accept', async () => {
    const query = '/relations/overview?country=FRA&limit=5&days=30';
    const json = (await t.request('GET', query)).json;
    for (const response of [await t.request('GET', `${query}&format=csv`), await t.request('GET', query, undefined, { accept: 'text/csv' })]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="overview-2023-12-28\.csv"$/);
      const rows = parse(response.text, { columns: true }) as Record<string, string>[];
      expect(rows.map((row) => [row.country_a, row.country_b])).toEqual(json.items.map((item: { pair: string[] }) => item.pair));
      expect(rows[0]).toMatchObject({ sparkline_from: json.sparkline.from, sparkline_to: json.sparkline.to, level: json.items[0].escalation.level });
      const scores = rows[0].sparkline_daily_scores.split(' ').map(Number);
      expect(scores).toHaveLength(30);
      expect(scores).toEqual(json.items[0].sparkline.map((score: number) => Number(score.toFixed(1))));
    }
  });

  it('refuses format on a route that has no CSV, naming the parameter', async () => {
    for (const path of ['/relations/FRA/AZE?format=csv', '/relations/FRA/AZE/months?format=csv', '/watches?format=csv']) {
      const response = await t.request('GET', path);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(response.json)).toContain('format');
    }
  });
});

describe('pages for phones', () => {
  it('gives the API docs page a viewport, as the dashboard pages have', async () => {
    const docs = await t.request('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    for (const page of ['/explore', '/map', '/countries/FRA']) {
      const response = await t.request('GET', page);
      expect([page, response.status]).toEqual([page, 200]);
      expect(response.text).toContain('name="viewport"');
    }
  });

  it('serves the world map outlines projected on the server, keyed by alpha-3 code', async () => {
    const response = await t.request('GET', '/map/world.json');
    expect(response.status).toBe(200);
    const world = response.json as { width: number; height: number; countries: { code: string | null; name: string; d: string }[] };
    const france = world.countries.find((country) => country.code === 'FRA');
    expect(france).toMatchObject({ name: 'France', d: expect.stringMatching(/^M[\d.]+,[\d.]+/) });
    expect(world.countries.filter((country) => country.code !== null).length).toBeGreaterThan(160);
  });

  it('places countries too small for the 1:110m outlines as dots where they are', async () => {
    const world = (await t.request('GET', '/map/world.json')).json as { width: number; height: number; countries: { code: string | null; d: string; dot: [number, number] | null }[] };
    const byCode = new Map(world.countries.map((country) => [country.code, country]));
    for (const code of ['SGP', 'BHR', 'MLT', 'MDV', 'BRB', 'TON']) {
      const dot = byCode.get(code)?.dot;
      expect([code, dot && dot.every((v, i) => v >= 0 && v <= (i === 0 ? world.width : world.height))]).toEqual([code, true]);
      expect(byCode.get(code)?.d).toBe('');
    }
    // Singapore sits south of Malaysia's peninsula and west of its Borneo states; Malta south of Sicily (Italy).
    const [sgx, sgy] = byCode.get('SGP')!.dot!;
    expect(sgx).toBeGreaterThan(world.width / 2);
    expect(sgy).toBeGreaterThan(world.height / 2 - 20);
    expect(byCode.get('FRA')!.dot).toBeNull();
    expect(world.countries.filter((country) => country.code !== null).length).toBeGreaterThan(190);
  });
});
