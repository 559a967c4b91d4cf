import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CLOCK, type Clock } from '../clock.js';
import { ProjectionRunner } from './projection-runner.js';

/**
 * How often the ranking of "now" is checked, how long before it would lapse it is ranked again,
 * and how long one slice of that ranking may hold the event loop; false: only ever ranked in a request.
 */
export type RankingAheadOptions = { everyMs: number; leadMs: number; sliceMs?: number } | false;
export const RANKING_AHEAD_OPTIONS = Symbol('RankingAheadOptions');

/**
 * Ranking every pair of the 1M store for "now" takes 36–230 ms (more under load), and a ranking of
 * now holds a minute (pair-rankings.ts): the request that found it lapsed paid for all of it, the
 * slowest request of a minute of pages (docs/page-latency.md). Checked every 5 s, the ranking is redone 15 s before it
 * would lapse — or after the log has advanced — by a timer, between requests. Only a ranking
 * that pages have read since it was made is redone, so an idle server ranks nothing, and the
 * check asks the live read model each time, so a rebuild needs nothing of it.
 *
 * Made in one go, that ranking still held every other request (views, timelines, pages) for as
 * long: it is made in slices of `sliceMs` (3 ms: under a tenth of the timeline's p99 target),
 * giving the event loop back between them (setImmediate, so requests already arrived are read
 * first). A pass is dropped when the read model applies an event or is rebuilt under it, and left
 * to the next check: under a steady stream of writes no ranking ahead would hold anyway.
 */
const DEFAULT_SLICE_MS = 3;
export const DEFAULT_RANKING_AHEAD: RankingAheadOptions = { everyMs: 5_000, leadMs: 15_000, sliceMs: DEFAULT_SLICE_MS };

@Injectable()
export class RankingAhead implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private ranking = false;
  private readonly logger = new Logger(RankingAhead.name);

  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(RANKING_AHEAD_OPTIONS) private readonly options: RankingAheadOptions = DEFAULT_RANKING_AHEAD,
  ) {}

  /** Whether the timer is set: from the start of the app to its close, unless turned off. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  onApplicationBootstrap(): void {
    if (this.options === false) return;
    const { everyMs, leadMs, sliceMs = DEFAULT_SLICE_MS } = this.options;
    // unref: the timer alone never keeps the process alive.
    this.timer = setInterval(() => {
      // A pass still under way is not begun twice.
      if (this.ranking) return;
      // A failed ranking ahead only leaves the work to the next page; an unhandled rejection would end the process.
      this.check(leadMs, sliceMs).catch((error: unknown) => {
        this.logger.warn(`Ranking ahead failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }, everyMs).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Ranks "now" (no asOf, knownAt or evidence filter: what the dashboard and the first pages ask)
   * again, in slices of `sliceMs`, if it is read and about to lapse; whether a new ranking was kept.
   */
  async check(leadMs: number, sliceMs: number): Promise<boolean> {
    const model = this.runner.readModel;
    const atMs = this.clock.now().getTime();
    const pass = model.rankingAhead({ atMs, atIso: new Date(atMs).toISOString() }, leadMs);
    if (pass === undefined) return false;
    this.ranking = true;
    try {
      for (;;) {
        const sliceEnd = performance.now() + sliceMs;
        if (pass.advance(() => performance.now() >= sliceEnd)) return pass.keep();
        await nextTurn();
        // Something applied or rebuilt between slices, or the app closing: what was ranked so far is dropped.
        if (pass.outdated || this.runner.readModel !== model || !this.running) return false;
      }
    } finally {
      this.ranking = false;
    }
  }
}
