import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * What the read side keeps between requests — a pair's indexed beliefs, its pressure as of its
 * latest incident (RelationIndex.decayedTail), serialised views of the past — must never outlive
 * what it was computed from. After each new report, correction and retraction, a server that has
 * been answering all along must answer what a server started afresh on the same log answers.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const READS = [
  '/relations/AZE/FRA',
  '/relations/AZE/FRA?asOf=2024-05-31',
  '/relations/AZE/FRA?knownAt=2024-06-01',
  '/relations?limit=2',
  '/relations/overview?days=20',
  '/relations/AZE/FRA/timeline?from=2024-05-01&to=2024-06-01',
  // Spans already past: kept while the pair's stream holds (timeline-kept.ts).
  '/relations/AZE/FRA/timeline?from=2024-05-01&to=2024-05-31',
  '/relations/AZE/FRA/timeline?from=2024-05-01&to=2024-05-31&knownAt=2024-05-31&interval=week',
];

const report = (actor: string, target: string, occurredOn: string, summary: string) => ({
  type: 'Accusation',
  actor,
  target,
  occurredOn,
  summary,
  sources: [{ publisher: 'Wire service' }],
});

async function answers(t: TestApp): Promise<string[]> {
  return Promise.all(READS.map(async (path) => (await t.request('GET', path)).text));
}

let live: TestApp;
const clock = fixedClock(NOW);

beforeEach(async () => {
  live = await startTestApp({ clock });
});
afterEach(async () => {
  await live.close();
});

async function expectSameAsAFreshServer(): Promise<void> {
  const fresh = await startTestApp({ file: live.file, clock });
  try {
    expect(await answers(live)).toEqual(await answers(fresh));
  } finally {
    await fresh.close();
  }
}

it('answers as a fresh server does after a new report, a late report, a correction and a retraction', async () => {
  const first = (await live.request('POST', '/incidents', report('AZE', 'FRA', '2024-05-10', 'First accusation'))).json.incidentId as string;
  await live.request('POST', '/incidents', report('AZE', 'GBR', '2024-05-12', 'Another pair'));
  const before = await answers(live);
  await expectSameAsAFreshServer();

  // A report that happened last: the kept index grows, and the kept pressure must move with it.
  await live.request('POST', '/incidents', report('FRA', 'AZE', '2024-05-20', 'An answer'));
  const afterReport = await answers(live);
  expect(afterReport[0]).not.toBe(before[0]);
  await expectSameAsAFreshServer();

  // A report of something earlier: the pair's index is rebuilt.
  await answers(live);
  await live.request('POST', '/incidents', report('AZE', 'FRA', '2024-05-01', 'An earlier accusation, reported late'));
  await expectSameAsAFreshServer();

  await answers(live);
  expect((await live.request('POST', `/incidents/${first}/correction`, { occurredOn: '2024-05-25', reason: 'Dated wrongly' })).status).toBe(201);
  await expectSameAsAFreshServer();

  await answers(live);
  expect((await live.request('POST', `/incidents/${first}/retraction`, { reason: 'Fabricated' })).status).toBe(201);
  const afterRetraction = await answers(live);
  expect(afterRetraction[0]).not.toBe(afterReport[0]);
  await expectSameAsAFreshServer();
}, 60_000);
