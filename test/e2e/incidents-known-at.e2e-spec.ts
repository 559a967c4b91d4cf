import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * GET /incidents?knownAt=: the incidents as Demarche knew them at the end of that date — reported
 * by then, with the corrections and retractions recorded by then — on the plain listing and on the
 * search path alike.
 */

const clock = fixedClock('2024-03-01T12:00:00.000Z');
let t: TestApp;
let corrected: string;
let later: string;

beforeAll(async () => {
  t = await startTestApp({ clock });
  const first = await t.request('POST', '/incidents', {
    type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn: '2024-02-28',
    summary: 'Baku accuses Paris of meddling', sources: [{ publisher: 'Wire' }],
  });
  corrected = first.json.incidentId;
  clock.set('2024-03-02T12:00:00.000Z');
  expect((await t.request('POST', `/incidents/${corrected}/correction`, { summary: 'Baku accuses Paris of interference', reason: 'misquoted' })).status).toBe(201);
  clock.set('2024-03-03T12:00:00.000Z');
  expect((await t.request('POST', `/incidents/${corrected}/retraction`, { reason: 'duplicate report' })).status).toBe(201);
  const second = await t.request('POST', '/incidents', {
    type: 'AmbassadorSummoned', actor: 'FRA', target: 'AZE', occurredOn: '2024-03-03',
    summary: 'Paris summons the ambassador of Azerbaijan', sources: [{ publisher: 'Wire' }],
  });
  later = second.json.incidentId;
  clock.set('2024-03-05T12:00:00.000Z');
});

afterAll(async () => {
  await t.close();
});

async function listed(query: string) {
  const response = await t.request('GET', `/incidents?${query}`);
  expect(response.status).toBe(200);
  return (response.json.items as { incidentId: string; summary: string; retracted: boolean }[]).map(({ incidentId, summary, retracted }) => ({ incidentId, summary, retracted }));
}

describe.each([
  ['the plain listing', ''],
  ['the search path', 'sort=-reported&'],
])('knownAt on %s', (_name, extra) => {
  it('shows an incident as first reported, before its correction was recorded', async () => {
    expect(await listed(`${extra}knownAt=2024-03-01`)).toEqual([{ incidentId: corrected, summary: 'Baku accuses Paris of meddling', retracted: false }]);
  });

  it('shows the correction once recorded, and not the incidents reported later', async () => {
    expect(await listed(`${extra}knownAt=2024-03-02`)).toEqual([{ incidentId: corrected, summary: 'Baku accuses Paris of interference', retracted: false }]);
  });

  it('leaves out what was retracted by then, unless retracted=include asks for it', async () => {
    expect((await listed(`${extra}knownAt=2024-03-03`)).map((i) => i.incidentId)).toEqual([later]);
    const withRetracted = await listed(`${extra}knownAt=2024-03-03&retracted=include`);
    expect(withRetracted.map((i) => [i.incidentId, i.retracted]).sort()).toEqual([[corrected, true], [later, false]].sort());
  });
});

it('finds by text an incident retracted since, as it was known then', async () => {
  expect((await listed('q=interference&knownAt=2024-03-02')).map((i) => i.incidentId)).toEqual([corrected]);
  expect(await listed('q=interference')).toEqual([]);
});

it('refuses a knownAt that is not a date, naming it', async () => {
  const response = await t.request('GET', '/incidents?knownAt=yesterday');
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json.errors).toEqual([{ field: 'knownAt', message: expect.any(String) }]);
});
