import type { CountryCode } from '../../domain/countries.js';
import { ESCALATION_LEVELS } from '../../domain/escalation.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import type { RelationView } from '../../domain/relation-view.js';
import type { PairEntry } from '../incident-rows.js';
import type { Perspective, ReadSide } from '../read-side.js';
import type { RelationFilter } from './relation-list.query.js';
import { describeRelation } from './relation-view.query.js';

export interface PageRequest {
  limit: number;
  offset: number;
}

/** Rank of each level, for ordering pairs: rupture first. */
const LEVEL_RANK = new Map<string, number>(ESCALATION_LEVELS.map((band, rank) => [band.level, rank]));

export interface RelationPage {
  /** Pairs that pass the filter, on every page. */
  total: number;
  views: RelationView[];
  /** Every country in a pair with incidents from this perspective, whatever the filter: what a filter may offer. */
  countries: CountryCode[];
}

interface Ranked {
  entry: PairEntry;
  rank: number;
  score: number;
  latestAt: number;
  key: string;
}

/**
 * One page of the pairs with incidents from a perspective, in the order of relationList (level,
 * score, the pair that moved last, the pair's codes). Every pair is ranked on its score at the
 * instant alone (no state, no conditions, no document); only the pairs on the page are described in full, with their top
 * contributors read from the store. That is what makes a page of 5,000 pairs cost a page.
 */
export async function relationPage(side: ReadSide, filter: RelationFilter, perspective: Perspective, page: PageRequest): Promise<RelationPage> {
  const ranked: Ranked[] = [];
  const countries = new Set<CountryCode>();
  // Without asOf/knownAt every incident counts (as in the view's state); with either, those occurred by its instant.
  const stateAt = perspective.asOfMs === undefined && perspective.knownAtMs === undefined ? Infinity : perspective.atMs;
  for (const entry of side.rows.pairs) {
    // Only what ordering needs: the score and level at the instant, the count and the latest incident — not the state or the conditions.
    const { index } = side.beliefs.view(entry, perspective.knownAtMs, perspective.evidence);
    const incidentCount = index.occurredBy(stateAt);
    if (incidentCount === 0) continue;
    countries.add(entry.a).add(entry.b);
    if (filter.country && entry.a !== filter.country && entry.b !== filter.country) continue;
    const { score, level } = index.scoreAt(perspective.atMs);
    if (filter.level && level !== filter.level) continue;
    ranked.push({ entry, rank: LEVEL_RANK.get(level)!, score, latestAt: index.latestBy(perspective.atMs), key: `${entry.a},${entry.b}` });
  }
  ranked.sort((x, y) => y.rank - x.rank || y.score - x.score || y.latestAt - x.latestAt || x.key.localeCompare(y.key));
  const onPage = ranked.slice(page.offset, page.offset + page.limit);
  const views: RelationView[] = [];
  for (const { entry } of onPage) views.push(await describeRelation(side, entry, perspective));
  return { total: ranked.length, views, countries: [...countries].sort() };
}

/** The pair's score at each instant (sorted), from what was known at `knownAtMs` (of the incidents passing `evidence`): a sparkline's points. */
export function scoresAt(side: ReadSide, a: CountryCode, b: CountryCode, instants: readonly number[], knownAtMs?: number, evidence?: EvidenceFilter): number[] | undefined {
  const entry = side.rows.pair(a, b);
  if (!entry) return undefined;
  const { index } = side.beliefs.view(entry, knownAtMs, evidence);
  return index.scoresAt(instants).map((point) => point.score);
}
