import { jest } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { generateLog } from '../../bench/replay-generate.js';
import { DAY_MS } from '../../src/domain/numbers.js';
import { RelationIndex } from '../../src/domain/relation-index.js';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { PairRanking, PairRankings } from '../../src/projections/pair-rankings.js';
import type { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { RankingAhead } from '../../src/projections/ranking-ahead.js';
import { RankingPass } from '../../src/projections/ranking-pass.js';
import type { ReadSide } from '../../src/projections/read-side.js';
import { RelationsReadModel, type Perspective } from '../../src/projections/relations.read-model.js';
import { fixedClock } from '../support/test-app.js';

/**
 * The ranking of every pair made in slices (ranking-pass.ts, ranking-ahead.ts), so the timer that
 * ranks "now" ahead gives the event loop back between slices: wherever the slices are cut, it is
 * the ranking made in one go at the same instant; a pass the read model moved under is dropped,
 * never kept; and the timer's pass really does let other work run between its slices.
 */

const PAIRS = 40;
const HELD_BACK = 20;

let dir: string;
let store: SqliteEventStore;
let log: StoredEvent[];
/** Read models that never rank ahead: the one every spec starts from, and the one with the whole log (the held-back events applied). */
let reference: RelationsReadModel;
let whole: RelationsReadModel;

beforeAll(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'demarche-ranking-slices-'));
  const file = join(dir, 'demarche.db');
  await generateLog({ file, events: 3_000, pairs: PAIRS, skew: 1, seed: 11 });
  store = new SqliteEventStore({ file });
  log = (await store.readAll(null, 100_000)).events;
  reference = modelOfLog();
  whole = modelOfLog();
  for (const event of log.slice(-HELD_BACK)) whole.apply(event);
}, 60_000);

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => jest.restoreAllMocks());

/** A read model with all but the last HELD_BACK events of the log applied (those are applied mid-pass). */
function modelOfLog(): RelationsReadModel {
  const model = new RelationsReadModel((a, b) => store.comparePositions(a, b), (streamId, revision, count) => store.readStream(streamId, revision, count));
  for (const event of log.slice(0, -HELD_BACK)) model.apply(event);
  return model;
}

const sideOf = (model: RelationsReadModel) => (model as unknown as { side: ReadSide }).side;
const rankingsOf = (model: RelationsReadModel): PairRankings => sideOf(model).rankings;

/** What a page of the ranking shows of its order: pair, level, score and the instant it moved last. */
const orderOf = (ranked: PairRanking['ranked']) => ranked.map(({ key, level, score, latestAt }) => ({ key, level, score, latestAt }));

const lastRecordedMs = () => Date.parse(String(log.at(-1)!.data.recordedAt));
const perspectiveAt = (atMs: number, extra: Partial<Perspective> = {}): Perspective => ({ atMs, atIso: new Date(atMs).toISOString(), ...extra });

/** An instant within the log's span or a year after it, and one of the three ways of looking: now, as of, known at. */
const aPerspective = fc
  .tuple(fc.integer({ min: 0, max: 4_000 }), fc.constantFrom('now' as const, 'asOf' as const, 'knownAt' as const))
  .map(([daysBack, kind]) => {
    const atMs = lastRecordedMs() + 365 * DAY_MS - daysBack * DAY_MS;
    return kind === 'now' ? perspectiveAt(atMs) : perspectiveAt(atMs, kind === 'asOf' ? { asOfMs: atMs } : { knownAtMs: atMs });
  });

it('ranks the same pairs in the same order however the pass is cut into slices', () => {
  const model = modelOfLog();
  const { rows, beliefs } = sideOf(model);
  fc.assert(
    fc.property(aPerspective, fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 40 }), (perspective, cuts) => {
      const inOneGo = new RankingPass(rows, beliefs, perspective);
      expect(inOneGo.advance()).toBe(true);
      const sliced = new RankingPass(rows, beliefs, perspective);
      let slices = 0;
      for (let done = false; !done; slices++) {
        let ranked = 0;
        const cut = cuts[slices % cuts.length];
        done = sliced.advance(() => ++ranked >= cut);
      }
      // Cut into slices of at most 15 pairs, 40 pairs take at least three.
      expect(slices).toBeGreaterThanOrEqual(3);
      const [expected, actual] = [inOneGo.finish(), sliced.finish()];
      expect(orderOf(actual.ranked)).toEqual(orderOf(expected.ranked));
      expect(actual.countries).toEqual(expected.countries);
      expect(actual.nextIncidentMs).toBe(expected.nextIncidentMs);
    }),
    { numRuns: 60 },
  );
});

