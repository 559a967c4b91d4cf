import { countEvents, fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * Corrections and retractions are later facts about an incident, never edits of it: the original
 * report stays in the log, the current view shows the amended story, and a view as known before
 * the amendment shows what was believed then.
 */

const clock = fixedClock('2023-12-26T18:00:00.000Z');
let t: TestApp;
/** Both recorded in `beforeEach`: an expulsion on 26 December and an accusation on 27 December. */
let expulsion: { incidentId: string; eventId: string; position: string };
let accusation: { incidentId: string; eventId: string; position: string };

const EXPULSION = {
  type: 'DiplomatsExpelled',
  actor: 'AZE',
  target: 'FRA',
  occurredOn: '2023-12-26',
  summary: 'Baku expels two French diplomats',
  sources: [{ publisher: 'Wire service', url: 'https://example.org/1' }],
  details: { diplomats: 2, deadlineHours: 48 },
};

async function send(recordedAt: string, method: string, path: string, body?: unknown): Promise<TestResponse> {
  clock.set(recordedAt);
  return t.request(method, path, body);
}

async function sendOk(recordedAt: string, method: string, path: string, body?: unknown) {
  const response = await send(recordedAt, method, path, body);
  expect(response.status).toBe(method === 'GET' ? 200 : 201);
  return response;
}

beforeEach(async () => {
  t = await startTestApp({ clock });
  expulsion = (await sendOk('2023-12-26T18:00:00Z', 'POST', '/incidents', EXPULSION)).json;
  accusation = (
    await sendOk('2023-12-27T09:00:00Z', 'POST', '/incidents', {
      ...EXPULSION,
      type: 'Accusation',
      occurredOn: '2023-12-27',
      summary: 'Baku accuses Paris of espionage',
      details: { speaker: 'Foreign ministry' },
    })
  ).json;
});

afterEach(async () => {
  await t.close();
});

const view = (query = '') => t.request('GET', `/relations/AZE/FRA${query}`);
const events = async () => (await t.request('GET', '/events')).json.events as { type: string; data: Record<string, any> }[];

describe('correcting an incident', () => {
  it('amends the current view and keeps the original report in the log; the view as known before is unchanged', async () => {
    const knownBefore = await view('?knownAt=2023-12-28T09:00:00Z');
    const eventsBefore = countEvents(t.file);

    const response = await send('2023-12-28T10:00:00Z', 'POST', `/incidents/${expulsion.incidentId}/correction`, {
      occurredOn: '2023-12-22',
      details: { diplomats: 4, deadlineHours: 48 },
      reason: 'The ministry’s statement gives the earlier date and four names',
    });

    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      incidentId: expulsion.incidentId,
      recordedType: 'IncidentCorrected',
      streamId: 'relation-AZE-FRA',
      revision: 2,
      recordedAt: '2023-12-28T10:00:00.000Z',
    });
    expect(countEvents(t.file)).toBe(eventsBefore + 1);

    const now = await view();
    expect(now.json.sides[0]).toMatchObject({ country: 'AZE', diplomatsExpelled: 4, expulsions: 1 });
    expect(now.json.firstIncident).toEqual({ incidentId: expulsion.incidentId, type: 'DiplomatsExpelled', occurredOn: '2023-12-22', countsFrom: '2023-12-22' });

    const knownAfter = await view('?knownAt=2023-12-28T09:00:00Z');
    expect(knownAfter.text).toBe(knownBefore.text);
    expect(knownAfter.json.sides[0]).toMatchObject({ diplomatsExpelled: 2 });
    expect(knownAfter.json.firstIncident.occurredOn).toBe('2023-12-26');

    // On 23 December the expulsion had happened — as we now know, not as we knew before the correction.
    expect((await view('?asOf=2023-12-23')).json.countsByType).toEqual({ DiplomatsExpelled: 1 });
    expect((await view('?asOf=2023-12-23&knownAt=2023-12-28T09:00:00Z')).json.countsByType).toEqual({});

    const incident = await t.request('GET', `/incidents/${expulsion.incidentId}`);
    expect(incident.json).toMatchObject({
      occurredOn: '2023-12-22',
      precision: 'day',
      details: { diplomats: 4, deadlineHours: 48 },
      summary: EXPULSION.summary,
      recordedAt: '2023-12-26T18:00:00.000Z',
      eventId: expulsion.eventId,
      retracted: false,
      amendments: [
        {
          type: 'IncidentCorrected',
          incidentId: expulsion.incidentId,
          // Only what changed: the precision is still a day.
          changes: { occurredOn: '2023-12-22', details: { diplomats: 4, deadlineHours: 48 } },
          reason: 'The ministry’s statement gives the earlier date and four names',
          recordedAt: '2023-12-28T10:00:00.000Z',
        },
      ],
    });

    const log = await events();
    expect(log.map((event) => event.type)).toEqual(['DiplomatsExpelled', 'Accusation', 'IncidentCorrected']);
    expect(log[0].data).toMatchObject({ occurredOn: '2023-12-26', details: { diplomats: 2, deadlineHours: 48 } });
    expect(log[2].data).toEqual({
      incidentId: expulsion.incidentId,
      changes: { occurredOn: '2023-12-22', details: { diplomats: 4, deadlineHours: 48 } },
      reason: 'The ministry’s statement gives the earlier date and four names',
      recordedAt: '2023-12-28T10:00:00.000Z',
    });
  });

  it('records only the fields that change, with the new precision when the date becomes vaguer', async () => {
    const reworded = await send('2023-12-28T10:00:00Z', 'POST', `/incidents/${expulsion.incidentId}/correction`, {
      occurredOn: '2023-12-26',
      summary: 'Baku expels two French embassy staff',
      reason: 'Better wording',
    });
    const vaguer = await send('2023-12-28T11:00:00Z', 'POST', `/incidents/${expulsion.incidentId}/correction`, {
      occurredOn: '2023-12',
      reason: 'The day given was the announcement, not the expulsion',
    });

    expect([reworded.status, vaguer.status]).toEqual([201, 201]);
    const log = await events();
    expect(log[2].data.changes).toEqual({ summary: 'Baku expels two French embassy staff' });
    expect(log[3].data.changes).toEqual({ occurredOn: '2023-12', precision: 'month' });
    // Counted from the middle of the part of December it can have happened in: from the 1st to when it was
    // first recorded, 26 December at 18:00 — so from 13 December 21:00, not from the middle of the month.
    expect((await view('?asOf=2023-12-13T20:59:59.999Z')).json.incidentCount).toBe(0);
    expect((await view('?asOf=2023-12-13T21:00:00Z')).json.incidentCount).toBe(1);
  });
});

