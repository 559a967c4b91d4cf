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

/** A timeline whose points are read as they are taken: what a long listing is streamed from. */
export interface TimelineSweep {
  /** Incidents listed over every point: what the size of the answer follows. */
  listed: number;
  /** The points in order, each with its incidents' documents. */
  points: AsyncGenerator<ListedTimelinePoint>;
}

/**
 * Documents read from the store at once. Every incident of the busiest pair's year (30,000) read
 * together held all their documents, and the points made of them, in the heap at once: the peak
 * of the server's memory on the 1M store. A thousand is still a few runs of consecutive revisions
 * per read (incident-documents.ts), so the reads stay as few.
 */
export const DOCUMENTS_PER_READ = 1_000;

/** A point worked out from the indexes alone: the store rows of the incidents it lists, documents not yet read. */
interface PlannedPoint {
  atMs: number;
  score: number;
  level: TimelinePoint['level'];
  incidentCount: number;
  rows: number[];
}

/**
 * Score and level at each instant (sorted), with the incidents arriving at each (of those passing
 * `evidence`): at most `listing.most` of them, the heaviest (|Goldstein weight| × m_i, the earlier
 * on a tie), in the order they arrived, and the count of all of them.
 *
 * Scores, counts and which incidents are listed are all worked out before the first document is
 * read, so every point is of the same instant of the read model; the documents (summaries) are
 * then read DOCUMENTS_PER_READ at a time as the points are taken. Only the listed incidents'
 * documents are read. A capped listing is a chart's tooltips — a few hundred documents asked
 * again and again — so those are kept (kept-documents.ts); every incident of a busy year would
 * only flush them.
 */
export function timelineSweep(
  side: ReadSide,
  a: CountryCode,
  b: CountryCode,
  instants: readonly number[],
  knownAtMs?: number,
  evidence?: EvidenceFilter,
  listing: TimelineListing = EVERY_INCIDENT,
): TimelineSweep | undefined {
  const entry = side.rows.pair(a, b);
  if (!entry) return undefined;
  const view = side.beliefs.view(entry, knownAtMs, evidence);
  let arrived = 0;
  let listed = 0;
  const scores = view.index.scoresAt(instants);
  const planned: PlannedPoint[] = instants.map((atMs, p) => {
    const { score, level } = scores[p];
    const occurred = view.index.occurredBy(atMs);
    const incidentCount = occurred - arrived;
    const rows = view.index.heaviestBetween(arrived, occurred, listing.most).map((i) => view.rows.data[i]);
    arrived = occurred;
    listed += rows.length;
    return { atMs, score, level, incidentCount, rows };
  });
  return { listed, points: withDocuments(side, planned, knownAtMs, listing.most !== Infinity) };
}

/** `planned`, each point given its incidents as believed, the documents read a slice of points at a time. */
async function* withDocuments(side: ReadSide, planned: readonly PlannedPoint[], knownAtMs: number | undefined, keep: boolean): AsyncGenerator<ListedTimelinePoint> {
  for (let start = 0; start < planned.length; ) {
    // At least one point per read, however many incidents it lists.
    let end = start + 1;
    let rows = planned[start].rows.length;
    while (end < planned.length && rows + planned[end].rows.length <= DOCUMENTS_PER_READ) rows += planned[end++].rows.length;
    const slice = planned.slice(start, end);
    const documents = await side.documents.of(slice.flatMap((point) => point.rows), knownAtMs, { keep });
    let next = 0;
    for (const { rows: listedRows, ...point } of slice) yield { ...point, incidents: listedRows.map(() => documents[next++].believed) };
    start = end;
  }
}

/** Every point of timelineSweep, built whole: what the read model's `timeline` answers (benches, specs, the oracle). */
export async function timelineOf(...args: Parameters<typeof timelineSweep>): Promise<ListedTimelinePoint[] | undefined> {
  const sweep = timelineSweep(...args);
  if (!sweep) return undefined;
  const points: ListedTimelinePoint[] = [];
  for await (const point of sweep.points) points.push(point);
  return points;
}
