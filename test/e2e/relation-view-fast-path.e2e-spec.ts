import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { get } from 'node:http';
import { join } from 'node:path';
import { RelationsController } from '../../src/relations/relations.controller.js';
import { fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * GET /relations/{a}/{b} is served by a Fastify hook ahead of Nest (relation-view-fast-path.ts).
 * The same log, the same clock and the same options, read once with the fast path and once
 * through Nest alone, must answer the same status, bytes and headers to every question — the
 * ones the fast path serves and the ones it leaves to Nest.
 */

const NOW = '2024-06-01T12:00:00.000Z';
const ORIGIN = 'https://analyst.example';
/**
 * With CORS_ORIGINS the fast path answers through Fastify's send (@fastify/cors leaves headers on
 * Fastify's reply); without, answers compression would not touch are written on Node's response.
 */
const CONFIGURATIONS = [
  { name: 'with CORS origins, answering through Fastify', options: { corsOrigins: [ORIGIN] }, cors: true },
  { name: 'without CORS origins, writing uncompressed answers on the raw response', options: {}, cors: false },
];

interface Question {
  path: string;
  headers?: Record<string, string>;
  /** Whether the fast path answers it (else Nest does, in both apps). */
  fast: boolean;
  /** Sent without Accept-Encoding (fetch always sends one): what curl and most API clients send, answered uncompressed whatever the size. */
  plain?: boolean;
}

const QUESTIONS: Question[] = [
  { path: '/relations/AZE/FRA', fast: true },
  { path: '/relations/FRA/AZE', headers: { origin: ORIGIN }, fast: true },
  { path: '/relations/AZE/FRA', headers: { 'accept-encoding': 'gzip' }, fast: true },
  { path: '/relations/AZE/FRA', fast: true, plain: true },
  { path: '/relations/AZE/FRA?asOf=2024-05-31', fast: true, plain: true },
  { path: '/relations/AZE/FRA', headers: { 'accept-encoding': 'br' }, fast: true },
  { path: '/relations/AZE/FRA?asOf=2024-05-31', fast: true },
  { path: '/relations/AZE/FRA?asOf=2024-05-31', fast: true },
  { path: '/relations/AZE/FRA?knownAt=2024-05-20', fast: true },
  { path: '/relations/AZE/FRA?asOf=2024-05&knownAt=2024-05-31', headers: { 'accept-encoding': 'gzip' }, fast: true },
  { path: '/relations/AZE/GBR', fast: true },
  { path: '/relations/AZE/FRA?asOf=2099-01-01', fast: true },
  { path: '/relations/AZE/FRA?asOf=not-a-date', fast: false },
  { path: '/relations/AZE/FRA?asOf=2024-05-31&asOf=2024-05-30', fast: false },
  { path: '/relations/AZE/FRA?color=red', fast: false },
  { path: '/relations/AZE/FRA?minPosition=1', fast: false },
  { path: '/relations/AZE/XXX', fast: false },
  { path: '/relations/AZE/FRA', headers: { authorization: 'Bearer nonsense' }, fast: false },
  // The bare list: worked out by Nest and kept, then answered from what was kept (the clock does not move).
  { path: '/relations', fast: false },
  { path: '/relations', fast: true },
  { path: '/relations', headers: { 'accept-encoding': 'br' }, fast: true },
  { path: '/relations', fast: true, plain: true },
  { path: '/relations', headers: { accept: 'text/csv' }, fast: false },
  { path: '/relations?limit=1', fast: false },
  { path: '/relations?limit=1', fast: false },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'demarche-fast-path-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ask(t: TestApp, question: Question, etagOf: Map<string, string>): Promise<TestResponse[]> {
  const get = (headers: Record<string, string> = {}) => (question.plain ? plainGet(t.url, question.path, headers) : t.request('GET', question.path, undefined, headers));
  const first = await get(question.headers);
  const etag = first.headers.get('etag');
  if (etag) etagOf.set(question.path, etag);
  // And once more naming the tag it was given: a 304 on both paths.
  const again = etag ? [await get({ ...question.headers, 'if-none-match': etag })] : [];
  return [first, ...again];
}

/** A GET through node:http, which sends only the headers given (no Accept-Encoding). */
function plainGet(base: string, path: string, headers: Record<string, string>): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        resolve({ status: response.statusCode!, headers: responseHeaders, json: undefined, text });
      });
    }).on('error', reject);
  });
}

