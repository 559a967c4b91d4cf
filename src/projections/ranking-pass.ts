import type { CountryCode } from '../domain/countries.js';
import { ESCALATION_LEVELS, type EscalationLevel } from '../domain/escalation.js';
import type { Perspective } from '../time/perspective.js';
import type { Beliefs } from './beliefs.js';
import type { IncidentRows, PairEntry } from './incident-rows.js';

/** Rank of each level, for ordering pairs: rupture first. */
export const LEVEL_RANK = new Map<string, number>(ESCALATION_LEVELS.map((band, rank) => [band.level, rank]));

export interface RankedPair {
  entry: PairEntry;
  rank: number;
  level: EscalationLevel;
  score: number;
  latestAt: number;
  key: string;
}

/** What a finished pass found: every pair with incidents, in the order of the relation list, their countries, and when it stops holding. */
export interface RankingFound {
  ranked: RankedPair[];
  countries: CountryCode[];
  /** Reference instant of the first incident of any pair not yet occurred at the pass's instant (Infinity when none). */
  nextIncidentMs: number;
}

/**
 * One ranking of every pair at one perspective, made a pair at a time so that it can be made in
 * slices: the timer that ranks "now" ahead (ranking-ahead.ts) gives the event loop back between
 * slices, where ranking the 5,000 pairs of the 1M store in one go held every other request for
 * 36–230 ms (docs/page-latency.md, 3 Dec 2026). A request that needs a ranking makes it the same
 * way, in one slice. The pass reads the pairs as they are when each is ranked, so it is only
 * sound while the read model applies nothing: `outdated` says when it has, and such a pass is
 * dropped, never finished.
 */
export class RankingPass {
  /** Events the read model had applied when the pass began. */
  readonly events: number;
  private readonly ranked: RankedPair[] = [];
  private readonly countries = new Set<CountryCode>();
  private nextIncidentMs = Infinity;
  private next = 0;
  /** Without asOf/knownAt every incident counts (as in the view's state); with either, those occurred by its instant. */
  private readonly stateAt: number;

  constructor(
    private readonly rows: IncidentRows,
    private readonly beliefs: Beliefs,
    readonly perspective: Perspective,
  ) {
    this.events = rows.events;
    const { atMs, asOfMs, knownAtMs } = perspective;
    this.stateAt = asOfMs === undefined && knownAtMs === undefined ? Infinity : atMs;
  }

  /** Whether the read model has applied an event since the pass began: what it ranked may no longer be so. */
  get outdated(): boolean {
    return this.rows.events !== this.events;
  }

  /** Whether every pair has been ranked. */
  get done(): boolean {
    return this.next >= this.rows.pairs.length;
  }

  /**
   * Ranks pairs, one after another, until all are ranked or `enough()` (asked after each pair)
   * says to stop; whether all are.
   */
  advance(enough: () => boolean = () => false): boolean {
    if (this.outdated) throw new Error('A ranking pass cannot go on once the read model has applied another event');
    const { atMs, knownAtMs, evidence } = this.perspective;
    const pairs = this.rows.pairs;
    while (this.next < pairs.length) {
      const entry = pairs[this.next++];
      // Only what ordering needs: the score and level at the instant, the count and the latest incident — not the state or the conditions.
      const { index } = this.beliefs.view(entry, knownAtMs, evidence);
      this.nextIncidentMs = Math.min(this.nextIncidentMs, index.nextAfter(atMs));
      if (index.occurredBy(this.stateAt) > 0) {
        this.countries.add(entry.a).add(entry.b);
        const { score, level } = index.scoreAt(atMs);
        this.ranked.push({ entry, rank: LEVEL_RANK.get(level)!, level, score, latestAt: index.latestBy(atMs), key: `${entry.a},${entry.b}` });
      }
      if (enough()) break;
    }
    return this.done;
  }

  /** The ranking, once every pair is ranked: level, then score, then the pair that moved last, then the codes. */
  finish(): RankingFound {
    if (!this.done || this.outdated) throw new Error('A ranking pass is finished only once it has ranked every pair, with nothing applied since it began');
    this.ranked.sort((x, y) => y.rank - x.rank || y.score - x.score || y.latestAt - x.latestAt || x.key.localeCompare(y.key));
    return { ranked: this.ranked, countries: [...this.countries].sort(), nextIncidentMs: this.nextIncidentMs };
  }
}