describe('retracting an incident', () => {
  it('removes it from the current view and listings, keeps it in the log and in the view as known before', async () => {
    const knownBefore = await view('?knownAt=2023-12-28');
    const timelineBefore = await t.request('GET', '/relations/AZE/FRA/timeline?from=2023-12-20&to=2023-12-31&knownAt=2023-12-28');
    const eventsBefore = countEvents(t.file);

    const response = await send('2023-12-29T08:00:00Z', 'POST', `/incidents/${accusation.incidentId}/retraction`, {
      reason: 'The quoted statement was fabricated',
    });

    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ incidentId: accusation.incidentId, recordedType: 'IncidentRetracted', revision: 2 });
    expect(countEvents(t.file)).toBe(eventsBefore + 1);

    const now = await view();
    expect(now.json).toMatchObject({ incidentCount: 1, countsByType: { DiplomatsExpelled: 1 } });
    expect((await view('?knownAt=2023-12-28')).text).toBe(knownBefore.text);
    expect(knownBefore.json).toMatchObject({ incidentCount: 2, countsByType: { DiplomatsExpelled: 1, Accusation: 1 } });

    const listed = await t.request('GET', '/incidents');
    expect(listed.json.items.map((item: { incidentId: string }) => item.incidentId)).toEqual([expulsion.incidentId]);
    const incident = await t.request('GET', `/incidents/${accusation.incidentId}`);
    expect(incident.json).toMatchObject({
      retracted: true,
      summary: 'Baku accuses Paris of espionage',
      amendments: [{ type: 'IncidentRetracted', reason: 'The quoted statement was fabricated', recordedAt: '2023-12-29T08:00:00.000Z' }],
    });

    const timelineNow = await t.request('GET', '/relations/AZE/FRA/timeline?from=2023-12-20&to=2023-12-31');
    const timelineKnownBefore = await t.request('GET', '/relations/AZE/FRA/timeline?from=2023-12-20&to=2023-12-31&knownAt=2023-12-28');
    const listedIn = (response: TestResponse) =>
      response.json.points.flatMap((point: { incidents: { incidentId: string }[] }) => point.incidents.map((i) => i.incidentId));
    expect(listedIn(timelineNow)).toEqual([expulsion.incidentId]);
    expect(listedIn(timelineKnownBefore)).toEqual([expulsion.incidentId, accusation.incidentId]);
    expect(timelineKnownBefore.text).toBe(timelineBefore.text);

    const log = await events();
    expect(log.map((event) => event.type)).toEqual(['DiplomatsExpelled', 'Accusation', 'IncidentRetracted']);
    expect(log[1].data).toMatchObject({ incidentId: accusation.incidentId, summary: 'Baku accuses Paris of espionage' });
    expect(log[2].data).toEqual({ incidentId: accusation.incidentId, reason: 'The quoted statement was fabricated', recordedAt: '2023-12-29T08:00:00.000Z' });
  });
});

