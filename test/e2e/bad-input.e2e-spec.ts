import { countEvents, fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * Every malformed request gets an RFC 9457 problem the client can act on — the status, what was
 * wrong and, for validation, which field — never a stack trace, and never an appended event.
 */

const NOW = '2024-06-01T12:00:00.000Z';

const valid = {
  type: 'DiplomatsExpelled',
  actor: 'AZE',
  target: 'FRA',
  occurredOn: '2024-05-20',
  summary: 'Azerbaijan expels two French diplomats',
  sources: [{ url: 'https://example.org/news/1', publisher: 'Example News' }],
  details: { diplomats: 2 },
};

const withoutKey = (key: keyof typeof valid) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));

interface BadRequest {
  name: string;
  method?: 'GET' | 'POST';
  path?: string;
  /** An object is sent as JSON, a string as is. */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  /** The field (or parameter) the `errors` list must name. */
  field?: string;
}

const badReports: BadRequest[] = [
  { name: 'an unknown field', body: { ...valid, colour: 'red' }, status: 400, field: 'colour' },
  { name: 'an unknown country code', body: { ...valid, actor: 'XXX' }, status: 400, field: 'actor' },
  { name: 'a lower-case country code', body: { ...valid, target: 'fra' }, status: 400, field: 'target' },
  { name: 'the same country as actor and target', body: { ...valid, target: 'AZE' }, status: 400, field: 'target' },
  { name: 'malformed JSON', body: '{"type": "DiplomatsExpelled",', status: 400 },
  { name: 'a text/plain body', body: JSON.stringify(valid), headers: { 'content-type': 'text/plain' }, status: 415 },
  { name: 'a body over 64 KiB', body: { ...valid, summary: 'x'.repeat(65 * 1024) }, status: 413 },
  { name: 'an impossible date', body: { ...valid, occurredOn: '2023-02-30' }, status: 400, field: 'occurredOn' },
  { name: 'a date in a format not accepted', body: { ...valid, occurredOn: '20/05/2024' }, status: 400, field: 'occurredOn' },
  { name: 'a date next year', body: { ...valid, occurredOn: '2025' }, status: 400, field: 'occurredOn' },
  { name: 'a date tomorrow', body: { ...valid, occurredOn: '2024-06-02' }, status: 400, field: 'occurredOn' },
  { name: 'no sources', body: withoutKey('sources'), status: 400, field: 'sources' },
  { name: 'an empty list of sources', body: { ...valid, sources: [] }, status: 400, field: 'sources' },
  { name: 'a source with neither url nor publisher', body: { ...valid, sources: [{ title: 'Untraceable' }] }, status: 400, field: 'sources[0].url' },
  { name: 'a source url that is not http(s)', body: { ...valid, sources: [{ url: 'javascript:alert(1)' }] }, status: 400, field: 'sources[0].url' },
  { name: 'diplomats given as words', body: { ...valid, details: { diplomats: 'two' } }, status: 400, field: 'details.diplomats' },
  { name: 'details without the number of diplomats', body: { ...valid, details: {} }, status: 400, field: 'details.diplomats' },
  { name: 'an expulsion without details', body: withoutKey('details'), status: 400, field: 'details' },
  { name: 'an unknown key in details', body: { ...valid, details: { diplomats: 2, reason: 'spying' } }, status: 400, field: 'details.reason' },
  { name: 'null for an optional detail', body: { ...valid, details: { diplomats: 2, deadlineHours: null } }, status: 400, field: 'details.deadlineHours' },
  { name: 'details on a type that has none', body: { ...valid, type: 'AmbassadorRecalled', details: { diplomats: 2 } }, status: 400, field: 'details.diplomats' },
  { name: 'an unknown incident type', body: { ...valid, type: 'Invasion' }, status: 400, field: 'type' },
  { name: 'a __proto__ key', body: `{"__proto__": {"isAdmin": true}, ${JSON.stringify(valid).slice(1)}`, status: 400 },
  { name: 'a constructor.prototype key', body: `{"constructor": {"prototype": {"isAdmin": true}}, ${JSON.stringify(valid).slice(1)}`, status: 400 },
];

