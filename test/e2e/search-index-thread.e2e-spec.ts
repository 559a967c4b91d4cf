import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jest } from '@jest/globals';
import type { IndexChange, SearchCriteria } from '../../src/search/incident-text-index.js';
import { IncidentSearch } from '../../src/search/incident-search.service.js';
import { InlineTextIndex, TextIndexThread, type TextIndex } from '../../src/search/text-index-thread.js';
import { buildServer } from '../support/build-server.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The search index as the server runs it: on a thread of its own. A worker thread cannot load
 * TypeScript, so the thread runs a compiled copy of src/search/text-index-thread.ts built for this
 * suite; everything else is the source under test. The thread's end is real (Worker.terminate),
 * as a crash of the thread would look to the server.
 */

let entry: URL;
let removeBuild: () => void = () => undefined;

beforeAll(async () => {
  const build = await buildServer('text-index-thread-build', 'src/search/text-index-thread.ts');
  removeBuild = build.remove;
  entry = pathToFileURL(join(dirname(build.main), 'text-index-thread.js'));
}, 180_000);

afterAll(() => removeBuild());

function report(n: number, summary: string, overrides: Partial<Extract<IndexChange, { kind: 'add' }>> = {}): IndexChange {
  return { kind: 'add', incidentId: `incident-${n}`, position: String(n), actor: 'AZE', target: 'FRA', type: 'Accusation', occurredMs: Date.UTC(2023, 11, n), summary, sources: [], ...overrides };
}

const CHANGES: IndexChange[][] = [
  [report(1, 'Baku expels two French diplomats'), report(2, 'Paris summons the Azerbaijani ambassador', { actor: 'FRA', target: 'AZE', type: 'AmbassadorSummoned' })],
  [report(3, 'Paris expels an Azerbaijani diplomat in return', { actor: 'FRA', target: 'AZE' }), { kind: 'correct', incidentId: 'incident-2', summary: 'Paris recalls its envoy' }],
  [{ kind: 'retract', incidentId: 'incident-1' }, report(4, 'Talks held in Geneva', { sources: [{ publisher: 'Tribune de Genève' }] })],
];

const QUESTIONS: SearchCriteria[] = [
  { text: 'expel', includeRetracted: false, order: 'reported', limit: 10 },
  { text: 'expel', includeRetracted: true, order: 'relevance', limit: 10 },
  { text: 'ambassador', includeRetracted: false, order: 'reported', limit: 10 },
  { text: 'geneve', includeRetracted: false, order: '-occurred', limit: 10 },
  { actor: 'FRA', includeRetracted: false, order: 'occurred', limit: 1 },
];

describe('the text index on its thread', () => {
  const opened: TextIndex[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((index) => index.close()));
  });
  const open = <T extends TextIndex>(index: T): T => (opened.push(index), index);

  it('answers every search as the same index does inline, after the same batches', async () => {
    const thread = open(new TextIndexThread(entry));
    const inline = open(new InlineTextIndex());
    for (const batch of CHANGES) await Promise.all([thread.apply(batch), inline.apply(batch)]);

    const answers = await Promise.all(QUESTIONS.map((question) => thread.search(question)));
    expect(answers).toEqual(await Promise.all(QUESTIONS.map((question) => inline.search(question))));
    // What an analyst would see: the retracted expulsion only when asked for, the corrected summary by its new words.
    expect(answers[0].map((hit) => hit.incidentId)).toEqual(['incident-3']);
    expect(answers[1].map((hit) => hit.incidentId).sort()).toEqual(['incident-1', 'incident-3']);
    expect(answers[2]).toEqual([]);
    expect(answers[3]).toEqual([{ position: '4', incidentId: 'incident-4' }]);
    expect(await thread.search({ text: 'recalls', includeRetracted: false, order: 'reported', limit: 10 })).toEqual([{ position: '2', incidentId: 'incident-2' }]);
    expect(await thread.incidentAt('3')).toBe('incident-3');
    expect(await thread.incidentAt('99')).toBeUndefined();
  });

  it('refuses a batch whole, with the reason, and goes on answering', async () => {
    const thread = open(new TextIndexThread(entry));
    await thread.apply(CHANGES[0]);
    const unbindable = { ...report(5, 'never indexed'), summary: { text: 'never indexed' } } as unknown as IndexChange;

    await expect(thread.apply([{ kind: 'retract', incidentId: 'incident-1' }, unbindable])).rejects.toThrow(/parameter/);

    expect(thread.alive).toBe(true);
    expect(await thread.search({ text: 'expels', includeRetracted: false, order: 'reported', limit: 10 })).toEqual([{ position: '1', incidentId: 'incident-1' }]);
    expect(await thread.incidentAt('5')).toBeUndefined();
  });

  it('once its thread has ended, says so and fails every call instead of leaving it unanswered', async () => {
    const thread = new TextIndexThread(entry);
    await thread.apply(CHANGES[0]);
    const inFlight = thread.search(QUESTIONS[0]);
    await thread.terminate();

    await expect(inFlight).rejects.toThrow(/text index thread/);
    expect(thread.alive).toBe(false);
    await expect(thread.apply(CHANGES[1])).rejects.toThrow(/text index thread exited/);
    await expect(thread.close()).resolves.toBeUndefined();
  });
});

describe('searching through the server with the index on its thread', () => {
  let t: TestApp;
  const threads: TextIndexThread[] = [];

  beforeAll(async () => {
    const prototype = IncidentSearch.prototype as unknown as { openIndex(): TextIndex };
    jest.spyOn(prototype, 'openIndex').mockImplementation(() => {
      const thread = new TextIndexThread(entry);
      threads.push(thread);
      return thread;
    });
    t = await startTestApp({ clock: fixedClock('2024-06-01T12:00:00.000Z') });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  const post = (summary: string) =>
    t.request('POST', '/incidents', { type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn: '2024-05-31', summary, sources: [{ publisher: 'Wire service' }] });
  const found = async (words: string) => {
    const response = await t.request('GET', `/incidents?q=${encodeURIComponent(words)}`);
    return { status: response.status, ids: response.status === 200 ? (response.json.items as { incidentId: string }[]).map((item) => item.incidentId) : [], response };
  };

  it('finds a report as soon as its write is answered', async () => {
    const posted = await post('Baku accuses Paris of interference');
    expect(posted.status).toBe(201);
    expect((await found('interference')).ids).toEqual([posted.json.incidentId]);
    expect(threads).toHaveLength(1);
  });

  it('answers 503 when the thread ends, builds a new index from the log, and finds old and new reports again', async () => {
    const earlier = (await found('interference')).ids;
    await threads[0].terminate();

    const during = await found('interference');
    expect(during.status).toBe(503);
    expect((await t.request('GET', '/health')).json.searchIndex.restarts).toBe(1);
    expect(during.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(during.response.headers.get('retry-after')).toBe('5');
    expect(during.response.json).toMatchObject({ status: 503, title: 'The search index is catching up' });

    const posted = await post('Paris denies any interference in Baku');
    expect(posted.status).toBe(201);
    let after = await found('interference');
    for (let tries = 0; after.status !== 200 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await found('interference');
    }
    expect(after.status).toBe(200);
    expect(after.ids.sort()).toEqual([...earlier, posted.json.incidentId].sort());
    expect(threads).toHaveLength(2);
    expect(threads[1].alive).toBe(true);
    // What an operator sees: the index rebuilt once, following again, holding the last write.
    expect((await t.request('GET', '/health')).json.searchIndex).toEqual({ state: 'following', position: posted.json.position, restarts: 1 });
  });
});