describe('amendments that cannot be recorded', () => {
  const UNKNOWN = '01900000-0000-7000-8000-000000000000';
  const correction = (body: Record<string, unknown>) => ({ path: () => `/incidents/${expulsion.incidentId}/correction`, body });

  const invalid: { name: string; path: () => string; body: Record<string, unknown>; status: number; field?: string }[] = [
    { name: 'an impossible date', ...correction({ occurredOn: '2023-02-30', reason: 'typo' }), status: 400, field: 'occurredOn' },
    { name: 'a date in an unknown format', ...correction({ occurredOn: '26/12/2023', reason: 'typo' }), status: 400, field: 'occurredOn' },
    { name: 'a date in the future', ...correction({ occurredOn: '2024-01-05', reason: 'typo' }), status: 400, field: 'occurredOn' },
    { name: 'a details key the type does not have', ...correction({ details: { diplomats: 2, motive: 'spying' }, reason: 'more detail' }), status: 400, field: 'details.motive' },
    { name: 'details of the wrong shape', ...correction({ details: { diplomats: 'two' }, reason: 'more detail' }), status: 400, field: 'details.diplomats' },
    { name: 'details missing a required key', ...correction({ details: { deadlineHours: 24 }, reason: 'more detail' }), status: 400, field: 'details.diplomats' },
    { name: 'an empty reason', ...correction({ summary: 'Two diplomats expelled', reason: '' }), status: 400, field: 'reason' },
    { name: 'no reason', ...correction({ summary: 'Two diplomats expelled' }), status: 400, field: 'reason' },
    { name: 'a field that cannot be corrected', ...correction({ type: 'Accusation', reason: 'wrong type' }), status: 400, field: 'type' },
    { name: 'nothing to correct', ...correction({ reason: 'just because' }), status: 400 },
    { name: 'an incident id that is not a UUID', path: () => '/incidents/not-a-uuid/correction', body: { summary: 'x', reason: 'x' }, status: 400, field: 'incidentId' },
    { name: 'an unknown incident', path: () => `/incidents/${UNKNOWN}/correction`, body: { summary: 'x', reason: 'x' }, status: 404 },
    { name: 'a retraction of an unknown incident', path: () => `/incidents/${UNKNOWN}/retraction`, body: { reason: 'hoax' }, status: 404 },
    { name: 'a retraction with an empty reason', path: () => `/incidents/${expulsion.incidentId}/retraction`, body: { reason: '' }, status: 400, field: 'reason' },
    { name: 'a retraction without a reason', path: () => `/incidents/${expulsion.incidentId}/retraction`, body: {}, status: 400, field: 'reason' },
    { name: 'a correction changing nothing', ...correction({ occurredOn: '2023-12-26', details: { diplomats: 2, deadlineHours: 48 }, reason: 'confirmed' }), status: 422 },
    { name: 'a correction changing nothing but the order of the keys', ...correction({ details: { deadlineHours: 48, diplomats: 2 }, reason: 'confirmed' }), status: 422 },
  ];

  it.each(invalid)('answers $status problem+json to $name, appending nothing', async ({ path, body, status, field }) => {
    const before = countEvents(t.file);

    const response = await send('2023-12-28T10:00:00Z', 'POST', path(), body);

    expectProblem(response, status, field);
    expect(countEvents(t.file)).toBe(before);
  });

  it('answers 422 to retracting an incident twice, and to correcting a retracted one', async () => {
    await sendOk('2023-12-28T10:00:00Z', 'POST', `/incidents/${accusation.incidentId}/retraction`, { reason: 'hoax' });
    const before = countEvents(t.file);

    const again = await send('2023-12-28T11:00:00Z', 'POST', `/incidents/${accusation.incidentId}/retraction`, { reason: 'still a hoax' });
    const corrected = await send('2023-12-28T11:00:00Z', 'POST', `/incidents/${accusation.incidentId}/correction`, { summary: 'x', reason: 'x' });

    expectProblem(again, 422);
    expect(again.json.detail).toMatch(/has been retracted/);
    expectProblem(corrected, 422);
    expect(countEvents(t.file)).toBe(before);
  });
});

function expectProblem(response: TestResponse, status: number, field?: string): void {
  expect({ status: response.status, body: response.json }).toMatchObject({ status, body: { status, title: expect.any(String), detail: expect.any(String) } });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  if (field !== undefined) expect(response.json.errors.map((error: { field: string }) => error.field)).toContain(field);
}
