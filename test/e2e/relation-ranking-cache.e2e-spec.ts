import { jest } from '@jest/globals';
import { relationStreamId } from '../../src/domain/relation-pair.js';
import { RelationIndex } from '../../src/domain/relation-index.js';
import { RelationCommandHandler } from '../../src/incidents/relation-command-handler.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { importedAssault } from '../support/imported-assault.js';
import { wireReport as report } from '../support/accusation.js';

/**
 * Pages of relations slice a ranking of every pair that is kept between requests
 * (src/projections/pair-rankings.ts). Whatever is recorded — a new report, a correction, a
 * retraction, a corroboration — must reorder the very next page, and a ranking of "now" must not
 * outlive its minute: after each, a server that has been answering all along answers what a server
 * started afresh on the same log answers.
 */

const NOW = '2024-06-01T12:00:00.000Z';
// Pages at a fixed instant keep their pairs' whole descriptions while their ranking holds (kept-descriptions.ts).
const PAGES = ['/relations?limit=2', '/relations?limit=2&offset=2', '/relations/overview?limit=3&days=10', '/relations?limit=3&asOf=2024-05-31', '/relations/overview?limit=3&days=10&asOf=2024-05-31'];

const clock = fixedClock(NOW);
let live: TestApp;

beforeEach(async () => {
  clock.set(NOW);
  // These pin down when a request ranks; ranking ahead on a timer (ranking-ahead.ts) has its own spec, and would rank at moments these do not choose.
  live = await startTestApp({ clock, app: { rankingAhead: false } });
});
afterEach(async () => {
  jest.restoreAllMocks();
  await live.close();
});

async function post(path: string, body: object): Promise<string> {
  const response = await live.request('POST', path, body);
  expect([path, response.status]).toEqual([path, 201]);
  return response.json.incidentId as string;
}

/** A machine-coded assault between ARM and FRA, as the importer sends it; a second source for the same event corroborates it. */
async function importAssault(row: string, url: string, recordedAt: string): Promise<string> {
  clock.set(recordedAt);
  const command = importedAssault(row, url, recordedAt);
  const outcome = await live.app.get(RelationCommandHandler).handle(relationStreamId('ARM', 'FRA'), command);
  expect((await live.request('GET', `/relations/ARM/FRA?minPosition=${outcome.position}`)).status).toBe(200);
  clock.set(NOW);
  return outcome.incidentId;
}

async function pages(t: TestApp): Promise<string[]> {
  const answers: string[] = [];
  for (const path of PAGES) answers.push((await t.request('GET', path)).text);
  return answers;
}

/** The order of the first page, as "AZE-FRA 41.2": what an analyst sees change. */
async function firstPage(t: TestApp): Promise<string[]> {
  const { items } = (await t.request('GET', '/relations?limit=4')).json as { items: Array<{ pair: string[]; escalation: { score: number } }> };
  return items.map(({ pair, escalation }) => `${pair.join('-')} ${escalation.score}`);
}

async function expectSameAsAFreshServer(): Promise<void> {
  const fresh = await startTestApp({ file: live.file, clock });
  try {
    expect(await pages(live)).toEqual(await pages(fresh));
  } finally {
    await fresh.close();
  }
}

