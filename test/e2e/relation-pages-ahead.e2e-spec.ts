import { jest } from '@jest/globals';
import { RelationIndex } from '../../src/domain/relation-index.js';
import { RankingAhead } from '../../src/projections/ranking-ahead.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { wireReport as report } from '../support/accusation.js';

/**
 * Work for pages of "now" done ahead of the requests or kept between them
 * (src/projections/ranking-ahead.ts, kept-next-incident.ts): the ranking of every pair redone by a
 * timer before it lapses, and the first incident of any pair coming due kept per log position.
 * Whatever is done ahead, a page must be what a server that did nothing ahead answers at the
 * instant the page states.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const PAGES = ['/relations?limit=2', '/relations?limit=2&offset=2', '/relations/overview?limit=3&days=10'];
/** Checked every 20 ms, so a spec need not wait seconds; ranked again 15 s (of the fixed clock) before a ranking lapses. */
const AHEAD = { everyMs: 20, leadMs: 15_000 };

const clock = fixedClock(NOW);
let live: TestApp;

beforeEach(async () => {
  clock.set(NOW);
  live = await startTestApp({ clock, app: { rankingAhead: AHEAD } });
  for (const [type, actor, target, day] of [
    ['Accusation', 'AZE', 'FRA', '2024-05-20'],
    ['ThreatIssued', 'ARM', 'GBR', '2024-05-25'],
    ['Accusation', 'AZE', 'GBR', '2024-05-10'],
    ['ThreatIssued', 'RUS', 'USA', '2024-05-28'],
  ]) {
    expect((await live.request('POST', '/incidents', report(type, actor, target, day, `${type} on ${day}`))).status).toBe(201);
  }
});
afterEach(async () => {
  jest.restoreAllMocks();
  await live.close();
});

/** Ranking scores every pair at the instant alone (scoreAt); describing a page's pairs does not call it. */
function countRankings() {
  const scoreAt = jest.spyOn(RelationIndex.prototype, 'scoreAt');
  return () => scoreAt.mock.calls.length;
}

async function pages(t: TestApp): Promise<string[]> {
  const answers: string[] = [];
  for (const path of PAGES) answers.push((await t.request('GET', path)).text);
  return answers;
}

async function expectSameAsAServerThatDoesNothingAhead(): Promise<void> {
  const fresh = await startTestApp({ file: live.file, clock, app: { rankingAhead: false } });
  try {
    expect(await pages(live)).toEqual(await pages(fresh));
  } finally {
    await fresh.close();
  }
}

/** Polls until `condition` holds (the timer runs every 20 ms); fails after two seconds. */
async function eventually(condition: () => boolean): Promise<void> {
  const until = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > until) throw new Error('the timer did not rank in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('ranks "now" again before the minute is out, off the request path, and pages slice that ranking', async () => {
  const rankings = countRankings();
  await pages(live);
  const once = rankings();
  expect(once).toBe(4);
  // 45 s on, the ranking (made at 12:00:00, holding to 12:01:00) is within the lead: the timer ranks again.
  clock.set('2024-06-01T12:00:45.000Z');
  await eventually(() => rankings() === 2 * once);
  clock.set('2024-06-01T12:00:50.000Z');
  await pages(live);
  expect(rankings()).toBe(2 * once);
  // The old ranking's minute is out; the one made ahead (at 12:00:45) holds, and is not yet within the lead: nobody ranks.
  clock.set('2024-06-01T12:01:00.000Z');
  expect((await live.request('GET', '/relations?limit=2')).json.at).toBe('2024-06-01T12:01:00.000Z');
  expect(rankings()).toBe(2 * once);
  // (The spy counts the fresh server's ranking too: nothing is counted after this.)
  await expectSameAsAServerThatDoesNothingAhead();
});

