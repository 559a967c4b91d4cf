import { readFileSync } from 'node:fs';
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
  { name: 'a __proto__ key', body: `{"__proto__": {"isAdmin": true}, ${JSON.stringify(valid).slice(1)}`, status: 400, field: '__proto__' },
  { name: 'a constructor.prototype key', body: `{"constructor": {"prototype": {"isAdmin": true}}, ${JSON.stringify(valid).slice(1)}`, status: 400, field: 'constructor.prototype' },
  { name: 'a __proto__ key inside a source', body: `{"sources": [{"publisher": "Wire"}, {"publisher": "Wire", "__proto__": {}}], ${JSON.stringify(withoutKey('sources')).slice(1)}`, status: 400, field: 'sources[1].__proto__' },
  { name: 'a constructor.prototype key inside details', body: `{"details": {"diplomats": 2, "constructor": {"prototype": {}}}, ${JSON.stringify(withoutKey('details')).slice(1)}`, status: 400, field: 'details.constructor.prototype' },
  // Text that hides what it says, or says nothing (issue #11, point 7).
  { name: 'a summary of only spaces', body: { ...valid, summary: '     ' }, status: 400, field: 'summary' },
  { name: 'a summary of only zero-width characters', body: { ...valid, summary: '\u200b\u200c\u200d\u2060\ufeff' }, status: 400, field: 'summary' },
  { name: 'a summary of only spaces and a soft hyphen', body: { ...valid, summary: ' \u00ad\u3000 ' }, status: 400, field: 'summary' },
  { name: 'a summary with NUL', body: { ...valid, summary: 'Azerbaijan expels\u0000 two French diplomats' }, status: 400, field: 'summary' },
  { name: 'a summary with ESC (a terminal colour code)', body: { ...valid, summary: '\u001b[31mAzerbaijan expels two French diplomats' }, status: 400, field: 'summary' },
  { name: 'a summary with a C1 control', body: { ...valid, summary: 'Azerbaijan expels\u009b two French diplomats' }, status: 400, field: 'summary' },
  { name: 'a summary with a right-to-left override', body: { ...valid, summary: 'Azerbaijan expels \u202eFrench diplomats' }, status: 400, field: 'summary' },
  { name: 'a summary with a right-to-left isolate', body: { ...valid, summary: 'Azerbaijan expels \u2067French\u2069 diplomats' }, status: 400, field: 'summary' },
  { name: 'a summary with a lone surrogate', body: { ...valid, summary: 'Azerbaijan expels \ud800 diplomats' }, status: 400, field: 'summary' },
  { name: 'a summary of two lines', body: { ...valid, summary: 'Azerbaijan expels\ntwo French diplomats' }, status: 400, field: 'summary' },
  { name: 'a summary over 280 characters once trimmed', body: { ...valid, summary: `  ${'x'.repeat(281)}  ` }, status: 400, field: 'summary' },
  { name: 'a publisher of only spaces', body: { ...valid, sources: [{ publisher: '   ' }] }, status: 400, field: 'sources[0].publisher' },
  { name: 'a title with a tab', body: { ...valid, sources: [{ url: 'https://example.org/a', title: 'French\tdiplomats' }] }, status: 400, field: 'sources[0].title' },
  { name: 'a source url with U+202E', body: { ...valid, sources: [{ url: 'https://example.org/\u202egpj.exe' }] }, status: 400, field: 'sources[0].url' },
  { name: 'a source url with NUL', body: { ...valid, sources: [{ url: 'https://example.org/a\u0000b' }] }, status: 400, field: 'sources[0].url' },
  { name: 'a source url with a space', body: { ...valid, sources: [{ url: 'https://example.org/a b' }] }, status: 400, field: 'sources[0].url' },
  { name: 'a source url with a zero-width space', body: { ...valid, sources: [{ publisher: 'Wire' }, { url: 'https://exam\u200bple.org/a' }] }, status: 400, field: 'sources[1].url' },
  { name: 'a source url with a leading space', body: { ...valid, sources: [{ url: ' https://example.org/a' }] }, status: 400, field: 'sources[0].url' },
  { name: 'a source published in 2999', body: { ...valid, sources: [{ url: 'https://example.org/a', publishedOn: '2999-01-01' }] }, status: 400, field: 'sources[0].publishedOn' },
  { name: 'a source published tomorrow', body: { ...valid, sources: [{ publisher: 'Wire' }, { publisher: 'Wire', publishedOn: '2024-06-02' }] }, status: 400, field: 'sources[1].publishedOn' },
  { name: 'a publication date given as an ISO week', body: { ...valid, sources: [{ publisher: 'Wire', publishedOn: '2023-W52-1' }] }, status: 400, field: 'sources[0].publishedOn' },
  { name: 'a publication date before 1800', body: { ...valid, sources: [{ publisher: 'Wire', publishedOn: '1700-01-01' }] }, status: 400, field: 'sources[0].publishedOn' },
  { name: 'a speaker with a line break', body: { ...valid, type: 'Accusation', details: { speaker: 'Ilham\nAliyev' } }, status: 400, field: 'details.speaker' },
  { name: 'a quote with ESC', body: { ...valid, type: 'Accusation', details: { quote: 'We \u001b[2Jwill answer' } }, status: 400, field: 'details.quote' },
  { name: 'a quote with a carriage return alone', body: { ...valid, type: 'Accusation', details: { quote: 'We will\ranswer' } }, status: 400, field: 'details.quote' },
  { name: 'a meeting of only spaces', body: { ...valid, type: 'MeetingBoycotted', details: { meeting: '  ' } }, status: 400, field: 'details.meeting' },
  { name: 'a place of only zero-width characters', body: { ...valid, type: 'MeetingBoycotted', details: { meeting: 'OSCE council', place: '\u200b' } }, status: 400, field: 'details.place' },
  { name: 'an ambassador name with a right-to-left override', body: { ...valid, type: 'AmbassadorSummoned', details: { ambassadorName: 'Anne \u202eDuclos' } }, status: 400, field: 'details.ambassadorName' },
  { name: 'an agreement with a lone surrogate', body: { ...valid, type: 'TalksHeld', details: { agreement: '\udfff' } }, status: 400, field: 'details.agreement' },
  { name: 'a forum of a Braille blank', body: { ...valid, type: 'OppositionRallied', details: { forum: '\u2800' } }, status: 400, field: 'details.forum' },
  { name: 'a region with DEL', body: { ...valid, type: 'MilitaryOffensive', details: { region: 'Karabakh\u007f' } }, status: 400, field: 'details.region' },
];

