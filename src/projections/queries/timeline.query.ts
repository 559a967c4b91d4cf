import type { CountryCode } from '../../domain/countries.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import type { TimelinePoint } from '../../domain/timeline.js';
import type { ReadSide } from '../read-side.js';

/** A timeline point as served: the incidents listed (perhaps only the heaviest) and how many arrived in all. */
export interface ListedTimelinePoint extends TimelinePoint {
  /** Incidents whose reference instant falls after the previous point and not after this one, listed or not. */
  incidentCount: number;
}

/** How many of each point's arrivals to list: every one (`Infinity`), the heaviest few, or none. */
export interface TimelineListing {
  most: number;
}

export const EVERY_INCIDENT: TimelineListing = { most: Infinity };

/**
 * Score and level at each instant (sorted), with the incidents arriving at each (of those passing
 * `evidence`): at most `listing.most` of them, the heaviest (|Goldstein weight| × m_i, the earlier
 * on a tie), in the order they arrived, and the count of all of them.
 *
 * Only the listed incidents' documents are read from the store. A capped listing is a chart's
 * tooltips — a few hundred documents asked again and again — so those are kept (kept-documents.ts);
 * every incident of a busy year (30,000 for the busiest pair of the 1M store) would only flush them.
 */
export async function timelineOf(
  side: ReadSide,
  a: CountryCode,
  b: CountryCode,
  instants: readonly number[],
  knownAtMs?: number,
  evidence?: EvidenceFilter,
  listing: TimelineListing = EVERY_INCIDENT,
): Promise<ListedTimelinePoint[] | undefined> {
  const entry = side.rows.pair(a, b);
  if (!entry) return undefined;
  const view = side.beliefs.view(entry, knownAtMs, evidence);
  let arrived = 0;
  const scores = view.index.scoresAt(instants);
  const points = instants.map((atMs, p) => {
    const { score, level } = scores[p];
    const occurred = view.index.occurredBy(atMs);
    const incidentCount = occurred - arrived;
    const incidents = view.index.heaviestBetween(arrived, occurred, listing.most);
    arrived = occurred;
    return { atMs, score, level, incidentCount, incidents };
  });
  const rows = points.flatMap((point) => point.incidents.map((i) => view.rows.data[i]));
  const documents = await side.documents.of(rows, knownAtMs, { keep: listing.most !== Infinity });
  let next = 0;
  return points.map(({ incidents, ...point }) => ({ ...point, incidents: incidents.map(() => documents[next++].believed) }));
}
