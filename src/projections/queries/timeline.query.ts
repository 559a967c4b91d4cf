import type { CountryCode } from '../../domain/countries.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import { headlineOf, type IncidentHeadline } from '../../domain/incident.js';
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

/** A timeline point as an answer shows it: its incidents' headlines. */
export interface HeadlinedTimelinePoint extends Omit<ListedTimelinePoint, 'incidents'> {
  incidents: IncidentHeadline[];
}

/** A timeline whose points are read as they are taken: what a long listing is streamed from. */
export interface TimelineSweep {
  /** Incidents listed over every point: what the size of the answer follows. */
  listed: number;
  /** The points in order, each with its incidents' headlines. */
  points: AsyncGenerator<HeadlinedTimelinePoint>;
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
 * on a tie), in the order they arrived, and the count of all of them; each incident as its headline.
 *
 * Scores, counts and which incidents are listed are all worked out before the first document is
 * read, so every point is of the same instant of the read model; the headlines are then read
 * DOCUMENTS_PER_READ at a time as the points are taken. Only the listed incidents are read. A
 * capped listing is a chart's tooltips — a few hundred documents asked again and again — so those
 * are read whole and kept (kept-documents.ts); every incident of a busy year would only flush them,
 * and of those only the fields a headline shows are read (IncidentDocuments.headlinesOf).
 */
export function timelineSweep(...args: TimelineQuestion): TimelineSweep | undefined {
  const plan = timelinePlan(...args);
  return plan && { listed: plan.listed, points: withHeadlines(plan, DOCUMENTS_PER_READ) };
}

/**
 * Every point of timelineSweep, built whole: what the read model's `timeline` answers (benches,
 * specs, the oracle). Its documents are read all at once: it holds every point anyway, and 30
 * reads of 1,000 instead of one cost the replay bench's timeline with every incident a quarter
 * more time (docs/read-performance.md, the eighth pass).
 */
export async function timelineOf(...args: TimelineQuestion): Promise<ListedTimelinePoint[] | undefined> {
  const plan = timelinePlan(...args);
  if (!plan) return undefined;
  const points: ListedTimelinePoint[] = [];
  for await (const point of withDocuments(plan, Infinity)) points.push(point);
  return points;
}

/** What a timeline is asked: the pair, its instants (sorted), knownAt, the evidence counted and how many incidents each point lists. */
type TimelineQuestion = [side: ReadSide, a: CountryCode, b: CountryCode, instants: readonly number[], knownAtMs?: number, evidence?: EvidenceFilter, listing?: TimelineListing];

/** The points worked out from the indexes, before any document is read. */
interface TimelinePlan {
  side: ReadSide;
  knownAtMs: number | undefined;
  /** Whether the documents are kept for next time (a capped listing: a chart's tooltips). */
  keep: boolean;
  listed: number;
  planned: PlannedPoint[];
}

function timelinePlan(
  side: ReadSide,
  a: CountryCode,
  b: CountryCode,
  instants: readonly number[],
  knownAtMs?: number,
  evidence?: EvidenceFilter,
  listing: TimelineListing = EVERY_INCIDENT,
): TimelinePlan | undefined {
  const entry = side.rows.pair(a, b);
  if (!entry) return undefined;
  const view = side.beliefs.view(entry, knownAtMs, evidence);
  const rowOf = view.rows.data;
  let arrived = 0;
  let listed = 0;
  const scores = view.index.scoresAt(instants);
  const planned: PlannedPoint[] = new Array(instants.length);
  for (let p = 0; p < instants.length; p++) {
    const atMs = instants[p];
    const occurred = view.index.occurredBy(atMs);
    const chosen = view.index.heaviestBetween(arrived, occurred, listing.most);
    const rows = new Array<number>(chosen.length);
    for (let k = 0; k < chosen.length; k++) rows[k] = rowOf[chosen[k]];
    planned[p] = { atMs, score: scores[p].score, level: scores[p].level, incidentCount: occurred - arrived, rows };
    arrived = occurred;
    listed += rows.length;
  }
  return { side, knownAtMs, keep: listing.most !== Infinity, listed, planned };
}

/** The planned points, each given its incidents as believed, the documents read `perRead` at a time (at least one point per read). */
async function* withDocuments({ side, knownAtMs, keep, planned }: TimelinePlan, perRead: number): AsyncGenerator<ListedTimelinePoint> {
  for (const slice of slices(planned, perRead)) {
    const documents = await side.documents.of(rowsOf(slice), knownAtMs, { keep });
    yield* pointsOf(slice, (next) => documents[next].believed);
  }
}

/** The planned points, each given its incidents' headlines as believed, read `perRead` at a time: whole documents (kept) for a capped listing, else the headlines' fields alone. */
async function* withHeadlines({ side, knownAtMs, keep, planned }: TimelinePlan, perRead: number): AsyncGenerator<HeadlinedTimelinePoint> {
  for (const slice of slices(planned, perRead)) {
    const rows = rowsOf(slice);
    if (keep) {
      const documents = await side.documents.of(rows, knownAtMs, { keep });
      yield* pointsOf(slice, (next) => headlineOf(documents[next].believed.type, documents[next].believed.data));
    } else {
      const headlines = await side.documents.headlinesOf(rows, knownAtMs);
      yield* pointsOf(slice, (next) => headlines[next]);
    }
  }
}

/** Consecutive points whose incidents are read together: up to `perRead` of them, at least one point. */
function* slices(planned: readonly PlannedPoint[], perRead: number): Generator<readonly PlannedPoint[]> {
  for (let start = 0; start < planned.length; ) {
    let end = start + 1;
    let count = planned[start].rows.length;
    while (end < planned.length && count + planned[end].rows.length <= perRead) count += planned[end++].rows.length;
    yield planned.slice(start, end);
    start = end;
  }
}

/** The store rows the points of a slice list, in order. */
function rowsOf(slice: readonly PlannedPoint[]): number[] {
  const rows: number[] = [];
  for (const point of slice) for (const row of point.rows) rows.push(row);
  return rows;
}

/** The points of a slice, each listing its incidents as `incident` gives them by their place among the slice's rows. */
function* pointsOf<T>(slice: readonly PlannedPoint[], incident: (next: number) => T): Generator<Omit<ListedTimelinePoint, 'incidents'> & { incidents: T[] }> {
  let next = 0;
  for (const { atMs, score, level, incidentCount, rows } of slice) {
    const incidents = new Array<T>(rows.length);
    for (let k = 0; k < rows.length; k++) incidents[k] = incident(next++);
    yield { atMs, score, level, incidentCount, incidents };
  }
}
