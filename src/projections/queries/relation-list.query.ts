import type { CountryCode } from '../../domain/countries.js';
import type { RelationView } from '../../domain/relation-view.js';
import { LEVEL_RANK } from '../pair-rankings.js';
import type { Perspective, ReadSide } from '../read-side.js';
import { describeRelation } from './relation-view.query.js';

export interface RelationFilter {
  country?: CountryCode;
  level?: string;
}


/** The pairs with incidents from a perspective, most escalated first. */
export async function relationList(side: ReadSide, filter: RelationFilter, perspective: Perspective): Promise<RelationView[]> {
  const views: RelationView[] = [];
  const latestAt = new Map<RelationView, number>();
  for (const entry of side.rows.pairs) {
    if (filter.country && entry.a !== filter.country && entry.b !== filter.country) continue;
    // A sweep of every pair: its documents are not kept (they would flush those read again and again).
    const view = await describeRelation(side, entry, perspective, undefined, {});
    if (view.incidentCount === 0) continue;
    if (filter.level && view.escalation.level !== filter.level) continue;
    views.push(view);
    latestAt.set(view, side.beliefs.view(entry, perspective.knownAtMs, perspective.evidence).index.latestBy(perspective.atMs));
  }
  // Level first (the bands an analyst reads), then score, then the pair that moved last.
  return views.sort(
    (x, y) =>
      LEVEL_RANK.get(y.escalation.level)! - LEVEL_RANK.get(x.escalation.level)! ||
      y.escalation.score - x.escalation.score ||
      (latestAt.get(y) ?? -Infinity) - (latestAt.get(x) ?? -Infinity) ||
      x.pair.join().localeCompare(y.pair.join()),
  );
}

/** Reference instant of the earliest incident believed at `knownAtMs` among the pairs with `country` (all pairs by default). */
export function firstIncidentAt(side: ReadSide, country?: CountryCode, knownAtMs?: number): number | undefined {
  return side.earliest.of(country, knownAtMs, () => earliestOf(side, country, knownAtMs));
}

function earliestOf(side: ReadSide, country?: CountryCode, knownAtMs?: number): number | undefined {
  let first: number | undefined;
  for (const entry of side.rows.pairs) {
    if (country && entry.a !== country && entry.b !== country) continue;
    const { index } = side.beliefs.view(entry, knownAtMs);
    if (index.size > 0 && (first === undefined || index.earliest() < first)) first = index.earliest();
  }
  return first;
}