/** Amendments of the seeded incident (`{id}`), each with one bad text field. */
const badAmendments: BadRequest[] = [
  { name: 'a retraction reason of only spaces', path: '/incidents/{id}/retraction', body: { reason: '  \t ' }, status: 400, field: 'reason' },
  { name: 'a retraction reason with NUL', path: '/incidents/{id}/retraction', body: { reason: 'duplicate\u0000' }, status: 400, field: 'reason' },
  { name: 'a correction reason with a left-to-right embedding', path: '/incidents/{id}/correction', body: { reason: '\u202adate', summary: 'New summary' }, status: 400, field: 'reason' },
  { name: 'a corrected summary of only zero-width joiners', path: '/incidents/{id}/correction', body: { reason: 'typo', summary: '\u200d\u200d' }, status: 400, field: 'summary' },
  { name: 'a corrected source url with NUL', path: '/incidents/{id}/correction', body: { reason: 'link', sources: [{ url: 'https://example.org/\u0000' }] }, status: 400, field: 'sources[0].url' },
  { name: 'a corrected source published in 2999', path: '/incidents/{id}/correction', body: { reason: 'date', sources: [{ publisher: 'Wire', publishedOn: '2999-01-01' }] }, status: 400, field: 'sources[0].publishedOn' },
  { name: 'a corrected quote with a lone surrogate', path: '/incidents/{id}/correction', body: { reason: 'quote', details: { quote: 'We \ud83d will answer' } }, status: 400, field: 'details.quote' },
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
  // Numbers in a query are plain decimal digits: Number() would read each of these as 16 or 100.
  ...['0x10', '1e2', '%2016', '%2B16', '+16', '16.0', '16%20', '0b10', '1_6', 'Infinity'].flatMap((limit): BadRequest[] => [
    { name: `incidents limit=${limit}`, path: `/incidents?limit=${limit}`, status: 400, field: 'limit' },
    { name: `events limit=${limit}`, path: `/events?limit=${limit}`, status: 400, field: 'limit' },
  ]),
  { name: 'limit given twice', path: '/incidents?limit=10&limit=20', status: 400, field: 'limit' },
];

let t: TestApp;
let seededId: string;

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
  // One incident already recorded, so "nothing appended" is checked against a non-empty log.
  const seeded = await t.request('POST', '/incidents', { ...valid, type: 'Accusation', details: {} });
  expect(seeded.status).toBe(201);
  seededId = seeded.json.incidentId;
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

