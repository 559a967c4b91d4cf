import { get } from 'node:http';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Relation views are kept serialised (relation-view-kept.ts): a current view for at most one
 * second, a view fixed at an instant until the pair's stream moves. What is answered from them
 * must be what a server that kept nothing answers at the instant the view states, and never
 * older than the rule allows.
 */

const T = Date.parse('2024-06-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const VIEW = '/relations/AZE/FRA';
const PAST = '/relations/AZE/FRA?asOf=2024-05-31';
const SETTLED = '/relations/AZE/FRA?knownAt=2024-05-31';

const report = (occurredOn: string, summary: string) => ({ type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn, summary, sources: [{ publisher: 'Wire service' }] });

let live: TestApp;
const clock = fixedClock(iso(T));

beforeEach(async () => {
  clock.set(iso(T));
  live = await startTestApp({ clock });
  expect((await live.request('POST', '/incidents', report('2024-05-10', 'A first accusation'))).status).toBe(201);
  expect((await live.request('POST', '/incidents', report('2024-05-30', 'A second accusation'))).status).toBe(201);
});
afterEach(async () => {
  await live.close();
});

/** The status of a GET sent through node:http, which (unlike fetch) sends the Host header given. */
function statusOf(base: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
    }).on('error', reject);
  });
}

/** What a server started afresh on the same log, keeping nothing yet, answers at the live clock's instant. */
async function freshAnswer(path: string): Promise<string> {
  const fresh = await startTestApp({ file: live.file, clock });
  try {
    return (await fresh.request('GET', path)).text;
  } finally {
    await fresh.close();
  }
}

it('answers a current view again for at most one second: its `at` is never older than that, and it is what was true then', async () => {
  const first = await live.request('GET', VIEW);
  expect(first.json.at).toBe(iso(T));

  for (const offset of [1, 250, 999]) {
    clock.set(iso(T + offset));
    const again = await live.request('GET', VIEW);
    expect(again.text).toBe(first.text);
  }
  for (const offset of [1_000, 1_500, 1_999, 2_000, 3_500, 60_000]) {
    clock.set(iso(T + offset));
    const later = await live.request('GET', VIEW);
    const age = T + offset - Date.parse(later.json.at);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(1_000);
  }
  // What was kept equals, byte for byte, what a server computing afresh answers at the instant it states.
  clock.set(iso(T + 60_500));
  const kept = await live.request('GET', VIEW);
  expect(kept.json.at).toBe(iso(T + 60_000));
  clock.set(iso(T + 60_000));
  expect(await freshAnswer(VIEW)).toBe(kept.text);
});

it('answers anew after anything is recorded for the pair: a report, a correction, a retraction', async () => {
  const views = [await live.request('GET', VIEW), await live.request('GET', PAST), await live.request('GET', SETTLED)].map((r) => r.text);

  // Within the same instant, so only the write can make the answers move.
  const late = await live.request('POST', '/incidents', report('2024-05-20', 'A late report of an earlier accusation'));
  expect(late.status).toBe(201);
  const afterReport = await live.request('GET', VIEW);
  expect(afterReport.text).not.toBe(views[0]);
  expect(afterReport.json.incidentCount).toBe(3);
  // A view of the past as now known moves (the late report occurred before asOf); knownAt of a day already past does not.
  expect((await live.request('GET', PAST)).text).not.toBe(views[1]);
  expect((await live.request('GET', SETTLED)).text).toBe(views[2]);
  expect((await live.request('GET', VIEW)).text).toBe(await freshAnswer(VIEW));
  expect((await live.request('GET', PAST)).text).toBe(await freshAnswer(PAST));

  const beforeCorrection = (await live.request('GET', VIEW)).text;
  const corrected = await live.request('POST', `/incidents/${late.json.incidentId as string}/correction`, { occurredOn: '2024-05-21', reason: 'The wire dated it a day early' });
  expect(corrected.status).toBe(201);
  const afterCorrection = (await live.request('GET', VIEW)).text;
  expect(afterCorrection).not.toBe(beforeCorrection);
  expect(afterCorrection).toBe(await freshAnswer(VIEW));
  expect((await live.request('GET', PAST)).text).toBe(await freshAnswer(PAST));

  const retracted = late.json.incidentId as string;
  expect((await live.request('POST', `/incidents/${retracted}/retraction`, { reason: 'Fabricated' })).status).toBe(201);
  const afterRetraction = await live.request('GET', VIEW);
  expect(afterRetraction.json.incidentCount).toBe(2);
  expect(afterRetraction.text).toBe(await freshAnswer(VIEW));
  expect((await live.request('GET', PAST)).text).toBe(await freshAnswer(PAST));
});

