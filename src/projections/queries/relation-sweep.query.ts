import type { CountryCode } from '../../domain/countries.js';
import type { RelationView } from '../../domain/relation-view.js';
import type { RankedPair } from '../pair-rankings.js';
import type { Perspective, ReadSide } from '../read-side.js';
import { describeRelation } from './relation-view.query.js';

export interface RelationFilter {
  country?: CountryCode;
  level?: string;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

/**
 * Pairs of a list, described one at a time as they are read: how a list of every pair (5,000 on
 * the 1M store) is answered without holding 5,000 views and their JSON at once. `total` and
 * `countries` are known before the first pair is described (the ranking has them).
 */
export interface RelationSweep {
  /** Pairs that pass the filter (the whole list, whatever the page). */
  total: number;
  /** Every country in a pair with incidents from this perspective, whatever the filter. */
  countries: CountryCode[];
  /** The pairs swept, in the list's order, each described when it is asked for. */
  views: AsyncIterable<RelationView>;
}

/** The ranked pairs `filter` lets through, in the ranking's order. */
export function pairsMatching(ranked: RankedPair[], filter: RelationFilter): RankedPair[] {
  if (filter.country === undefined && filter.level === undefined) return ranked;
  return ranked.filter(({ entry, level }) => (!filter.country || entry.a === filter.country || entry.b === filter.country) && (!filter.level || level === filter.level));
}

/**
 * Without `page`: every pair with incidents, in the order at exactly the perspective's instant
 * (as relationList always answered it, never a kept ranking's minute-old order). With `page`: the
 * pairs of that page of the kept ranking, as relationPage orders them. Either way a sweep: the
 * top contributors' documents are not kept (25,000 of them would flush the few read again).
 */
export function relationSweep(side: ReadSide, filter: RelationFilter, perspective: Perspective, page?: PageRequest): RelationSweep {
  const ranking = page === undefined ? side.rankings.at(perspective) : side.rankings.of(perspective);
  const matching = pairsMatching(ranking.ranked, filter);
  const swept = page === undefined ? matching : matching.slice(page.offset, page.offset + page.limit);
  // A page's descriptions are kept with its ranking (kept-descriptions.ts); a fresh ranking of every pair is dropped after.
  const kept = page === undefined ? undefined : ranking.described;
  async function* views(): AsyncGenerator<RelationView> {
    for (const { entry } of swept) yield await describeRelation(side, entry, perspective, kept, {});
  }
  return { total: matching.length, countries: ranking.countries, views: views() };
}
