import type { CountryCode } from '../../domain/countries.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import type { RelationView } from '../../domain/relation-view.js';
import type { Perspective, ReadSide } from '../read-side.js';
import { pairsMatching, type PageRequest, type RelationFilter } from './relation-sweep.query.js';
import { describeRelation } from './relation-view.query.js';

/**
 * Longest page whose pairs' documents are kept for next time: a page someone reads (the dashboard
 * asks 50). A longer one is a sweep (an export, the overview of every pair) whose 25,000 documents
 * would flush the kept ones — a year's timeline tooltips among them — for nothing.
 */
const READ_AGAIN_PAGE = 100;

export type { PageRequest } from './relation-sweep.query.js';

export interface RelationPage {
  /** Pairs that pass the filter, on every page. */
  total: number;
  views: RelationView[];
  /** Every country in a pair with incidents from this perspective, whatever the filter: what a filter may offer. */
  countries: CountryCode[];
}

/**
 * One page of the pairs with incidents from a perspective, in the order of relationList (level,
 * score, the pair that moved last, the pair's codes). Every pair is ranked on its score at the
 * instant alone, and that ranking is kept (pair-rankings.ts says for how long); only the pairs on
 * the page are described in full, with their top contributors read from the store, and what of
 * those descriptions holds as long as the ranking is kept with it (kept-descriptions.ts). That is
 * what makes a page of 5,000 pairs cost a page.
 */
export async function relationPage(side: ReadSide, filter: RelationFilter, perspective: Perspective, page: PageRequest): Promise<RelationPage> {
  const { ranked, countries, described } = side.rankings.of(perspective);
  const matching = pairsMatching(ranked, filter);
  const views: RelationView[] = [];
  const reading = { keep: page.limit <= READ_AGAIN_PAGE };
  for (const { entry } of matching.slice(page.offset, page.offset + page.limit)) views.push(await describeRelation(side, entry, perspective, described, reading));
  return { total: matching.length, views, countries };
}

/** The pair's score at each instant (sorted), from what was known at `knownAtMs` (of the incidents passing `evidence`): a sparkline's points. */
export function scoresAt(side: ReadSide, a: CountryCode, b: CountryCode, instants: readonly number[], knownAtMs?: number, evidence?: EvidenceFilter): number[] | undefined {
  const entry = side.rows.pair(a, b);
  if (!entry) return undefined;
  const { index } = side.beliefs.view(entry, knownAtMs, evidence);
  return index.shownScoresAt(instants);
}