it('keeps a view of a settled past with its caching headers, and refuses a kept asOf once the clock is before it', async () => {
  const first = await live.request('GET', SETTLED);
  const again = await live.request('GET', SETTLED);
  expect(again.text).toBe(first.text);
  expect(again.headers.get('cache-control')).toBe('max-age=86400, immutable');
  expect((await live.request('GET', SETTLED, undefined, { 'if-none-match': first.headers.get('etag')! })).status).toBe(304);

  expect((await live.request('GET', PAST)).status).toBe(200);
  // A clock set back (an operator's correction): asOf is now tomorrow, and the kept view must not answer for it.
  clock.set('2024-05-30T12:00:00.000Z');
  const refused = await live.request('GET', PAST);
  expect(refused.status).toBe(400);
  expect(refused.headers.get('content-type')).toContain('application/problem+json');
  expect(refused.json.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
});

it('still counts kept views against the rate limit and keeps the security headers and the Host check on them', async () => {
  const limited = await startTestApp({ file: live.file, clock, app: { rateLimit: { writesPerMinute: 5, readsPerMinute: 3 } } });
  try {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limited.request('GET', VIEW));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(answers[2].text).toBe(answers[1].text);
    expect(answers[3].headers.get('content-type')).toContain('application/problem+json');
    for (const answer of answers) {
      expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  } finally {
    await limited.close();
  }
  await live.request('GET', VIEW);
  expect(await statusOf(live.url, VIEW, { host: 'demarche.example' })).toBe(403);
  expect(await statusOf(live.url, VIEW, {})).toBe(200);
});

it('keeps a list of pairs under the same rule, with the whole log in place of the pair: a report on another pair answers anew', async () => {
  const LIST = '/relations';
  const PAGE = '/relations?limit=1&asOf=2024-05-31';
  const first = await live.request('GET', LIST);
  const page = await live.request('GET', PAGE);
  clock.set(iso(T + 999));
  expect((await live.request('GET', LIST)).text).toBe(first.text);
  expect((await live.request('GET', PAGE)).text).toBe(page.text);

  const elsewhere = await live.request('POST', '/incidents', { ...report('2024-05-29', 'An accusation between two other countries'), actor: 'GBR', target: 'RUS' });
  expect(elsewhere.status).toBe(201);
  const afterReport = await live.request('GET', LIST);
  expect(afterReport.json.at).toBe(iso(T + 999));
  expect(afterReport.json.total).toBe(first.json.total + 1);
  expect(afterReport.text).toBe(await freshAnswer(LIST));
  const pageAfter = await live.request('GET', PAGE);
  expect(pageAfter.json.total).toBe(page.json.total + 1);
  expect(pageAfter.text).toBe(await freshAnswer(PAGE));

  clock.set(iso(T + 2_500));
  expect((await live.request('GET', LIST)).json.at).toBe(iso(T + 2_500));
  // CSV is worked out each time, and never answered from a kept JSON list.
  const csv = await live.request('GET', `${LIST}?format=csv`);
  expect(csv.headers.get('content-type')).toContain('text/csv');
});

it('answers anew when an incident comes due within the second, before the second is out', async () => {
  // Recorded at noon for "today": it counts from 06:00, midway through the part of the day it can have happened in.
  const recorded = await live.request('POST', '/incidents', { ...report('2024-06-01', 'An accusation made this morning'), target: 'GBR' });
  expect(recorded.status).toBe(201);
  // A clock set back past that instant (another server's clock, an operator's correction): the incident is not due yet.
  clock.set('2024-06-01T05:59:59.500Z');
  const before = await live.request('GET', '/relations/AZE/GBR');
  expect(before.json.at).toBe('2024-06-01T05:59:59.500Z');
  clock.set('2024-06-01T05:59:59.999Z');
  expect((await live.request('GET', '/relations/AZE/GBR')).text).toBe(before.text);
  clock.set('2024-06-01T06:00:00.000Z');
  const due = await live.request('GET', '/relations/AZE/GBR');
  expect(due.json.at).toBe('2024-06-01T06:00:00.000Z');
  expect(due.json.escalation.score).toBeGreaterThan(before.json.escalation.score);
  expect(due.text).toBe(await freshAnswer('/relations/AZE/GBR'));
});
