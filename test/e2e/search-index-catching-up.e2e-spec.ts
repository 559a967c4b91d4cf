import { jest } from '@jest/globals';
import { IncidentSearch } from '../../src/search/incident-search.service.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The search index is built in the background after the server starts. Until it has read what the
 * read model shows, a search answers 503 with Retry-After (the plain listing keeps answering); once
 * it has, the same search answers. The real index on a real SQLite file, held back deterministically:
 * its first pass over the log waits for the test to release it (fault injection around the index,
 * which otherwise runs unchanged).
 */

const accusation = {
  type: 'Accusation',
  actor: 'AZE',
  target: 'FRA',
  occurredOn: '2024-05-31',
  summary: 'Baku accuses Paris of interference',
  sources: [{ publisher: 'Wire service' }],
};

describe('a search while the index is catching up after a start', () => {
  let t: TestApp | undefined;
  let release: () => void = () => {};

  afterAll(async () => {
    release();
    await t?.close();
  });

  it('answers 503 with Retry-After as problem+json, then the results once the index has caught up', async () => {
    const held = new Promise<void>((resolve) => (release = resolve));
    const prototype = IncidentSearch.prototype as unknown as { catchUp(this: IncidentSearch, generation: number): Promise<void> };
    const catchUp = prototype.catchUp;
    const spy = jest.spyOn(prototype, 'catchUp').mockImplementationOnce(async function (this: IncidentSearch, generation: number) {
      await held;
      return catchUp.call(this, generation);
    });
    t = await startTestApp({ clock: fixedClock('2024-06-01T12:00:00.000Z') });
    spy.mockRestore();
    const posted = await t.request('POST', '/incidents', accusation);
    expect(posted.status).toBe(201);

    const early = await t.request('GET', '/incidents?q=interference');
    expect(early.status).toBe(503);
    expect((await t.request('GET', '/health')).json.searchIndex).toEqual({ state: 'catching-up', position: null, restarts: 0 });
    expect(early.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(early.headers.get('retry-after')).toBe('5');
    expect(early.json).toMatchObject({ status: 503, title: 'The search index is catching up' });
    // The read model's own listing does not need the index.
    const plain = await t.request('GET', '/incidents');
    expect(plain.status).toBe(200);
    expect(plain.json.items.map((item: { incidentId: string }) => item.incidentId)).toEqual([posted.json.incidentId]);

    release();
    const late = await t.request('GET', '/incidents?q=interference');
    expect(late.status).toBe(200);
    expect(late.json.items.map((item: { incidentId: string }) => item.incidentId)).toEqual([posted.json.incidentId]);
    expect((await t.request('GET', '/health')).json.searchIndex).toEqual({ state: 'following', position: posted.json.position, restarts: 0 });
  }, 20_000);
});