const badQueries: BadRequest[] = [
  { name: 'limit=0', path: '/incidents?limit=0', status: 400, field: 'limit' },
  { name: 'limit=100000', path: '/incidents?limit=100000', status: 400, field: 'limit' },
  { name: 'limit=ten', path: '/incidents?limit=ten', status: 400, field: 'limit' },
  { name: 'pair=AZE-AZE', path: '/incidents?pair=AZE-AZE', status: 400, field: 'pair' },
  { name: 'pair=AZE-XXX', path: '/incidents?pair=AZE-XXX', status: 400, field: 'pair' },
  { name: 'cursor=junk', path: '/incidents?cursor=junk', status: 400, field: 'cursor' },
  { name: 'type=Invasion', path: '/incidents?type=Invasion', status: 400, field: 'type' },
  { name: 'from=2023-02-30', path: '/incidents?from=2023-02-30', status: 400, field: 'from' },
  { name: 'to before from', path: '/incidents?from=2024-05&to=2024-04', status: 400, field: 'to' },
  { name: 'an unknown parameter', path: '/incidents?colour=red', status: 400, field: 'colour' },
  { name: 'events after=junk', path: '/events?after=junk', status: 400, field: 'after' },
  { name: 'events limit=0', path: '/events?limit=0', status: 400, field: 'limit' },
  { name: 'relations level=apocalyptic', path: '/relations?level=apocalyptic', status: 400, field: 'level' },
  { name: 'relations country=XX', path: '/relations?country=XX', status: 400, field: 'country' },
  { name: 'a two-letter code in the path', path: '/relations/XX/FRA', status: 400, field: 'a' },
  { name: 'the same country twice in the path', path: '/relations/FRA/FRA', status: 400, field: 'b' },
  { name: 'an incident id that is not a UUID', path: '/incidents/not-a-uuid', status: 400, field: 'incidentId' },
];

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
  // One incident already recorded, so "nothing appended" is checked against a non-empty log.
  const seeded = await t.request('POST', '/incidents', { ...valid, type: 'Accusation', details: {} });
  expect(seeded.status).toBe(201);
});

afterAll(async () => {
  await t.close();
});

function expectProblem(response: TestResponse, { status, field }: BadRequest): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(response.json.title).not.toBe('');
  expect(response.json.detail).not.toBe('');
  if (field !== undefined) {
    expect(response.json.errors.map((error: { field: string }) => error.field)).toContain(field);
  }
  expectNoInternals(response.text);
}

/** Stack frames ("    at fn (file:1:2)"), file paths and module names say nothing a client can use. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/(^|\\n)\s*at |\bat \S+ \(|:\d+:\d+\)/m);
  for (const leak of ['/work/', 'node_modules', '.ts:', '.js:']) expect(text).not.toContain(leak);
}

describe('POST /incidents with a bad report', () => {
  it.each(badReports)('rejects $name with $status, appending nothing', async (bad) => {
    const before = countEvents(t.file);

    const response = await t.request('POST', '/incidents', bad.body, bad.headers);

    expectProblem(response, bad);
    expect(countEvents(t.file)).toBe(before);
  });

  it('still accepts the valid report the bad ones were made from', async () => {
    const before = countEvents(t.file);

    const response = await t.request('POST', '/incidents', valid);

    expect(response.status).toBe(201);
    expect(countEvents(t.file)).toBe(before + 1);
  });

  it('accepts an empty details object on a type that takes no details, as GET /incidents shows it', async () => {
    const response = await t.request('POST', '/incidents', { ...valid, type: 'AmbassadorRecalled', details: {} });

    expect(response.status).toBe(201);
  });
});

describe('GET with bad parameters', () => {
  it.each(badQueries)('rejects $name with 400 naming $field', async (bad) => {
    const before = countEvents(t.file);

    const response = await t.request('GET', bad.path!);

    expectProblem(response, bad);
    expect(countEvents(t.file)).toBe(before);
  });
});
