import type { CountryCode } from '../../domain/countries.js';
import type { RelationView } from '../../domain/relation-view.js';
import type { Perspective, ReadSide } from '../read-side.js';
import { relationSweep, type RelationFilter } from './relation-sweep.query.js';

export type { RelationFilter } from './relation-sweep.query.js';

/** The pairs with incidents from a perspective, most escalated first, described all at once (relationSweep describes them one at a time). */
export async function relationList(side: ReadSide, filter: RelationFilter, perspective: Perspective): Promise<RelationView[]> {
  const views: RelationView[] = [];
  for await (const view of relationSweep(side, filter, perspective).views) views.push(view);
  return views;
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