function comparable(response: TestResponse) {
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'date'));
  return { status: response.status, headers, text: response.text };
}

describe.each(CONFIGURATIONS)('$name', ({ options: OPTIONS, cors }) => {
it('answers what Nest answers, byte for byte and header for header, before and after a correction and a retraction', async () => {
  const file = join(dir, `${cors ? 'cors' : 'plain'}.db`);
  const clock = fixedClock(NOW);
  const record = await startTestApp({ file, clock, app: OPTIONS });
  const report = (summary: string, occurredOn: string) =>
    record.request('POST', '/incidents', { type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn, summary, sources: [{ publisher: 'Wire service' }] });
  const first = await report('The foreign ministry accuses the ambassador of interference', '2024-05-15');
  expect(first.status).toBe(201);
  const kept = first.json.incidentId as string;
  const retracted = (await report('A statement later found fabricated', '2024-05-18')).json.incidentId as string;
  clock.set('2024-05-25T09:00:00Z');
  await record.request('POST', `/incidents/${kept}/correction`, { occurredOn: '2024-05-14', reason: 'The wire dated it a day late' });
  await record.request('POST', `/incidents/${retracted}/retraction`, { reason: 'Fabricated' });
  clock.set(NOW);
  await record.close({ keep: true });

  const spies = (['get', 'list'] as const).map((method) => {
    const handler = RelationsController.prototype[method];
    const spy = jest.spyOn(RelationsController.prototype, method);
    // Nest finds the route (path, method, response metadata) on the handler function itself.
    for (const key of Reflect.getMetadataKeys(handler)) Reflect.defineMetadata(key, Reflect.getMetadata(key, handler), RelationsController.prototype[method]);
    return spy;
  });
  const viaNest = { mockClear: () => spies.forEach((spy) => spy.mockClear()), calls: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0) };
  const answers = async (fastPath: boolean) => {
    const t = await startTestApp({ file, clock, app: { ...OPTIONS, relationViewFastPath: fastPath } });
    try {
      const etags = new Map<string, string>();
      const responses: Array<ReturnType<typeof comparable>> = [];
      const plain: Array<ReturnType<typeof comparable>> = [];
      const nestCalls: number[] = [];
      for (const question of QUESTIONS) {
        viaNest.mockClear();
        const asked = (await ask(t, question, etags)).map(comparable);
        responses.push(...asked);
        if (question.plain) plain.push(...asked);
        nestCalls.push(viaNest.calls());
      }
      return { responses, plain, nestCalls };
    } finally {
      await t.close();
    }
  };

  const fast = await answers(true);
  const nest = await answers(false);

  expect(fast.responses).toEqual(nest.responses);
  expect(fast.responses.map((r) => r.status)).toEqual(expect.arrayContaining([200, 304, 400, 404]));
  expect(fast.responses.filter((r) => r.headers['content-encoding'] !== undefined).length).toBeGreaterThan(0);
  expect(fast.responses.filter((r) => r.headers['access-control-allow-origin'] === ORIGIN).length > 0).toBe(cors);
  // Asked without Accept-Encoding, views over the compression threshold go uncompressed, with their length.
  const plainViews = fast.plain.filter((r) => r.status === 200);
  expect(plainViews).toHaveLength(3);
  for (const view of plainViews) {
    expect(view.headers['content-encoding']).toBeUndefined();
    expect(Number(view.headers['content-length'])).toBe(Buffer.byteLength(view.text));
    expect(Buffer.byteLength(view.text)).toBeGreaterThan(1024);
  }
  // Nest's controller saw only what the fast path leaves to it (a 404 and asOf in the future are asked again there);
  // what the validation pipe refuses never reaches it on either side.
  QUESTIONS.forEach((question, i) => {
    const served = question.fast && !question.path.includes('GBR') && !question.path.includes('2099');
    if (served) {
      expect(fast.nestCalls[i]).toBe(0);
      expect(nest.nestCalls[i]).toBeGreaterThan(0);
    } else expect(fast.nestCalls[i]).toBe(nest.nestCalls[i]);
  });
  spies.forEach((spy) => spy.mockRestore());
});
});
