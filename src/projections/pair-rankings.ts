import type { CountryCode } from '../domain/countries.js';
import type { EvidenceFilter } from '../domain/evidence-weight.js';
import type { Beliefs } from './beliefs.js';
import type { IncidentRows } from './incident-rows.js';
import type { Perspective } from '../time/perspective.js';
import { KeptDescriptions } from './kept-descriptions.js';
import { RankingPass, type RankedPair } from './ranking-pass.js';

export { LEVEL_RANK, type RankedPair } from './ranking-pass.js';

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

/** Every pair with incidents from a perspective, in the order of the relation list, and their countries. */
export interface PairRanking {
  ranked: RankedPair[];
  countries: CountryCode[];
  /** What the pages of this ranking have described, kept while it holds (for "now", the states pass on to the next ranking while nothing is applied). */
  described: KeptDescriptions;
}

/** A ranking of "now" being made ahead, a slice at a time (ranking-ahead.ts). */
export interface RankingAheadPass {
  /** Whether the read model has applied an event since the pass began: it must be dropped. */
  readonly outdated: boolean;
  /** Ranks pairs until all are ranked or `enough()` (asked after each pair) says to stop; whether all are. */
  advance(enough: () => boolean): boolean;
  /** Keeps the finished ranking for the pages, unless the log advanced since it began or a request ranked later meanwhile; whether it kept it. */
  keep(): boolean;
}

interface KeptRanking {
  /** Events the read model had applied when it was ranked: any later one (report, correction, retraction, corroboration) may reorder. */
  events: number;
  atMs: number;
  /** The instant from which it no longer holds: a minute on, or the first incident coming due, whichever is earlier. */
  staleAtMs: number;
  ranking: PairRanking;
  /** Whether a request has read it: a ranking nobody reads is not ranked again ahead of time (beginAhead). */
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
   * A pass ranking "now" again ahead of the requests (ranking-ahead.ts advances it in slices from a
   * timer), when the kept ranking of `perspective` has been read since it was made and will not
   * hold `leadMs` from now (its minute runs out, an incident comes due, or the log has advanced):
   * ranked at the perspective's instant, the next page slices it instead of paying for 5,000 pairs.
   * A ranking nobody reads lapses: undefined then, and while the kept one holds past the lead.
   */
  beginAhead(perspective: Perspective, leadMs: number): RankingAheadPass | undefined {
    const key = perspectiveKey(perspective);
    const kept = this.kept.get(key);
    if (kept === undefined || !kept.asked || this.holds(kept, { ...perspective, atMs: perspective.atMs + leadMs })) return undefined;
    const pass = new RankingPass(this.rows, this.beliefs, perspective);
    return {
      get outdated() {
        return pass.outdated;
      },
      advance: (enough) => pass.advance(enough),
      keep: () => {
        const now = this.kept.get(key);
        // A request that found no ranking holding ranked meanwhile, at a later instant: that one is kept.
        if (pass.outdated || (now !== undefined && now.atMs > perspective.atMs)) return false;
        const fresh = this.finished(pass, now);
        fresh.asked = false;
        this.keep(key, fresh);
        return true;
      },
    };
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

  /** The ranking at the perspective's instant, made in one go: a request has no ranking that holds. */
  private rank(perspective: Perspective, previous?: KeptRanking): KeptRanking {
    const pass = new RankingPass(this.rows, this.beliefs, perspective);
    pass.advance();
    return this.finished(pass, previous);
  }

  /** `previous`: the ranking it replaces, whose states of "now" still hold if nothing was applied since (they do not depend on the instant). */
  private finished(pass: RankingPass, previous?: KeptRanking): KeptRanking {
    const { atMs, asOfMs, knownAtMs } = pass.perspective;
    const { ranked, countries, nextIncidentMs } = pass.finish();
    const fixed = asOfMs !== undefined || knownAtMs !== undefined;
    const described = !fixed && previous?.events === pass.events ? previous.ranking.described : new KeptDescriptions(fixed);
    return { events: pass.events, atMs, staleAtMs: Math.min(atMs + NOW_RANKING_MS, nextIncidentMs), ranking: { ranked, countries, described }, asked: true };
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