describe('what a refusal of odd input says', () => {
  it.each([
    ['a summary with ESC', { summary: '\u001b[31mred' }, 'summary', 'must not contain control characters: U+001B at position 1'],
    ['a summary with U+202E', { summary: 'abc \u202e def' }, 'summary', /^must not contain bidirectional embedding, override or isolate controls .*: U\+202E at position 5; the marks U\+200E and U\+200F are allowed$/],
    ['a lone surrogate', { summary: 'x\ud800' }, 'summary', 'must be well-formed Unicode: U+D800 at position 2 is a lone surrogate'],
    ['zero-width characters only', { summary: '\u200b\u200b' }, 'summary', /^must have visible characters/],
    ['a URL with U+202E', { sources: [{ url: 'https://example.org/\u202egpj.exe' }] }, 'sources[0].url', /^must not contain spaces, control, bidirectional or invisible characters: U\+202E at position 21/],
    ['a URL that is not one', { sources: [{ url: 'not a url' }] }, 'sources[0].url', 'must be an http(s) URL; give url and/or publisher'],
    ['a publication in 2999', { sources: [{ publisher: 'Wire', publishedOn: '2999-01-01' }] }, 'sources[0].publishedOn', '2999-01-01 is in the future'],
  ])('%s: names the field, the rule and the character', async (_name, change, field, message) => {
    const response = await t.request('POST', '/incidents', { ...valid, ...change });

    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([{ field, message: typeof message === 'string' ? message : expect.stringMatching(message) }]);
  });

  it('a limit in hexadecimal: names the parameter and what it must be', async () => {
    const response = await t.request('GET', '/events?limit=0x10');

    expect(response.json.errors).toEqual([{ field: 'limit', message: 'must be a whole number from 1 to 1000 in decimal digits only (no sign, spaces, decimal point, exponent or 0x)' }]);
  });
});

describe('POST /incidents/{id}/correction and /retraction with bad text', () => {
  it.each(badAmendments)('rejects $name with 400 naming $field, appending nothing', async (bad) => {
    const before = countEvents(t.file);

    const response = await t.request('POST', bad.path!.replace('{id}', seededId), bad.body);

    expectProblem(response, bad);
    expect(countEvents(t.file)).toBe(before);
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

/** A well-formed watch id no watch has: the query is refused before the watch is looked for. */
const NO_SUCH_WATCH = '00000000-0000-4000-8000-000000000000';

describe('unknown query parameters, on every route of the API', () => {
  /** A request to each documented operation that would succeed without the query, so the query is all that is wrong. */
  async function operations(): Promise<{ method: string; path: string; body?: unknown }[]> {
    const doc = (await t.request('GET', '/docs-json')).json;
    const bodies: Record<string, unknown> = {
      '/incidents': { ...valid, type: 'Accusation', details: {} },
      '/incidents/{incidentId}/correction': { reason: 'typo', summary: 'Azerbaijan accuses France' },
      '/incidents/{incidentId}/retraction': { reason: 'duplicate' },
      '/watches': { name: 'Desk', pairs: ['AZE-FRA'], rule: { type: 'month_deteriorated' } },
      // The upload route takes a file, not JSON (sent as application/octet-stream).
      '/admin/imports': readFileSync('test/fixtures/import/gdelt2-sample.CSV'),
    };
    return Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        path: template.replace('{a}', 'AZE').replace('{b}', 'FRA').replace('{incidentId}', seededId).replace('{watchId}', NO_SUCH_WATCH).replace('{jobId}', NO_SUCH_WATCH),
        body: method === 'post' ? bodies[template] : undefined,
      })),
    );
  }

  it.each(['__proto__', 'constructor', 'prototype', 'colour'])('refuses ?%s=1 with 400 naming it, on every route, appending nothing', async (name) => {
    const routes = await operations();
    expect(routes.length).toBeGreaterThanOrEqual(14);
    const before = countEvents(t.file);

    const answers = [];
    for (const { method, path, body } of routes) {
      // Writes carry JSON (a body-less one too: anything else is 415 before its query is looked at).
      const response = (method === 'POST' || method === 'DELETE') && body === undefined
        ? await t.request(method, `${path}?${name}=1`, '', { 'content-type': 'application/json' })
        : await t.request(method, `${path}?${name}=1`, body);
      answers.push({ route: `${method} ${path}`, status: response.status, type: response.headers.get('content-type'), fields: response.json?.errors?.map((e: { field: string }) => e.field) });
    }

    expect(answers).toEqual(routes.map(({ method, path }) => ({ route: `${method} ${path}`, status: 400, type: expect.stringMatching(/^application\/problem\+json/), fields: [name] })));
    expect(countEvents(t.file)).toBe(before);
  });

  it('refuses __proto__ beside known parameters, naming it and what the route takes', async () => {
    const response = await t.request('GET', '/incidents?limit=5&__proto__=1&constructor[prototype]=x');

    expectProblem(response, { name: '', status: 400, field: '__proto__' });
    expect(response.json.errors).toEqual([
      { field: '__proto__', message: 'is not a parameter of this route (it takes pair, type, from, to, knownAt, limit, cursor, q, country, actor, target, sort, retracted, format, provenance, minSources)' },
      { field: 'constructor[prototype]', message: 'is not a parameter of this route (it takes pair, type, from, to, knownAt, limit, cursor, q, country, actor, target, sort, retracted, format, provenance, minSources)' },
    ]);
  });
});
