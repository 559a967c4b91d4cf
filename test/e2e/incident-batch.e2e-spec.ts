import { parseApiKeys } from '../../src/auth/api-keys.js';
import { idsOfBatchKey } from '../../src/incidents/incident-batch.js';
import { countEvents, fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * POST /incidents/batch, the way the review page records accepted proposals: each item is a
 * report validated as POST /incidents takes it, keyed so that accepting again records nothing new,
 * and decided against its pair's rules before anything is appended — one refusal and nothing is
 * recorded.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const REPORTER = 'alice-secret-0123456789abcdef';
const READER = 'viewer-secret-0123456789abcde';
const asReporter = { authorization: `Bearer ${REPORTER}` };

let t: TestApp;

beforeEach(async () => {
  t = await startTestApp({
    clock: fixedClock(NOW),
    app: { auth: { keys: parseApiKeys(`alice:reporter:${REPORTER},viewer:reader:${READER}`), readsRequireKey: false } },
  });
});

afterEach(async () => {
  await t?.close();
});

const article = { publisher: 'Example Wire', url: 'https://example.org/2023/12/27/aze-fra', title: 'Azerbaijan expels two French diplomats', publishedOn: '2023-12-27' };

function item(key: string, overrides: Record<string, unknown> = {}) {
  return {
    key: `article:abc/${key}`,
    type: 'DiplomatsExpelled',
    actor: 'AZE',
    target: 'FRA',
    occurredOn: '2023-12-26',
    summary: 'Azerbaijan expels two French diplomats',
    sources: [article],
    details: { diplomats: 2, deadlineHours: 48 },
    ...overrides,
  };
}

const summoned = () => item('p-2', { type: 'AmbassadorSummoned', summary: 'Baku summons the French ambassador', details: { ambassadorName: 'Anne Boillon' } });
const condemned = () => item('p-3', { type: 'PublicCondemnation', actor: 'FRA', target: 'AZE', occurredOn: '2023-12-27', summary: 'Paris condemns the expulsion', details: {} });
const batch = (...incidents: unknown[]) => t.request('POST', '/incidents/batch', { incidents }, asReporter);

function expectProblem(response: TestResponse, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('POST /incidents/batch', () => {
  it('records every item through the decider, with ids derived from its key, and the article as its source', async () => {
    const response = await batch(item('p-1'), summoned(), condemned());

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ recorded: 3, alreadyRecorded: 0 });
    expect(response.json.items.map((i: { status: string; streamId: string }) => [i.status, i.streamId])).toEqual([
      ['recorded', 'relation-AZE-FRA'],
      ['recorded', 'relation-AZE-FRA'],
      ['recorded', 'relation-AZE-FRA'],
    ]);
    expect(response.json.items[0].incidentId).toBe(idsOfBatchKey('article:abc/p-1').incidentId);
    expect(countEvents(t.file)).toBe(3);

    // Read-your-writes, as POST /incidents: the incident is there as soon as the answer is.
    const recorded = await t.request('GET', `/incidents/${response.json.items[0].incidentId}`);
    expect(recorded.status).toBe(200);
    expect(recorded.json).toMatchObject({ type: 'DiplomatsExpelled', actor: 'AZE', target: 'FRA', occurredOn: '2023-12-26', sources: [article], details: { diplomats: 2, deadlineHours: 48 } });
  });

  it('records nothing new when the same items are accepted again, and says so', async () => {
    await batch(item('p-1'), summoned());
    const again = await batch(item('p-1'), summoned());

    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ recorded: 0, alreadyRecorded: 2 });
    expect(again.json.items.map((i: { status: string }) => i.status)).toEqual(['alreadyRecorded', 'alreadyRecorded']);
    expect(countEvents(t.file)).toBe(2);
  });

  it('records only the new item of a batch that repeats earlier ones, even one edited to another pair since', async () => {
    await batch(item('p-1'));
    const edited = item('p-1', { target: 'DEU', summary: 'Azerbaijan expels two German diplomats' });
    const response = await batch(edited, summoned());

    expect(response.status).toBe(200);
    expect(response.json.items.map((i: { status: string; streamId: string }) => [i.status, i.streamId])).toEqual([
      ['alreadyRecorded', 'relation-AZE-FRA'],
      ['recorded', 'relation-AZE-FRA'],
    ]);
    expect(countEvents(t.file)).toBe(2);
  });

  it('records nothing when the rules refuse any item, and names each refused item with the reason', async () => {
    const restored = item('p-9', { type: 'DiplomaticRelationsRestored', actor: 'DEU', target: 'ITA', summary: 'Berlin and Rome restore relations', details: {} });
    const response = await batch(item('p-1'), restored, condemned());

    expectProblem(response, 422);
    expect(response.json.refused).toEqual([{ field: 'incidents[1]', index: 1, key: 'article:abc/p-9', reason: expect.stringMatching(/DiplomaticRelationsRestored/) }]);
    expect(response.json.detail).toMatch(/^Nothing was recorded: incidents\[1\]: /);
    expect(countEvents(t.file)).toBe(0);
  });

  it('decides a reply after what it answers, even listed first and dated only to the month', async () => {
    const reply = item('p-4', { type: 'ReciprocalExpulsion', actor: 'FRA', target: 'AZE', occurredOn: '2023-12', summary: 'France expels two Azerbaijani diplomats in response', details: { diplomats: 2 } });
    const response = await batch(reply, item('p-1'));

    expect(response.status).toBe(200);
    expect(response.json.items.map((i: { recordedType: string }) => i.recordedType)).toEqual(['ReciprocalExpulsion', 'DiplomatsExpelled']);
  });

  it('rejects a bad item with 400 naming incidents[i].field, and records none of the others', async () => {
    const response = await batch(item('p-1'), item('p-2', { actor: 'XXX', details: { diplomats: 0 } }), item('p-3', { occurredOn: '2024-07-01' }));

    expectProblem(response, 400);
    const fields = response.json.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['incidents[1].actor', 'incidents[1].details.diplomats']));
    expect(countEvents(t.file)).toBe(0);
    // Dates after the clock's date are refused with the item's path too.
    const future = await batch(item('p-3', { occurredOn: '2024-07-01' }));
    expect(future.json.errors).toEqual([{ field: 'incidents[0].occurredOn', message: '2024-07-01 is in the future' }]);
  });

  it('rejects a key given twice, an empty batch, an unknown field and a missing key', async () => {
    const twice = await batch(item('p-1'), item('p-1', { summary: 'Another' }));
    expectProblem(twice, 400);
    expect(twice.json.errors).toEqual([{ field: 'incidents[1].key', message: 'repeats the key of incidents[0]: each item records one incident' }]);

    const empty = await batch();
    expectProblem(empty, 400);
    expect(empty.json.errors[0].field).toBe('incidents');

    const unknown = await batch({ ...item('p-1'), proposalId: 'p-1' });
    expect(unknown.json.errors).toEqual([{ field: 'incidents[0].proposalId', message: 'is not a known field' }]);

    const { key: _key, ...keyless } = item('p-1');
    const missing = await batch(keyless);
    expect(missing.json.errors.map((e: { field: string }) => e.field)).toContain('incidents[0].key');
    expect(countEvents(t.file)).toBe(0);
  });

  it('needs a reporter key', async () => {
    const anonymous = await t.request('POST', '/incidents/batch', { incidents: [item('p-1')] });
    const reader = await t.request('POST', '/incidents/batch', { incidents: [item('p-1')] }, { authorization: `Bearer ${READER}` });
    expectProblem(anonymous, 401);
    expectProblem(reader, 403);
    expect(countEvents(t.file)).toBe(0);
  });
});
