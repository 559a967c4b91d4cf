import type { CountryCode } from '../domain/countries.js';
import { ESCALATION_LEVELS, type EscalationLevel } from '../domain/escalation.js';
import type { EvidenceFilter } from '../domain/evidence-weight.js';
import type { Beliefs } from './beliefs.js';
import type { IncidentRows, PairEntry } from './incident-rows.js';
import type { Perspective } from '../time/perspective.js';
import { KeptDescriptions } from './kept-descriptions.js';

/** Rank of each level, for ordering pairs: rupture first. */
export const LEVEL_RANK = new Map<string, number>(ESCALATION_LEVELS.map((band, rank) => [band.level, rank]));

/**
 * How long a ranking of "now" is reused while nothing is recorded and no incident comes due. Its
 * scores decay meanwhile, all by the same factor (30-day half-life): over a minute a score moves by
 * under 0.001 point, so the order can differ from a fresh one only between two pairs whose shown
 * scores (rounded to 0.1) sit within that of a rounding step. The page still describes each pair
 * at the exact instant asked.
 */
export const NOW_RANKING_MS = 60_000;
/** Rankings kept at once (one per perspective: now, an asOf, a knownAt, an evidence filter), least recently used dropped. */
const KEPT_RANKINGS = 8;

export interface RankedPair {
  entry: PairEntry;
  rank: number;
  level: EscalationLevel;
  score: number;
  latestAt: number;
  key: string;
}

/** Every pair with incidents from a perspective, in the order of the relation list, and their countries. */
export interface PairRanking {
  ranked: RankedPair[];
  countries: CountryCode[];
  /** What the pages of this ranking have described, kept while it holds (for "now", the states pass on to the next ranking while nothing is applied). */
  described: KeptDescriptions;
}

interface KeptRanking {
  /** Events the read model had applied when it was ranked: any later one (report, correction, retraction, corroboration) may reorder. */
  events: number;
  atMs: number;
  /** The instant from which it no longer holds: a minute on, or the first incident coming due, whichever is earlier. */
  staleAtMs: number;
  ranking: PairRanking;
  /** Whether a request has read it: a ranking nobody reads is not ranked again ahead of time (rankAhead). */
  asked: boolean;
}

/**
 * The ranking of every pair (level, score, the pair that moved last, its codes) that a page of
 * `GET /relations` or the overview slices. Ranking 5,000 pairs costs a pass over all of them, so
 * it is kept per perspective until the log advances; a ranking at a fixed instant (asOf or
 * knownAt) holds until then, a ranking of "now" at most NOW_RANKING_MS. Bound to one read model:
 * a rebuild makes a new one.
 */
export class PairRankings {
  private readonly kept = new Map<string, KeptRanking>();

  constructor(
    private readonly rows: IncidentRows,
    private readonly beliefs: Beliefs,
  ) {}

  of(perspective: Perspective): PairRanking {
    const key = perspectiveKey(perspective);
    const kept = this.kept.get(key);
    if (kept && this.holds(kept, perspective)) {
      kept.asked = true;
      // Map order is insertion order: a hit moves to the end, so the first is the least recently used.
      this.kept.delete(key);
      this.kept.set(key, kept);
      return kept.ranking;
    }
    const fresh = this.rank(perspective, kept);
    this.keep(key, fresh);
    return fresh.ranking;
  }

  /**
   * Ranks "now" again ahead of the requests (ranking-ahead.ts calls it from a timer): when the kept
   * ranking of `perspective` has been read since it was made and will not hold `leadMs` from now
   * (its minute runs out, an incident comes due, or the log has advanced), it is ranked afresh at
   * the perspective's instant, so the next page slices it instead of paying for 5,000 pairs. A
   * ranking nobody reads lapses. Returns whether it ranked.
   */
  rankAhead(perspective: Perspective, leadMs: number): boolean {
    const key = perspectiveKey(perspective);
    const kept = this.kept.get(key);
    if (kept === undefined || !kept.asked || this.holds(kept, { ...perspective, atMs: perspective.atMs + leadMs })) return false;
    const fresh = this.rank(perspective, kept);
    fresh.asked = false;
    this.keep(key, fresh);
    return true;
  }

