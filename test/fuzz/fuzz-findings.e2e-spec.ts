import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { sendHttp, type FuzzAnswer } from './fuzz-http-client.js';

/**
 * What the HTTP fuzzer (http-api.fuzz.e2e-spec.ts) found, each pinned as a plain example so it
 * stays fixed whatever a random run happens to generate: a 5xx for deeply nested JSON, answers
 * that were not problem+json, and corrections or sources that slipped past validation into the log.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const report = {
  type: 'Accusation',
  actor: 'AZE',
  target: 'FRA',
  occurredOn: '2024-05-15',
  summary: 'Baku accuses Paris of bias',
  sources: [{ publisher: 'Wire service' }],
};

let t: TestApp;
let incidentId: string;

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
  incidentId = (await t.request('POST', '/incidents', report)).json.incidentId;
});

afterAll(async () => {
  await t.close();
});

function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<FuzzAnswer> {
  return sendHttp(new URL(t.url), method, path, body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body === undefined ? undefined : Buffer.from(body));
}

function expectProblem(answer: FuzzAnswer, status: number): any {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.body);
  expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(answer.body).not.toMatch(/node_modules|\/work\/|\.ts:|\n\s+at /);
  return problem;
}

describe('deeply nested JSON (was a 500: the validation pipe overflowed the stack)', () => {
  it.each([
    ['5,000 nested arrays under an unknown key (20 KB)', `{"x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`],
    ['5,000 nested objects as the type', JSON.stringify(report).replace('"Accusation"', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`)],
    ['33 levels in details', JSON.stringify({ ...report, details: { speaker: 'x' } }).replace('"x"', `${'['.repeat(31)}${']'.repeat(31)}`)],
  ])('refuses %s with a 400 problem, appending nothing', async (_name, body) => {
    const before = countEvents(t.file);

    const problem = expectProblem(await send('POST', '/incidents', {}, body), 400);

    expect(problem.detail).toBe('The JSON body is nested more than 32 levels deep');
    expect(countEvents(t.file)).toBe(before);
  });

  it('still validates a body within the bound field by field', async () => {
    const problem = expectProblem(await send('POST', '/incidents', {}, JSON.stringify({ ...report, details: { speaker: [[['x']]] } })), 400);

    expect(problem.errors.map((error: { field: string }) => error.field)).toContain('details.speaker');
  });
});

describe("errors Fastify's router and Node answer before any filter (were not problem+json)", () => {
  it('answers a malformed percent-encoding in the path 400', async () => {
    expectProblem(await send('GET', '/incidents/%zz'), 400);
    expectProblem(await send('GET', '/relations/%E0%A4%A/FRA'), 400);
  });

  it('answers a path parameter over the router limit 414', async () => {
    const problem = expectProblem(await send('GET', `/incidents/${'x'.repeat(200)}`), 414);

    expect(problem.title).toBe('URI too long');
  });

  it('answers an Expect other than 100-continue 417, appending nothing', async () => {
    const before = countEvents(t.file);

    const problem = expectProblem(await send('POST', '/incidents', { expect: 'the-unexpected' }, JSON.stringify(report)), 417);

    expect(problem.title).toBe('Expectation failed');
    expect(countEvents(t.file)).toBe(before);
  });

  it('still honours Expect: 100-continue', async () => {
    const answer = await send('POST', '/incidents', { expect: '100-continue' }, JSON.stringify({ ...report, summary: 'sent after 100 Continue' }));

    expect(answer.status).toBe(201);
  });
});

describe('corrections with null fields (were recorded, or a 500)', () => {
  it.each(['summary', 'sources', 'occurredOn', 'details'])('refuses %s: null with a 400 naming it, appending nothing', async (field) => {
    const before = countEvents(t.file);

    const problem = expectProblem(await send('POST', `/incidents/${incidentId}/correction`, {}, JSON.stringify({ reason: 'fuzzed', [field]: null })), 400);

    expect(problem.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(countEvents(t.file)).toBe(before);
    const incident = (await t.request('GET', `/incidents/${incidentId}`)).json;
    expect(incident).toMatchObject({ summary: report.summary, sources: report.sources, occurredOn: report.occurredOn, amendments: [] });
  });

  it('still records a correction that leaves a field out', async () => {
    const answer = await send('POST', `/incidents/${incidentId}/correction`, {}, JSON.stringify({ reason: 'typo', summary: 'Baku accuses Paris of partiality' }));

    expect(answer.status).toBe(201);
  });
});

describe('sources that are not objects (an array inside sources was recorded as a source)', () => {
  it.each([
    ['a report', '/incidents', (sources: unknown) => ({ ...report, sources })],
    ['a correction', '/incidents/{id}/correction', (sources: unknown) => ({ reason: 'fuzzed', sources })],
  ])('refuses them in %s with a 400 naming sources, appending nothing', async (_what, route, body) => {
    for (const sources of [[[]], [[{ publisher: 'Wire service' }]], [[], { publisher: 'Wire service' }]]) {
      const before = countEvents(t.file);

      const problem = expectProblem(await send('POST', route.replace('{id}', incidentId), {}, JSON.stringify(body(sources))), 400);

      expect(problem.errors).toContainEqual({ field: 'sources', message: 'each source must be an object with a url and/or a publisher' });
      expect(countEvents(t.file)).toBe(before);
    }
  });

  it('refuses a null title or publishedOn of a source (optional means absent, not null)', async () => {
    for (const source of [{ publisher: 'Wire service', title: null }, { publisher: 'Wire service', publishedOn: null }]) {
      const before = countEvents(t.file);

      expectProblem(await send('POST', '/incidents', {}, JSON.stringify({ ...report, sources: [source] })), 400);

      expect(countEvents(t.file)).toBe(before);
    }
  });
});
