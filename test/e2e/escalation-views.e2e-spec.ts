import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * What an analyst reads of the seed story over HTTP under the condition model: the standing
 * conditions and the points that add up to the score, this month's judgement, the monthly
 * judgements with their reasons, and what the API says about dates with nothing to show.
 */

const clock = fixedClock('2024-01-20T12:00:00.000Z');
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock });
  await loadSeeds(t.app);
});

afterAll(async () => {
  await t.close();
});

const get = async (path: string) => {
  const response = await t.request('GET', path);
  expect(response.status).toBe(200);
  return response.json;
};

const expectProblem = async (path: string, field: string, message: RegExp) => {
  const response = await t.request('GET', path);
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
  expect(JSON.stringify(response.json)).not.toMatch(/\bat .*\.(js|ts):\d+/);
};

describe('a relation under the condition model', () => {
  it('reads strained on 28 December 2023, Azerbaijan’s expulsion standing unanswered, and the parts add up to the score', async () => {
    const view = await get('/relations/FRA/AZE?asOf=2023-12-28');

    expect(view.escalation.level).toBe('strained');
    expect(view.escalation.conditions).toEqual([
      expect.objectContaining({
        kind: 'expulsion_unanswered',
        country: 'AZE',
        since: '2023-12-26',
        description: "Azerbaijan's expulsion of 2 diplomats of France on 26 Dec 2023, not answered yet",
      }),
    ]);
    const parts = [...view.escalation.conditions, ...view.escalation.topContributors].reduce(
      (sum: number, part: { points: number }) => sum + part.points,
      view.escalation.otherIncidentsPoints,
    );
    expect(Math.round(parts * 10) / 10).toBe(view.escalation.score);
    expect(view.firstIncidentOn).toBe('2023-07-02');
  });

  it('counts France’s answer ("2023-12") after the expulsion it answers: unanswered on the 28th, answered by the 30th', async () => {
    const before = await get('/relations/AZE/FRA?asOf=2023-12-28');
    const after = await get('/relations/AZE/FRA?asOf=2023-12-30');

    expect(before.countsByType.ReciprocalExpulsion).toBeUndefined();
    expect(after.countsByType.ReciprocalExpulsion).toBe(1);
    expect(after.escalation.conditions).toEqual([]);
    expect(after.escalation.score).toBeGreaterThan(before.escalation.score);
  });

  it('judges November 2023 unchanged, December deteriorated and January 2024 so far improved, with the reasons', async () => {
    const response = await get('/relations/AZE/FRA/months?from=2023-11&to=2024-01');

    expect(response).toMatchObject({ pair: ['AZE', 'FRA'], from: '2023-11', to: '2024-01' });
    expect(response.months.map((m: { month: string; judgement: string }) => [m.month, m.judgement])).toEqual([
      ['2023-11', 'unchanged'],
      ['2023-12', 'deteriorated'],
      ['2024-01', 'improved'],
    ]);
    const december = response.months[1];
    expect(december.conflictIncidents).toBeGreaterThanOrEqual(4);
    // The expulsion was made and answered within the month: no condition stands at either end, the momentum says it.
    expect(december.reasons).toEqual(['Momentum up (4 → 18.9): 5 conflict incidents']);
    expect(response.months[0].reasons).toEqual(['Momentum down (5.1 → 4): 1 conflict incident, earlier incidents fading']);
    expect(response.months[2].reasons).toEqual([expect.stringMatching(/^Momentum down .*: no new incidents, earlier incidents fading$/)]);

    const current = await get('/relations/AZE/FRA');
    expect(current.thisMonth).toEqual(response.months[2]);
  });

  it('gives each pair of the list its month so far', async () => {
    const list = await get('/relations?asOf=2023-12-28');

    expect(list.items.map((item: { thisMonth: { month: string } }) => item.thisMonth.month)).toEqual(list.items.map(() => '2023-12'));
    const azeFra = list.items.find((item: { pair: string[] }) => item.pair.join() === 'AZE,FRA');
    expect(azeFra.thisMonth.reasons).toContain(
      "Began: Azerbaijan's expulsion of 2 diplomats of France on 26 Dec 2023, not answered yet",
    );
  });
});

describe('dates with nothing to show', () => {
  it('lists nothing as of a day before the first incident, and says which day the first one counts from', async () => {
    const list = await get('/relations?asOf=2023-01-01');

    expect(list).toMatchObject({ total: 0, items: [], firstIncidentOn: '2023-07-02' });
  });

  it('refuses an asOf in the future with problem+json naming asOf, and records nothing', async () => {
    const events = countEvents(t.file);

    await expectProblem('/relations/AZE/FRA?asOf=2024-02-01', 'asOf', /must not be in the future/);
    await expectProblem('/relations?asOf=2025', 'asOf', /must not be in the future/);
    // Today and this month have begun: they are fine.
    await get('/relations/AZE/FRA?asOf=2024-01-20');
    await get('/relations?asOf=2024-01');
    expect(countEvents(t.file)).toBe(events);
  });

  it('refuses months it cannot read or that are not there yet, naming the parameter and the rule', async () => {
    await expectProblem('/relations/AZE/FRA/months?from=2023-13', 'from', /must be a month, YYYY-MM/);
    await expectProblem('/relations/AZE/FRA/months?from=2023-12-01', 'from', /must be a month, YYYY-MM/);
    await expectProblem('/relations/AZE/FRA/months?to=2024-02', 'to', /must not be after the current month \(2024-01\)/);
    await expectProblem('/relations/AZE/FRA/months?from=2023-12&to=2023-11', 'to', /must not be before from/);
    await expectProblem('/relations/AZE/FRA/months?from=1900-01&to=2024-01', 'from', /more than 600 months/);
    await expectProblem('/relations/AZE/FRA/months?knownAt=someday', 'knownAt', /./);
    const unknown = await t.request('GET', '/relations/AZE/JPN/months');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