  private keep(key: string, ranking: KeptRanking): void {
    this.kept.delete(key);
    this.kept.set(key, ranking);
    if (this.kept.size > KEPT_RANKINGS) this.kept.delete(this.kept.keys().next().value!);
  }

  /**
   * The ranking at exactly `perspective.atMs`: the kept one when it was ranked then, else a fresh
   * one, not kept (a sweep of every pair "now" is asked at a new instant each time; keeping it
   * would push out the minute's ranking the pages use). What a list of every pair is ordered by,
   * so it is the order of that instant, never a minute old.
   */
  at(perspective: Perspective): PairRanking {
    const kept = this.kept.get(perspectiveKey(perspective));
    if (kept && kept.atMs === perspective.atMs && this.holds(kept, perspective)) return kept.ranking;
    return this.rank(perspective).ranking;
  }

  private holds(kept: KeptRanking, perspective: Perspective): boolean {
    if (kept.events !== this.rows.events) return false;
    if (perspective.asOfMs !== undefined || perspective.knownAtMs !== undefined) return kept.atMs === perspective.atMs;
    return perspective.atMs >= kept.atMs && perspective.atMs < kept.staleAtMs;
  }

  /** `previous`: the ranking it replaces, whose states of "now" still hold if nothing was applied since (they do not depend on the instant). */
  private rank(perspective: Perspective, previous?: KeptRanking): KeptRanking {
    const { atMs, asOfMs, knownAtMs, evidence } = perspective;
    const ranked: RankedPair[] = [];
    const countries = new Set<CountryCode>();
    let nextIncidentMs = Infinity;
    // Without asOf/knownAt every incident counts (as in the view's state); with either, those occurred by its instant.
    const stateAt = asOfMs === undefined && knownAtMs === undefined ? Infinity : atMs;
    for (const entry of this.rows.pairs) {
      // Only what ordering needs: the score and level at the instant, the count and the latest incident — not the state or the conditions.
      const { index } = this.beliefs.view(entry, knownAtMs, evidence);
      nextIncidentMs = Math.min(nextIncidentMs, index.nextAfter(atMs));
      if (index.occurredBy(stateAt) === 0) continue;
      countries.add(entry.a).add(entry.b);
      const { score, level } = index.scoreAt(atMs);
      ranked.push({ entry, rank: LEVEL_RANK.get(level)!, level, score, latestAt: index.latestBy(atMs), key: `${entry.a},${entry.b}` });
    }
    ranked.sort((x, y) => y.rank - x.rank || y.score - x.score || y.latestAt - x.latestAt || x.key.localeCompare(y.key));
    const fixed = asOfMs !== undefined || knownAtMs !== undefined;
    const described = !fixed && previous?.events === this.rows.events ? previous.ranking.described : new KeptDescriptions(fixed);
    return {
      events: this.rows.events,
      atMs,
      staleAtMs: Math.min(atMs + NOW_RANKING_MS, nextIncidentMs),
      ranking: { ranked, countries: [...countries].sort(), described },
      asked: true,
    };
  }
}

function perspectiveKey({ asOfMs, knownAtMs, evidence }: Perspective): string {
  return `${asOfMs ?? ''}|${knownAtMs ?? ''}|${evidenceKey(evidence)}`;
}

/** The filter as text: its provenances (a Set, which JSON.stringify would write as {}) sorted, and its minimum of sources. */
export function evidenceKey(evidence: EvidenceFilter | undefined): string {
  if (evidence === undefined) return '';
  return `${[...(evidence.provenance ?? [])].sort().join(',')}/${evidence.minSources ?? ''}`;
}
