import { relationStreamId } from '../../src/domain/relation-pair.js';
import { RelationCommandHandler } from '../../src/incidents/relation-command-handler.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { SseClient } from './live-sse-client.js';
import { importedAssault } from '../support/imported-assault.js';

/**
 * What an analyst notices of the evidence weighting: a machine-coded incident moves the score a
 * quarter as much as the same incident reported by an analyst, a second independent source half
 * as much, a confirmation fully; a view known before a corroboration shows the old weight; the
 * views and lists filter by provenance and sources; the live feed says what happened.
 */

const clock = fixedClock('2024-05-01T12:00:00.000Z');
let t: TestApp;
let handler: RelationCommandHandler;
let importedId: string;
let analystId: string;

/** One GDELT-style row between ARM and FRA: an assault (CAMEO 1823, Goldstein −10), as the importer sends it. */
async function importRow(row: string, url: string, recordedAt: string): Promise<string> {
  clock.set(recordedAt);
  const command = importedAssault(row, url, recordedAt);
  const outcome = await handler.handle(relationStreamId('ARM', 'FRA'), command);
  // The read side shows it before the test reads on.
  expect((await t.request('GET', `/relations/ARM/FRA?minPosition=${outcome.position}`)).status).toBe(200);
  return outcome.incidentId;
}

async function momentum(a: string, b: string, query = ''): Promise<number> {
  const response = await t.request('GET', `/relations/${a}/${b}${query}`);
  expect(response.status).toBe(200);
  return response.json.escalation.momentum;
}

beforeAll(async () => {
  t = await startTestApp({ clock });
  handler = t.app.get(RelationCommandHandler);
  const analyst = await t.request('POST', '/incidents', {
    type: 'AssaultCommitted',
    actor: 'AZE',
    target: 'FRA',
    occurredOn: '2024-05-01',
    summary: 'An assault reported by an analyst',
    sources: [{ publisher: 'Wire service', url: 'https://wire.example/1' }],
    details: { cameo: '1823' },
  });
  expect(analyst.status).toBe(201);
  analystId = analyst.json.incidentId;
  importedId = await importRow('1', 'https://www.news-a.example/story', '2024-05-01T12:00:00.000Z');
});

afterAll(async () => {
  await t.close();
});