it('keeps a ranking made ahead in slices that equals a fresh one at its instant, and pages read it at later instants of its minute', () => {
  const model = modelOfLog();
  const rankings = rankingsOf(model);
  const startMs = lastRecordedMs() + 400 * DAY_MS;
  fc.assert(
    fc.property(fc.integer({ min: 45_001, max: 59_999 }), fc.integer({ min: 1, max: 9 }), (offsetMs, cut) => {
      const first = perspectiveAt(startMs);
      rankings.of(first);
      const aheadAt = perspectiveAt(startMs + offsetMs);
      const pass = rankings.beginAhead(aheadAt, 15_000)!;
      expect(pass).toBeDefined();
      let ranked = 0;
      while (!pass.advance(() => ++ranked % cut === 0));
      expect(pass.keep()).toBe(true);
      const fresh = freshOrder(reference, aheadAt);
      // A page 20 s later (past the first ranking's minute) slices the ranking made ahead.
      const scoreAt = jest.spyOn(RelationIndex.prototype, 'scoreAt');
      expect(orderOf(rankings.of(perspectiveAt(startMs + offsetMs + 20_000)).ranked)).toEqual(fresh);
      expect(scoreAt).not.toHaveBeenCalled();
      scoreAt.mockRestore();
    }),
    { numRuns: 20 },
  );
});

it('drops a pass the read model applied an event under, and the next page ranks with that event', () => {
  const model = modelOfLog();
  const rankings = rankingsOf(model);
  const startMs = lastRecordedMs() + DAY_MS;
  rankings.of(perspectiveAt(startMs));
  const later = perspectiveAt(startMs + 50_000);
  const pass = rankings.beginAhead(later, 15_000)!;
  let ranked = 0;
  expect(pass.advance(() => ++ranked === 10)).toBe(false);
  for (const event of log.slice(-HELD_BACK)) model.apply(event);
  expect(pass.outdated).toBe(true);
  expect(() => pass.advance(() => false)).toThrow(/applied another event/);
  expect(pass.keep()).toBe(false);
  const page = orderOf(rankings.of(later).ranked);
  expect(page).toEqual(freshOrder(whole, later));
});

/** The ranking at one instant of a read model that never ranked ahead: what a fresh server shows. */
const freshOrder = (model: RelationsReadModel, perspective: Perspective) => orderOf(rankingsOf(model).at(perspective).ranked);

describe('the timer that ranks now ahead (RankingAhead)', () => {
  const NOW_MS = Date.parse('2026-06-01T12:00:00.000Z');

  function aheadOf(model: RelationsReadModel) {
    const clock = fixedClock(new Date(NOW_MS).toISOString());
    // The runner only hands the live read model over.
    // Checked every minute: the timer does not fire within a spec, which calls check itself.
    const ahead = new RankingAhead({ readModel: model } as unknown as ProjectionRunner, clock, { everyMs: 60_000, leadMs: 15_000 });
    ahead.onApplicationBootstrap();
    return { ahead, clock, pairs: model.pairCount };
  }

  it('gives the event loop back between slices, and keeps the ranking it made', async () => {
    const model = modelOfLog();
    const { ahead, clock, pairs } = aheadOf(model);
    rankingsOf(model).of(perspectiveAt(NOW_MS));
    clock.set('2026-06-01T12:00:50.000Z');
    const scoreAt = jest.spyOn(RelationIndex.prototype, 'scoreAt');
    let turnsBetween = 0;
    // Slices of 0 ms: one pair each. Other work queued meanwhile runs while the pass is under way.
    const checked = ahead.check(15_000, 0);
    for (let turn = 0; turn < 5; turn++) {
      await nextTurn();
      if (scoreAt.mock.calls.length < pairs) turnsBetween++;
    }
    expect(turnsBetween).toBe(5);
    expect(scoreAt.mock.calls.length).toBeGreaterThan(0);
    expect(await checked).toBe(true);
    expect(scoreAt).toHaveBeenCalledTimes(pairs);
    // A page 5 s on slices it: the order of a fresh ranking at the instant it was made.
    expect(orderOf(rankingsOf(model).of(perspectiveAt(NOW_MS + 55_000)).ranked)).toEqual(freshOrder(reference, perspectiveAt(NOW_MS + 50_000)));
    expect(scoreAt).toHaveBeenCalledTimes(2 * pairs);
    ahead.onApplicationShutdown();
  });

  it('drops its pass when an event is applied between slices, leaving the ranking to the next request', async () => {
    const model = modelOfLog();
    const { ahead, clock } = aheadOf(model);
    rankingsOf(model).of(perspectiveAt(NOW_MS));
    clock.set('2026-06-01T12:00:50.000Z');
    const checked = ahead.check(15_000, 0);
    await nextTurn();
    for (const event of log.slice(-HELD_BACK)) model.apply(event);
    expect(await checked).toBe(false);
    const scoreAt = jest.spyOn(RelationIndex.prototype, 'scoreAt');
    const page = orderOf(rankingsOf(model).of(perspectiveAt(NOW_MS + 50_000)).ranked);
    // Nothing was kept from the dropped pass: the request ranks every pair, with the events applied.
    expect(scoreAt).toHaveBeenCalledTimes(model.pairCount);
    expect(page).toEqual(freshOrder(whole, perspectiveAt(NOW_MS + 50_000)));
    ahead.onApplicationShutdown();
  });
});
