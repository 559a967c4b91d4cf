import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { DAY_MS } from '../../src/domain/numbers.js';

/**
 * Bitemporal reads: `asOf` (what had happened by then, scored at that instant) and `knownAt`
 * (what Demarche had recorded by then), on one relation and on the list; and timelines that
 * agree, point by point, with the relation seen as of each point.
 */

const HALF_LIFE_MS = 30 * DAY_MS;
const ms = (iso: string) => Date.parse(iso);

function incident(overrides: Record<string, unknown>) {
  return {
    type: 'Accusation',
    actor: 'AZE',
    target: 'FRA',
    summary: 'Baku accuses Paris of bias',
    sources: [{ publisher: 'Wire service' }],
    ...overrides,
  };
}

describe('a late report, seen as of and as known at', () => {
  const clock = fixedClock('2023-12-20T12:00:00.000Z');
  let t: TestApp;

  /** Reports an incident that must be accepted, with the clock (so `recordedAt`) at `recordedAt`. */
  async function reportAt(recordedAt: string, body: Record<string, unknown>) {
    clock.set(recordedAt);
    const response = await t.request('POST', '/incidents', body);
    expect(response.status).toBe(201);
    expect(response.json.recordedAt).toBe(new Date(recordedAt).toISOString());
    return response.json;
  }

  const get = async (path: string) => {
    const response = await t.request('GET', path);
    expect(response.status).toBe(200);
    return response;
  };

  beforeAll(async () => {
    t = await startTestApp({ clock });
    await reportAt('2023-12-20T12:00:00Z', incident({ occurredOn: '2023-12-20' }));
    await reportAt('2023-12-20T12:05:00Z', incident({ type: 'MilitaryOffensive', actor: 'AZE', target: 'ARM', occurredOn: '2023-09-19', summary: 'Offensive in Karabakh', details: { region: 'Karabakh' } }));
    await reportAt('2023-12-26T18:00:00Z', incident({ type: 'DiplomatsExpelled', occurredOn: '2023-12-26', summary: 'Baku expels two French diplomats', details: { diplomats: 2 } }));
    await reportAt('2023-12-27T10:00:00Z', incident({ type: 'AmbassadorSummoned', actor: 'FRA', target: 'AZE', occurredOn: '2023-12-27', summary: 'Paris summons the Azerbaijani ambassador' }));
  });

  afterAll(async () => {
    await t.close();
  });

  it('changes the as-of view of the past but not the view as known before it arrived', async () => {
    const knownBefore = await get('/relations/AZE/FRA?knownAt=2023-12-27T12:00:00Z');
    const asOfBefore = await get('/relations/AZE/FRA?asOf=2023-12-01');
    const listKnownBefore = await get('/relations?knownAt=2023-12-27T12:00:00Z');
    const listAsOfBefore = await get('/relations?asOf=2023-12-01');
    const eventsBefore = countEvents(t.file);

    // Reported on 28 December, it happened on 20 November: before everything recorded so far on AZE–FRA.
    const late = await reportAt('2023-12-28T09:00:00Z', incident({
      type: 'MeetingBoycotted',
      occurredOn: '2023-11-20',
      summary: 'Baku boycotts a meeting in Paris',
      details: { meeting: 'Peace talks', place: 'Paris' },
    }));

    expect(countEvents(t.file)).toBe(eventsBefore + 1);
    expect(asOfBefore.json).toMatchObject({ at: '2023-12-01T23:59:59.999Z', asOf: '2023-12-01', knownAt: null, incidentCount: 0 });
    expect(asOfBefore.json.escalation.score).toBe(0);

    const asOfAfter = await get('/relations/AZE/FRA?asOf=2023-12-01');
    expect(asOfAfter.json).toMatchObject({ at: '2023-12-01T23:59:59.999Z', incidentCount: 1, countsByType: { MeetingBoycotted: 1 } });
    expect(asOfAfter.json.firstIncident).toEqual({ incidentId: late.incidentId, type: 'MeetingBoycotted', occurredOn: '2023-11-20', countsFrom: '2023-11-20' });
    // Scored at the as-of instant, decayed from when it happened (noon on 20 November), not from when it was reported.
    const [boycott] = asOfAfter.json.escalation.topContributors;
    const remaining = Math.pow(2, -(ms('2023-12-01T23:59:59.999Z') - ms('2023-11-20T12:00:00Z')) / HALF_LIFE_MS);
    expect(boycott).toMatchObject({ incidentId: late.incidentId });
    expect(boycott.remaining).toBeCloseTo(remaining, 3);
    expect(asOfAfter.json.escalation.score).toBeGreaterThan(0);

    const knownAfter = await get('/relations/AZE/FRA?knownAt=2023-12-27T12:00:00Z');
    expect(knownAfter.text).toBe(knownBefore.text);
    expect((await get('/relations?knownAt=2023-12-27T12:00:00Z')).text).toBe(listKnownBefore.text);

    const listAsOfAfter = await get('/relations?asOf=2023-12-01');
    const pairsOf = (list: { json: { items: { pair: string[] }[] } }) => list.json.items.map((item) => item.pair.join('-'));
    expect(pairsOf(listAsOfBefore)).toEqual(['ARM-AZE']);
    expect(pairsOf(listAsOfAfter).sort()).toEqual(['ARM-AZE', 'AZE-FRA']);
    expect(listAsOfAfter.json).toMatchObject({ at: '2023-12-01T23:59:59.999Z', asOf: '2023-12-01', knownAt: null, total: 2 });
  });

  it('combines both: what had happened by asOf, as far as it was known at knownAt', async () => {
    const knownThen = await get('/relations/AZE/FRA?asOf=2023-12-01&knownAt=2023-12-27T12:00:00Z');
    const knownLater = await get('/relations/AZE/FRA?asOf=2023-12-01&knownAt=2023-12-28');
    const listKnownThen = await get('/relations?asOf=2023-12-01&knownAt=2023-12-27T12:00:00Z');

    expect(knownThen.json).toMatchObject({ at: '2023-12-01T23:59:59.999Z', asOf: '2023-12-01', knownAt: '2023-12-27T12:00:00Z', incidentCount: 0 });
    expect(knownLater.json).toMatchObject({ incidentCount: 1, countsByType: { MeetingBoycotted: 1 } });
    expect(listKnownThen.json.items.map((item: { pair: string[] }) => item.pair.join('-'))).toEqual(['ARM-AZE']);
  });

  it('folds the late report in occurrence order in the current view, and scores it from when it happened', async () => {
    const now = await get('/relations/AZE/FRA');

    expect(now.json).toMatchObject({
      at: '2023-12-28T09:00:00.000Z',
      incidentCount: 4,
      firstIncident: { type: 'MeetingBoycotted', occurredOn: '2023-11-20' },
      lastIncident: { type: 'AmbassadorSummoned', occurredOn: '2023-12-27' },
    });
    const boycott = now.json.escalation.topContributors.find((c: { type: string }) => c.type === 'MeetingBoycotted');
    const remaining = Math.pow(2, -(ms('2023-12-28T09:00:00Z') - ms('2023-11-20T12:00:00Z')) / HALF_LIFE_MS);
    expect(boycott.remaining).toBeCloseTo(remaining, 3);
  });

  it('scores a relation at the as-of instant: the trend looks back 30 days from it', async () => {
    const asOf = await get('/relations/AZE/FRA?asOf=2023-12-27');
    const thirtyDaysEarlier = await get('/relations/AZE/FRA?asOf=2023-11-27');

    expect(asOf.json.at).toBe('2023-12-27T23:59:59.999Z');
    expect(asOf.json.escalation.trend.scoreThen).toBe(thirtyDaysEarlier.json.escalation.score);
    expect(asOf.json.escalation.trend.change).toBeCloseTo(asOf.json.escalation.score - thirtyDaysEarlier.json.escalation.score, 0);
  });

  it('counts an incident known only to the month from the middle of that month', async () => {
    // November 2023 has 30 days: the incident counts from 16 November 00:00 UTC.
    await reportAt('2023-12-29T09:00:00Z', incident({ actor: 'FRA', target: 'AZE', occurredOn: '2023-11', summary: 'Paris accuses Baku' }));

    const dayBefore = await get('/relations/AZE/FRA?asOf=2023-11-15');
    const middle = await get('/relations/AZE/FRA?asOf=2023-11-16T00:00:00Z');
    const wholeMonth = await get('/relations/AZE/FRA?asOf=2023-11');

    expect(dayBefore.json.countsByType).toEqual({ });
    expect(middle.json.countsByType).toEqual({ Accusation: 1 });
    expect(wholeMonth.json).toMatchObject({ at: '2023-11-30T23:59:59.999Z', countsByType: { Accusation: 1, MeetingBoycotted: 1 } });
  });

  it('answers 400 problem+json for dates it cannot read, naming the parameter', async () => {
    for (const [query, field] of [['asOf=2023-02-30', 'asOf'], ['knownAt=yesterday', 'knownAt'], ['asOf=2023-13', 'asOf']]) {
      const response = await t.request('GET', `/relations/AZE/FRA?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.json.errors.map((error: { field: string }) => error.field)).toEqual([field]);
    }
  });
});

describe('timelines', () => {
  /** When the seed story is recorded: two days after the expulsions. */
  const STORY_END = '2023-12-28T12:00:00.000Z';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ clock: fixedClock(STORY_END) });
    await loadSeeds(t.app);
  });

  afterAll(async () => {
    await t.close();
  });

  const timeline = (query: string) => t.request('GET', `/relations/AZE/FRA/timeline?${query}`);

  it('gives one point per day with its score, level and the incidents that arrived since the previous point', async () => {
    const response = await timeline('from=2023-09-01&to=2023-12-31&interval=day');

    expect(response.status).toBe(200);
    const { points } = response.json;
    expect(response.json).toMatchObject({ pair: ['AZE', 'FRA'], interval: 'day', from: '2023-09-01T00:00:00.000Z', to: '2023-12-31T23:59:59.999Z' });
    expect(points).toHaveLength(122);
    for (const point of points) expect(Object.keys(point).sort()).toEqual(['at', 'incidentCount', 'incidents', 'level', 'score']);
    // No day of the story has more incidents than a point lists.
    for (const point of points) expect(point.incidentCount).toBe(point.incidents.length);
    // The first point carries what happened before it: two accusations known only to the year 2023, counted from 2 July.
    expect(points[0]).toMatchObject({ at: '2023-09-01T00:00:00.000Z', level: 'calm' });
    expect(points[0].incidents.map((i: { occurredOn: string }) => i.occurredOn)).toEqual(['2023', '2023']);
    expect(points[121].at).toBe('2023-12-31T00:00:00.000Z');
    // The 26 December expulsion and summons (counted at noon) appear at the next point, 27 December 00:00.
    const expulsionDay = points.find((point: { at: string }) => point.at === '2023-12-27T00:00:00.000Z');
    expect(expulsionDay.incidents.map((i: { type: string }) => i.type).sort()).toEqual(['AmbassadorSummoned', 'DiplomatsExpelled']);
    expect(expulsionDay.score).toBeGreaterThan(points.find((point: { at: string }) => point.at === '2023-12-26T00:00:00.000Z').score);
    // Every AZE–FRA incident of the story appears exactly once.
    const listed = points.flatMap((point: { incidents: { incidentId: string }[] }) => point.incidents.map((i) => i.incidentId));
    const recorded = (await t.request('GET', '/incidents?pair=AZE-FRA')).json.items.map((i: { incidentId: string }) => i.incidentId);
    expect(recorded.length).toBeGreaterThan(5);
    expect([...listed].sort()).toEqual([...recorded].sort());
  });

  it('scores each point exactly as the relation asOf that instant does', async () => {
    // Up to the clock's day: a view as of a later day would be a forecast, which the API refuses.
    const response = await timeline('from=2023-09-01&to=2023-12-28&interval=day');
    const { points } = response.json as { points: { at: string; score: number; level: string }[] };

    const direct = await Promise.all(points.map((point) => t.request('GET', `/relations/AZE/FRA?asOf=${point.at}`)));

    expect(points).toHaveLength(119);
    expect(points.some((point) => point.level === 'strained')).toBe(true);
    expect(points.map((point) => ({ at: point.at, score: point.score, level: point.level }))).toEqual(
      direct.map((view, i) => ({ at: points[i].at, score: view.json.escalation.score, level: view.json.escalation.level })),
    );
    expect(direct.map((view) => view.json.at)).toEqual(points.map((point) => point.at));
  });

  it('steps by calendar months, keeping the day and clamping it to short months', async () => {
    const response = await timeline('from=2023-01-31&to=2023-12-31&interval=month');

    expect(response.status).toBe(200);
    expect(response.json.points.map((point: { at: string }) => point.at.slice(0, 10))).toEqual([
      '2023-01-31', '2023-02-28', '2023-03-31', '2023-04-30', '2023-05-31', '2023-06-30',
      '2023-07-31', '2023-08-31', '2023-09-30', '2023-10-31', '2023-11-30', '2023-12-31',
    ]);
  });

  it('steps by weeks', async () => {
    const response = await timeline('from=2023-12-01&to=2023-12-31&interval=week');

    expect(response.json.points.map((point: { at: string }) => point.at.slice(0, 10))).toEqual(['2023-12-01', '2023-12-08', '2023-12-15', '2023-12-22', '2023-12-29']);
  });

  it('serves 2,000 points, and answers a request for more with a 400 that says so', async () => {
    // 1 January 2018 plus 1,999 days is 23 June 2023: 2,000 daily points; one more day is one too many.
    const atLimit = await timeline('from=2018-01-01&to=2023-06-23&interval=day');
    const overLimit = await timeline('from=2018-01-01&to=2023-06-24&interval=day');
    const decade = await timeline('from=2014-01-01&to=2023-12-31&interval=day');
    const decadeByMonth = await timeline('from=2014-01-01&to=2023-12-31&interval=month');

    expect(atLimit.status).toBe(200);
    expect(atLimit.json.points).toHaveLength(2000);
    for (const response of [overLimit, decade]) {
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.json.errors).toEqual([{ field: 'interval', message: expect.stringContaining('more than 2000 points') }]);
    }
    expect(decade.json.detail).toMatch(/narrow from\/to or use a coarser interval/);
    expect(decadeByMonth.status).toBe(200);
    expect(decadeByMonth.json.points).toHaveLength(120);
  });

  it('rejects an unknown interval, a range that ends before it starts, and an unreadable date', async () => {
    const cases: [string, string][] = [
      ['interval=hour', 'interval'],
      ['from=2023-12-01&to=2023-11-01', 'to'],
      ['from=2023-02-30', 'from'],
    ];
    for (const [query, field] of cases) {
      const response = await timeline(query);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.json.errors.map((error: { field: string }) => error.field)).toEqual([field]);
    }
  });

  it('answers 404 for a pair with no incidents', async () => {
    const response = await t.request('GET', '/relations/AZE/JPN/timeline');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