it('ranks again once a report lands, so the next page shows it without ranking in the request', async () => {
  const rankings = countRankings();
  await pages(live);
  const before = (await live.request('GET', '/relations?limit=5')).json as { items: Array<{ pair: string[] }>; total: number };
  expect(before.total).toBe(4);
  const counted = rankings();
  expect((await live.request('POST', '/incidents', report('ThreatIssued', 'CHN', 'IND', '2024-05-31', 'A new pair'))).status).toBe(201);
  await eventually(() => rankings() === counted + 5);
  clock.set('2024-06-01T12:00:01.000Z');
  const after = (await live.request('GET', '/relations?limit=5')).json as { items: Array<{ pair: string[] }>; total: number };
  expect(rankings()).toBe(counted + 5);
  expect(after.total).toBe(5);
  expect(after.items.map(({ pair }) => pair.join('-'))).toContain('CHN-IND');
  await expectSameAsAServerThatDoesNothingAhead();
});

it('lets a ranking that no page has read lapse: an idle server ranks nothing', async () => {
  const rankings = countRankings();
  await pages(live);
  clock.set('2024-06-01T12:00:50.000Z');
  await eventually(() => rankings() === 8);
  // The ranking made ahead at 12:00:50 has not been read; at 12:01:40 it is within the lead, and is left to lapse.
  clock.set('2024-06-01T12:01:40.000Z');
  await sleep(200);
  expect(rankings()).toBe(8);
  // Read while it still holds (the page slices it), it is ranked again ahead, once.
  await live.request('GET', '/relations?limit=2');
  await eventually(() => rankings() === 12);
  await sleep(100);
  expect(rankings()).toBe(12);
  // Unread past its minute (made at 12:01:40), it lapses; the next page ranks in the request, as before anything was ranked ahead.
  clock.set('2024-06-01T12:03:00.000Z');
  await sleep(200);
  expect(rankings()).toBe(12);
  await live.request('GET', '/relations?limit=2');
  expect(rankings()).toBe(16);
  await expectSameAsAServerThatDoesNothingAhead();
});

it('runs its timer from the start of the app to its close, and not at all when turned off', async () => {
  const ahead = live.app.get(RankingAhead);
  expect(ahead.running).toBe(true);
  await live.close();
  expect(ahead.running).toBe(false);
  live = await startTestApp({ file: live.file, clock, app: { rankingAhead: false } });
  expect(live.app.get(RankingAhead).running).toBe(false);
});

it('answers a page of now anew when an incident of any pair comes due, and after the clock is set back', async () => {
  // Recorded at noon for "today": it counts from 06:00, midway through the part of the day it can have happened in.
  expect((await live.request('POST', '/incidents', report('Accusation', 'CHN', 'IND', '2024-06-01', 'An accusation made this morning'))).status).toBe(201);
  // A clock set back past that instant (another server's clock, an operator's correction): the incident is not due yet.
  clock.set('2024-06-01T05:59:59.500Z');
  const before = await live.request('GET', '/relations?limit=10');
  expect(before.json.at).toBe('2024-06-01T05:59:59.500Z');
  clock.set('2024-06-01T05:59:59.999Z');
  expect((await live.request('GET', '/relations?limit=10')).text).toBe(before.text);
  clock.set('2024-06-01T06:00:00.000Z');
  const due = await live.request('GET', '/relations?limit=10');
  expect(due.json.at).toBe('2024-06-01T06:00:00.000Z');
  const scoreOf = (body: { items: Array<{ pair: string[]; escalation: { score: number } }> }) => body.items.find(({ pair }) => pair.join('-') === 'CHN-IND')!.escalation.score;
  expect(scoreOf(due.json)).toBeGreaterThan(scoreOf(before.json));
  // Set back again, behind the instant the next incident was last looked for from: it is looked for again, so it is still due at 06:00.
  clock.set('2024-06-01T05:59:59.200Z');
  const setBack = await live.request('GET', '/relations?limit=10');
  expect(scoreOf(setBack.json)).toBe(scoreOf(before.json));
  clock.set('2024-06-01T06:00:00.100Z');
  const dueAgain = await live.request('GET', '/relations?limit=10');
  expect(dueAgain.json.at).toBe('2024-06-01T06:00:00.100Z');
  expect(scoreOf(dueAgain.json)).toBe(scoreOf(due.json));
  await expectSameAsAServerThatDoesNothingAhead();
});
