import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock.js';
import { ProjectionRunner } from './projection-runner.js';

/** How often the ranking of "now" is checked, and how long before it would lapse it is ranked again; false: only ever ranked in a request. */
export type RankingAheadOptions = { everyMs: number; leadMs: number } | false;
export const RANKING_AHEAD_OPTIONS = Symbol('RankingAheadOptions');

/**
 * Ranking every pair of the 1M store for "now" takes 90–230 ms (more under load), and a ranking of
 * now holds a minute (pair-rankings.ts): the request that found it lapsed paid for all of it, the
 * slowest request of a minute of pages (docs/page-latency.md). Checked every 5 s, the ranking is redone 15 s before it
 * would lapse — or after the log has advanced — by a timer, between requests. Only a ranking
 * that pages have read since it was made is redone, so an idle server ranks nothing, and the
 * check asks the live read model each time, so a rebuild needs nothing of it.
 */
export const DEFAULT_RANKING_AHEAD: RankingAheadOptions = { everyMs: 5_000, leadMs: 15_000 };

@Injectable()
export class RankingAhead implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
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
    const { everyMs, leadMs } = this.options;
    // unref: the timer alone never keeps the process alive.
    this.timer = setInterval(() => {
      // A throw in a timer would end the process; a failed ranking ahead only leaves the work to the next page.
      try {
        this.check(leadMs);
      } catch (error) {
        this.logger.warn(`Ranking ahead failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, everyMs).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ranks "now" (no asOf, knownAt or evidence filter: what the dashboard and the first pages ask) again if it is read and about to lapse; whether it did. */
  check(leadMs: number): boolean {
    const atMs = this.clock.now().getTime();
    return this.runner.readModel.rankAhead({ atMs, atIso: new Date(atMs).toISOString() }, leadMs);
  }
}
