import { readFileSync } from 'node:fs';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import { BODY_LIMIT_BYTES } from '../../src/app.js';
import { MAX_ARTICLE_CHARACTERS } from '../../src/extraction/extract-article.dto.js';
import { countEvents, fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * POST /extractions: an article in, proposals with their evidence out, nothing recorded. The seed
 * article 000 (Baku, 27 December 2023) reports, among others, the expulsion of two French
 * diplomats "on Tuesday" — 26 December — and the summoning of the French ambassador.
 */

const REPORTER = 'alice-secret-0123456789abcdef';
const READER = 'viewer-secret-0123456789abcde';
const asReporter = { authorization: `Bearer ${REPORTER}` };
const seedArticle = (file: string) => readFileSync(new URL(`../fixtures/shared/seeds/${file}`, import.meta.url), 'utf8');
const SEED_ARTICLE = seedArticle('000_7265cf855958d769.txt');
/** The second has no dateline; like bench/seed-articles.ts, it is taken as published the day after the first. */
const SECOND_SEED_ARTICLE = seedArticle('002_63eb337d2ba5c646.txt');

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    clock: fixedClock('2024-06-01T12:00:00.000Z'),
    app: { auth: { keys: parseApiKeys(`alice:reporter:${REPORTER},viewer:reader:${READER}`), readsRequireKey: false } },
  });
});

afterAll(async () => {
  await t?.close();
});

const propose = (body: unknown, headers: Record<string, string> = asReporter) => t.request('POST', '/extractions', body, headers);

function expectFieldProblem(response: TestResponse, field: string, message: RegExp) {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json.errors).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
}

describe('POST /extractions', () => {
  it('proposes the seed article\'s incidents with evidence that points into the text, and records nothing', async () => {
    const response = await propose({ text: SEED_ARTICLE, publishedOn: '2023-12-27', publisher: 'Example Wire' });

    expect(response.status).toBe(200);
    const { text, proposals, sentences } = response.json;
    expect(text).toBe(SEED_ARTICLE.trim());
    expect(sentences).toBeGreaterThan(5);
    expect(proposals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'DiplomatsExpelled', actor: 'AZE', target: 'FRA', occurredOn: '2023-12-26' }),
        expect.objectContaining({ type: 'AmbassadorSummoned', actor: 'AZE', target: 'FRA' }),
      ]),
    );
    for (const proposal of proposals) {
      for (const span of Object.values(proposal.evidence) as { start: number; end: number; text: string }[]) {
        expect(text.slice(span.start, span.end)).toBe(span.text);
      }
      expect(proposal.evidence.trigger.start).toBeGreaterThanOrEqual(proposal.evidence.sentence.start);
      expect(proposal.evidence.trigger.end).toBeLessThanOrEqual(proposal.evidence.sentence.end);
    }
    expect(new Set(proposals.map((p: { proposalId: string }) => p.proposalId)).size).toBe(proposals.length);
    expect(countEvents(t.file)).toBe(0);
  });

  it('proposes the same ids for the same article, so accepting twice is the same acceptance', async () => {
    const first = await propose({ text: SEED_ARTICLE, publishedOn: '2023-12-27' });
    const second = await propose({ text: SEED_ARTICLE, publishedOn: '2023-12-27' });
    expect(first.json.proposals.length).toBeGreaterThan(0);
    expect(second.json.proposals.map((p: { proposalId: string }) => p.proposalId)).toEqual(first.json.proposals.map((p: { proposalId: string }) => p.proposalId));
  });

  it.each([
    ['000', SEED_ARTICLE, '2023-12-27'],
    ['002', SECOND_SEED_ARTICLE, '2023-12-28'],
  ])('records every proposal of seed article %s as the review page sends them, and nothing new the second time', async (_name, text, publishedOn) => {
    const { json } = await propose({ text, publishedOn, publisher: 'Example Wire' });
    const before = countEvents(t.file);
    const incidents = json.proposals.map((p: Record<string, any>) => ({
      key: `article:${json.articleFingerprint}/${p.proposalId}`,
      type: p.type, actor: p.actor, target: p.target, occurredOn: p.occurredOn, summary: p.summary,
      sources: [{ publisher: 'Example Wire', publishedOn }],
      details: p.details,
    }));
    const first = await t.request('POST', '/incidents/batch', { incidents }, asReporter);
    expect([first.status, first.json.refused ?? first.json.errors ?? []]).toEqual([200, []]);
    expect(first.json).toMatchObject({ recorded: incidents.length, alreadyRecorded: 0 });
    expect(countEvents(t.file)).toBe(before + incidents.length);

    const again = await t.request('POST', '/incidents/batch', { incidents }, asReporter);
    expect(again.json).toMatchObject({ recorded: 0, alreadyRecorded: incidents.length });
    expect(countEvents(t.file)).toBe(before + incidents.length);
  });

  it('answers an article with no interstate incident with no proposals', async () => {
    const response = await propose({ text: 'The city council approved a new budget for the public library on Monday.', publishedOn: '2024-05-01' });
    expect(response.status).toBe(200);
    expect(response.json.proposals).toEqual([]);
  });

  it('names the field and the rule of bad input, and records nothing', async () => {
    const before = countEvents(t.file);
    expectFieldProblem(await propose({ publishedOn: '2023-12-27' }), 'text', /string/);
    expectFieldProblem(await propose({ text: '   ', publishedOn: '2023-12-27' }), 'text', /must not be empty/);
    expectFieldProblem(await propose({ text: 'Paris\u202Eexpels', publishedOn: '2023-12-27' }), 'text', /bidi|control/);
    expectFieldProblem(await propose({ text: 'x' }), 'publishedOn', /YYYY-MM-DD/);
    expectFieldProblem(await propose({ text: 'x', publishedOn: '2023-02-30' }), 'publishedOn', /.+/);
    expectFieldProblem(await propose({ text: 'x', publishedOn: '2024-06-02' }), 'publishedOn', /is in the future/);
    expectFieldProblem(await propose({ text: 'x', publishedOn: '2023-12-27', url: 'javascript:alert(1)' }), 'url', /http\(s\) URL/);
    expectFieldProblem(await propose({ text: 'x', publishedOn: '2023-12-27', author: 'me' }), 'author', /is not a known field/);
    expect(countEvents(t.file)).toBe(before);
  });

  it(`refuses a text over ${MAX_ARTICLE_CHARACTERS} characters with 400, and a body over 64 KiB with 413`, async () => {
    expectFieldProblem(await propose({ text: 'a'.repeat(MAX_ARTICLE_CHARACTERS + 1), publishedOn: '2023-12-27' }), 'text', new RegExp(`at most ${MAX_ARTICLE_CHARACTERS} characters`));
    const tooLarge = await propose({ text: 'é'.repeat(BODY_LIMIT_BYTES / 2 + 1), publishedOn: '2023-12-27' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('needs a reporter key', async () => {
    expect((await propose({ text: 'x', publishedOn: '2023-12-27' }, {})).status).toBe(401);
    expect((await propose({ text: 'x', publishedOn: '2023-12-27' }, { authorization: `Bearer ${READER}` })).status).toBe(403);
  });
});