it('reorders the next page after a new report, a correction, a retraction and a corroboration', async () => {
  const accusation = await post('/incidents', report('Accusation', 'AZE', 'FRA', '2024-05-20', 'An accusation'));
  await post('/incidents', report('Accusation', 'AZE', 'GBR', '2024-05-10', 'Another pair'));
  const threat = await post('/incidents', report('ThreatIssued', 'ARM', 'GBR', '2024-05-25', 'A threat'));
  const imported = await importAssault('1', 'https://www.news-a.example/story', '2024-05-01T12:00:00.000Z');
  const initially = await firstPage(live);
  expect(initially).toHaveLength(4);
  await expectSameAsAFreshServer();

  // Reports raise AZE-GBR above the others.
  await firstPage(live);
  for (const day of ['2024-05-28', '2024-05-29', '2024-05-30']) await post('/incidents', report('ThreatIssued', 'GBR', 'AZE', day, `A threat on ${day}`));
  const afterReports = await firstPage(live);
  expect(afterReports[0]).toMatch(/^AZE-GBR /);
  await expectSameAsAFreshServer();

  // A correction dates the ARM-GBR threat a year earlier: it has decayed to almost nothing.
  await post(`/incidents/${threat}/correction`, { occurredOn: '2023-05-25', reason: 'Dated wrongly' });
  const afterCorrection = await firstPage(live);
  expect(afterCorrection).not.toEqual(afterReports);
  await expectSameAsAFreshServer();

  // A retraction takes AZE-FRA off the list.
  await post(`/incidents/${accusation}/retraction`, { reason: 'Fabricated' });
  const afterRetraction = await firstPage(live);
  expect(afterRetraction.some((line) => line.startsWith('AZE-FRA '))).toBe(false);
  await expectSameAsAFreshServer();

  // A second independent source doubles the imported assault's weight: ARM-FRA's score rises.
  expect(await importAssault('2', 'https://www.other-paper.example/report', '2024-05-02T09:00:00.000Z')).toBe(imported);
  const afterCorroboration = await firstPage(live);
  const scoreOf = (lines: string[]) => Number(lines.find((line) => line.startsWith('ARM-FRA '))!.split(' ')[1]);
  expect(scoreOf(afterCorroboration)).toBeGreaterThan(scoreOf(afterRetraction));
  await expectSameAsAFreshServer();
}, 90_000);

it('ranks again once the log advances or a minute has passed, and not before', async () => {
  await post('/incidents', report('Accusation', 'AZE', 'FRA', '2024-05-20', 'An accusation'));
  await post('/incidents', report('ThreatIssued', 'ARM', 'GBR', '2024-05-25', 'A threat'));
  // Ranking scores every pair at the instant alone (scoreAt); describing a page's pairs does not call it.
  const scoreAt = jest.spyOn(RelationIndex.prototype, 'scoreAt');
  const rankings = () => scoreAt.mock.calls.length;

  await firstPage(live);
  const once = rankings();
  expect(once).toBe(2);
  clock.set('2024-06-01T12:00:59.000Z');
  await firstPage(live);
  expect(rankings()).toBe(once);

  clock.set('2024-06-01T12:01:00.000Z');
  await firstPage(live);
  expect(rankings()).toBe(2 * once);

  await post('/incidents', report('Accusation', 'AZE', 'GBR', '2024-05-10', 'A third pair'));
  await firstPage(live);
  expect(rankings()).toBe(2 * once + 3);

  // Days later the decayed scores are those of a fresh server's ranking.
  clock.set('2024-07-15T00:00:00.000Z');
  await expectSameAsAFreshServer();
}, 60_000);

it('keeps one ranking per evidence filter: analysts-only and imports-only pages differ, each as a fresh server gives it', async () => {
  await post('/incidents', report('Accusation', 'AZE', 'FRA', '2024-05-20', 'An analyst report'));
  await importAssault('7', 'https://www.news-a.example/story', '2024-05-01T12:00:00.000Z');
  const pairsOf = async (t: TestApp, provenance: string) =>
    ((await t.request('GET', `/relations?limit=10&provenance=${provenance}`)).json as { items: Array<{ pair: string[] }> }).items.map(({ pair }) => pair.join('-'));

  expect(await pairsOf(live, 'analyst')).toEqual(['AZE-FRA']);
  // Asked second, the imports-only ranking must not be the analysts-only one kept a moment ago.
  expect(await pairsOf(live, 'imported')).toEqual(['ARM-FRA']);
  expect(await pairsOf(live, 'analyst,imported')).toEqual(expect.arrayContaining(['AZE-FRA', 'ARM-FRA']));
  const fresh = await startTestApp({ file: live.file, clock });
  try {
    for (const provenance of ['imported', 'analyst']) expect(await pairsOf(live, provenance)).toEqual(await pairsOf(fresh, provenance));
  } finally {
    await fresh.close();
  }
});
