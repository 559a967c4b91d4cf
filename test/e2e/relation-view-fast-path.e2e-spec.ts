import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const OPTIONS = { corsOrigins: [ORIGIN] };

interface Question {
  path: string;
  headers?: Record<string, string>;
  /** Whether the fast path answers it (else Nest does, in both apps). */
  fast: boolean;
}

const QUESTIONS: Question[] = [
  { path: '/relations/AZE/FRA', fast: true },
  { path: '/relations/FRA/AZE', headers: { origin: ORIGIN }, fast: true },
  { path: '/relations/AZE/FRA', headers: { 'accept-encoding': 'gzip' }, fast: true },
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
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'demarche-fast-path-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ask(t: TestApp, question: Question, etagOf: Map<string, string>): Promise<TestResponse[]> {
  const first = await t.request('GET', question.path, undefined, question.headers);
  const etag = first.headers.get('etag');
  if (etag) etagOf.set(question.path, etag);
  // And once more naming the tag it was given: a 304 on both paths.
  const again = etag ? [await t.request('GET', question.path, undefined, { ...question.headers, 'if-none-match': etag })] : [];
  return [first, ...again];
}

function comparable(response: TestResponse) {
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'date'));
  return { status: response.status, headers, text: response.text };
}

it('answers what Nest answers, byte for byte and header for header, before and after a correction and a retraction', async () => {
  const file = join(dir, 'demarche.db');
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

  const handler = RelationsController.prototype.get;
  const viaNest = jest.spyOn(RelationsController.prototype, 'get');
  // Nest finds the route (path, method, response metadata) on the handler function itself.
  for (const key of Reflect.getMetadataKeys(handler)) Reflect.defineMetadata(key, Reflect.getMetadata(key, handler), RelationsController.prototype.get);
  const answers = async (fastPath: boolean) => {
    const t = await startTestApp({ file, clock, app: { ...OPTIONS, relationViewFastPath: fastPath } });
    try {
      const etags = new Map<string, string>();
      const responses: Array<ReturnType<typeof comparable>> = [];
      const nestCalls: number[] = [];
      for (const question of QUESTIONS) {
        viaNest.mockClear();
        responses.push(...(await ask(t, question, etags)).map(comparable));
        nestCalls.push(viaNest.mock.calls.length);
      }
      return { responses, nestCalls };
    } finally {
      await t.close();
    }
  };

  const fast = await answers(true);
  const nest = await answers(false);

  expect(fast.responses).toEqual(nest.responses);
  expect(fast.responses.map((r) => r.status)).toEqual(expect.arrayContaining([200, 304, 400, 404]));
  expect(fast.responses.filter((r) => r.headers['content-encoding'] !== undefined).length).toBeGreaterThan(0);
  expect(fast.responses.filter((r) => r.headers['access-control-allow-origin'] === ORIGIN).length).toBeGreaterThan(0);
  // Nest's controller saw only what the fast path leaves to it (a 404 and asOf in the future are asked again there);
  // what the validation pipe refuses never reaches it on either side.
  QUESTIONS.forEach((question, i) => {
    const served = question.fast && !question.path.includes('GBR') && !question.path.includes('2099');
    if (served) {
      expect(fast.nestCalls[i]).toBe(0);
      expect(nest.nestCalls[i]).toBeGreaterThan(0);
    } else expect(fast.nestCalls[i]).toBe(nest.nestCalls[i]);
  });
  viaNest.mockRestore();
});