describe('weighing incidents by their evidence', () => {
  it('counts a single-source imported incident at a quarter of the same analyst report', async () => {
    const full = await momentum('AZE', 'FRA');
    expect(full).toBeGreaterThan(5);
    expect(await momentum('ARM', 'FRA')).toBeCloseTo(full * 0.25, 1);
    const served = (await t.request('GET', `/incidents/${importedId}`)).json;
    expect(served.evidence).toMatchObject({ reportedBy: 'import', provenance: 'imported', independentSources: 1, weight: 0.25, confirmedAt: null });
    const contributor = (await t.request('GET', '/relations/ARM/FRA')).json.escalation.topContributors[0];
    expect(contributor).toMatchObject({ incidentId: importedId, multiplier: 0.25 });
    expect(contributor.explanation).toMatch(/an unconfirmed import with 1 independent source, so it counts 25%$/);
  });

  it('raises the weight with a second independent source, not with another page of the same site', async () => {
    const full = await momentum('AZE', 'FRA');
    const feed = await SseClient.open(`${t.url}/events/stream`);
    try {
      expect(await importRow('2', 'https://money.news-a.example/other', '2024-05-02T09:00:00.000Z')).toBe(importedId);
      expect(await momentum('ARM', 'FRA')).toBeCloseTo((await momentum('AZE', 'FRA')) * 0.25, 1);
      expect(await importRow('3', 'https://www.other-paper.example/report', '2024-05-03T09:00:00.000Z')).toBe(importedId);
      expect(await momentum('ARM', 'FRA')).toBeCloseTo((await momentum('AZE', 'FRA')) * 0.5, 1);
      expect(full).toBeGreaterThan(await momentum('AZE', 'FRA'));
      await feed.until(() => feed.messages.filter((m) => m.event === 'update' && JSON.parse(m.data).kind === 'corroborated').length === 2);
      const update = JSON.parse(feed.messages.find((m) => m.event === 'update' && JSON.parse(m.data).kind === 'corroborated')!.data);
      expect(update).toMatchObject({ pairKey: 'ARM-FRA', event: { type: 'IncidentCorroborated', data: { incidentId: importedId } } });
    } finally {
      feed.close();
    }
    expect((await t.request('GET', `/incidents/${importedId}`)).json.evidence).toMatchObject({ independentSources: 2, weight: 0.5, importedRows: ['gdelt2/1', 'gdelt2/2', 'gdelt2/3'] });
  });

  it('shows the old weight in a view known before the corroboration', async () => {
    const knownThen = '?asOf=2024-05-03&knownAt=2024-05-02';
    const analystThen = await momentum('AZE', 'FRA', knownThen);
    expect(await momentum('ARM', 'FRA', knownThen)).toBeCloseTo(analystThen * 0.25, 1);
    expect(await momentum('ARM', 'FRA', '?asOf=2024-05-03')).toBeCloseTo(analystThen * 0.5, 1);
  });

  it('filters the views and lists by provenance and independent sources', async () => {
    const pairs = async (query: string) => (await t.request('GET', `/relations${query}`)).json.items.map((item: any) => item.pair.join('-'));
    expect(await pairs('?provenance=analyst')).toEqual(['AZE-FRA']);
    expect(await pairs('?provenance=imported')).toEqual(['ARM-FRA']);
    expect(await pairs('?minSources=2')).toEqual(['ARM-FRA']);
    expect((await pairs('')).sort()).toEqual(['ARM-FRA', 'AZE-FRA']);
    const filtered = (await t.request('GET', '/relations/ARM/FRA?provenance=analyst,confirmed')).json;
    expect(filtered).toMatchObject({ incidentCount: 0, escalation: { score: 0 } });
    const overview = (await t.request('GET', '/relations/overview?provenance=imported')).json;
    expect(overview.items.map((item: any) => item.pair.join('-'))).toEqual(['ARM-FRA']);
    const timeline = (await t.request('GET', '/relations/ARM/FRA/timeline?from=2024-05-01&to=2024-05-04&provenance=analyst')).json;
    expect(timeline.points.every((point: any) => point.score === 0 && point.incidents.length === 0)).toBe(true);
    const incidents = async (query: string) => (await t.request('GET', `/incidents${query}`)).json.items.map((item: any) => item.incidentId);
    expect(await incidents('?provenance=imported')).toEqual([importedId]);
    expect(await incidents('?provenance=analyst')).toEqual([analystId]);
    expect(await incidents('?minSources=2&country=FRA')).toEqual([importedId]);
  });

  it.each([
    ['provenance', 'machine', /must be analyst, imported, confirmed or several/],
    ['provenance', 'analyst,', /must be analyst, imported, confirmed or several/],
    ['minSources', '0', /must be a whole number from 1/],
    ['minSources', 'two', /must be a whole number from 1/],
  ])('refuses %s=%s with a problem naming the parameter', async (name, value, message) => {
    for (const path of ['/relations', '/relations/ARM/FRA', '/relations/ARM/FRA/timeline', '/relations/overview', '/incidents']) {
      const response = await t.request('GET', `${path}?${name}=${value}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.json.errors).toEqual([{ field: name, message: expect.stringMatching(message) }]);
    }
  });
});

describe('confirming an imported incident', () => {
  it('refuses a body it cannot read, naming the field', async () => {
    const response = await t.request('POST', `/incidents/${importedId}/confirmation`, { note: 42 });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json)).toMatch(/note/);
    expect((await t.request('POST', `/incidents/${importedId}/confirmation`, { source: 'cnn' })).status).toBe(400);
  });

  it("refuses an analyst's report", async () => {
    const response = await t.request('POST', `/incidents/${analystId}/confirmation`, {});
    expect(response.status).toBe(422);
    expect(response.json.detail).toMatch(/reported by an analyst and already counts fully/);
  });

  it('makes it count fully, live, and once', async () => {
    const feed = await SseClient.open(`${t.url}/events/stream`);
    clock.set('2024-05-04T10:00:00.000Z');
    try {
      const confirmed = await t.request('POST', `/incidents/${importedId}/confirmation`, { note: 'Checked against the ministry statement', source: { publisher: 'Ministry of Foreign Affairs' } });
      expect(confirmed.status).toBe(201);
      expect(confirmed.json).toMatchObject({ incidentId: importedId, recordedType: 'IncidentConfirmed' });
      await feed.until(() => feed.messages.some((m) => m.event === 'update' && JSON.parse(m.data).kind === 'confirmed'));
    } finally {
      feed.close();
    }
    expect(await momentum('ARM', 'FRA')).toBeCloseTo(await momentum('AZE', 'FRA'), 1);
    expect((await t.request('GET', `/incidents/${importedId}`)).json.evidence).toMatchObject({ provenance: 'confirmed', weight: 1, confirmedAt: '2024-05-04T10:00:00.000Z', independentSources: 3 });
    expect((await t.request('GET', '/incidents?provenance=confirmed')).json.items.map((item: any) => item.incidentId)).toEqual([importedId]);
    // Known the day before, it was still an unconfirmed import with two sources.
    const analystThen = await momentum('AZE', 'FRA', '?asOf=2024-05-04&knownAt=2024-05-03');
    expect(await momentum('ARM', 'FRA', '?asOf=2024-05-04&knownAt=2024-05-03')).toBeCloseTo(analystThen * 0.5, 1);
    const again = await t.request('POST', `/incidents/${importedId}/confirmation`, {});
    expect(again.status).toBe(422);
    expect(again.json.detail).toMatch(/already confirmed at 2024-05-04T10:00:00.000Z/);
  });
});
