import { parse } from 'csv-parse/sync';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A timeline point counts every incident arriving at it and lists the heaviest three by default
 * (what the chart's tooltip shows), all of them on request, or none: a busy pair's year used to be
 * every incident document of the year in one response.
 */

const statement = (type: string, summary: string) => ({
  type,
  actor: 'AZE',
  target: 'FRA',
  occurredOn: '2024-05-10',
  summary,
  sources: [{ publisher: 'Wire service' }],
});

let t: TestApp;
const ids = new Map<string, string>();

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock('2024-06-01T12:00:00.000Z') });
  // Threats weigh 4.4, accusations 2 (Goldstein); all by one side, so every multiplier is 1.
  for (const [type, summary] of [
    ['Accusation', 'first accusation'],
    ['ThreatIssued', 'first threat'],
    ['Accusation', 'second accusation'],
    ['ThreatIssued', 'second threat'],
    ['Accusation', 'third accusation'],
  ]) {
    const response = await t.request('POST', '/incidents', statement(type, summary));
    expect(response.status).toBe(201);
    ids.set(summary, response.json.incidentId);
  }
});
afterAll(async () => {
  await t.close();
});

const SPAN = '/relations/AZE/FRA/timeline?from=2024-05-09&to=2024-05-12';
interface Point {
  at: string;
  incidentCount: number;
  incidents: Array<{ summary: string }>;
}
const busyDay = (points: Point[]) => points.find((point) => point.at === '2024-05-11T00:00:00.000Z')!;

it('lists the three heaviest of a busy day, in the order they arrived, and counts all five', async () => {
  const { points } = (await t.request('GET', SPAN)).json;

  expect(busyDay(points).incidentCount).toBe(5);
  // Both threats, then the earliest of the equally weighed accusations; shown in arrival order.
  expect(busyDay(points).incidents.map((incident) => incident.summary)).toEqual(['first accusation', 'first threat', 'second threat']);
  for (const point of points.filter((p: { at: string }) => p.at !== '2024-05-11T00:00:00.000Z')) expect(point).toMatchObject({ incidentCount: 0, incidents: [] });
});

it('lists every incident with incidents=all and none with incidents=none, with the same scores', async () => {
  const top = (await t.request('GET', SPAN)).json;
  const all = (await t.request('GET', `${SPAN}&incidents=all`)).json;
  const none = (await t.request('GET', `${SPAN}&incidents=none`)).json;

  expect(busyDay(all.points).incidents.map((incident) => incident.summary)).toEqual(['first accusation', 'first threat', 'second accusation', 'second threat', 'third accusation']);
  expect(busyDay(none.points)).toMatchObject({ incidentCount: 5, incidents: [] });
  const figures = (body: { points: Array<{ at: string; score: number; level: string; incidentCount: number }> }) => body.points.map(({ at, score, level, incidentCount }) => ({ at, score, level, incidentCount }));
  expect(figures(all)).toEqual(figures(top));
  expect(figures(none)).toEqual(figures(top));
  // What the listed incidents say is what the full listing says of them.
  const byId = new Map(busyDay(all.points).incidents.map((incident) => [JSON.stringify(incident), incident]));
  for (const incident of busyDay(top.points).incidents) expect(byId.has(JSON.stringify(incident))).toBe(true);
});

it('exports every incident id to CSV unless asked otherwise', async () => {
  const rows = (path: string) => t.request('GET', path).then((response) => parse(response.text, { columns: true }) as Record<string, string>[]);
  const exported = (await rows(`${SPAN}&format=csv`)).find((row) => row.at === '2024-05-11T00:00:00.000Z')!;
  const topOnly = (await rows(`${SPAN}&format=csv&incidents=top`)).find((row) => row.at === '2024-05-11T00:00:00.000Z')!;

  expect(exported.incident_count).toBe('5');
  expect(exported.incident_ids.split(' ')).toEqual([...ids.values()]);
  expect(topOnly.incident_count).toBe('5');
  expect(topOnly.incident_ids.split(' ')).toEqual([ids.get('first accusation'), ids.get('first threat'), ids.get('second threat')]);
});

it('names the field and the rule of a bad listing', async () => {
  const response = await t.request('GET', `${SPAN}&incidents=some`);

  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json.errors).toEqual([expect.objectContaining({ field: 'incidents', message: expect.stringContaining('top, all, none') })]);
});
