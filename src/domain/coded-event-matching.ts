import { Map as PersistentMap } from 'immutable';
import { INCIDENT_CATALOG } from './incident-catalog.js';
import { isAmendment, isEvidence, type IncidentEvent, type RelationEvent } from './incident.js';
import { DAY_MS } from './numbers.js';
import { parseOccurrence } from './occurrence.js';

/**
 * How far apart, in days, a machine-coded row and an incident may have happened and still be one
 * event. Measured on the sample files (docs/importing.md): GDELT re-emits the same event with
 * dates a day or two apart as later articles report it; beyond 2 days, matches mostly join
 * recurring but distinct events (weekly consultations, repeated statements).
 */
export const CORROBORATION_WINDOW_DAYS = 2;

/** The CAMEO code an incident stands for: a category type's full code, else its type's code. */
export function cameoCodeOf(incident: IncidentEvent): string {
  const code = incident.data.details.cameo;
  return typeof code === 'string' ? code : INCIDENT_CATALOG[incident.type].cameo;
}

export interface CodedEventKey {
  actor: string;
  target: string;
  cameo: string;
  /** YYYY-MM-DD */
  occurredOn: string;
}

/** One incident reported with a code, in the index: the latest first, the earlier ones behind it. */
interface CodedNode {
  readonly incidentId: string;
  /**
   * The period of the incident's date as reported, parsed once when indexed: a row is compared
   * with every incident of its key, and parsing the date on each comparison was most of an
   * import's matching time.
   */
  readonly startMs: number;
  readonly endMs: number;
  /**
   * The earliest start and latest end of this incident and every one behind it, so a row dated
   * far from all of them stops the walk there: an import arrives roughly in date order, and a
   * busy key's list would otherwise be walked whole for every row.
   */
  readonly earliestStartMs: number;
  readonly latestEndMs: number;
  readonly earlier: CodedNode | null;
}

/** What amendments changed of an indexed incident. */
interface Amended {
  retracted?: boolean;
  occurredOn?: string;
  cameo?: string;
}

/**
 * The pair's incidents by direction and CAMEO code, so a row is matched against the few of its
 * key rather than the whole stream. Persistent, as decision states are values: a batch decided
 * on a copy leaves the cached state intact. The maps are immutable's hash array mapped tries, so
 * a new incident copies a path of small nodes, not the whole map: copying a plain Map of a pair's
 * keys for every new incident was 3 % of a 1M-row import's main thread, and 64 of the 521 MB a
 * 100k-row import allocated (docs/importing.md, sixth pass). The lists behind each key are shared.
 */
export interface CodedIndex {
  readonly byKey: PersistentMap<string, CodedNode>;
  readonly amended: PersistentMap<string, Amended>;
}

export const emptyCodedIndex: CodedIndex = { byKey: PersistentMap(), amended: PersistentMap() };

const keyOf = (actor: string, target: string, cameo: string) => `${actor}>${target}>${cameo}`;

function withNode(byKey: PersistentMap<string, CodedNode>, key: string, incidentId: string, occurredOn: string): PersistentMap<string, CodedNode> {
  const { startMs, endMs } = parseOccurrence(occurredOn);
  const earlier = byKey.get(key) ?? null;
  const earliestStartMs = earlier === null ? startMs : Math.min(startMs, earlier.earliestStartMs);
  const latestEndMs = earlier === null ? endMs : Math.max(endMs, earlier.latestEndMs);
  return byKey.set(key, { incidentId, startMs, endMs, earliestStartMs, latestEndMs, earlier });
}

/** The index after one more event of the stream. */
export function indexed(index: CodedIndex, event: RelationEvent, reportOf: (incidentId: string) => { actor: string; target: string; occurredOn: string } | undefined): CodedIndex {
  if (isEvidence(event)) return index;
  if (!isAmendment(event)) {
    const { actor, target, incidentId, occurredOn } = event.data;
    return { ...index, byKey: withNode(index.byKey, keyOf(actor, target, cameoCodeOf(event)), incidentId, occurredOn) };
  }
  const { incidentId } = event.data;
  const before = index.amended.get(incidentId);
  if (event.type === 'IncidentRetracted') return { ...index, amended: index.amended.set(incidentId, { ...before, retracted: true }) };
  const { occurredOn, details } = event.data.changes;
  const cameo = typeof details?.cameo === 'string' ? details.cameo : undefined;
  const amended = index.amended.set(incidentId, { ...before, ...(occurredOn !== undefined ? { occurredOn } : {}), ...(cameo !== undefined ? { cameo } : {}) });
  const report = cameo === undefined ? undefined : reportOf(incidentId);
  // A corrected code files the incident under its new key too; the old key's entry no longer matches (checked on reading).
  const byKey = report && cameo ? withNode(index.byKey, keyOf(report.actor, report.target, cameo), incidentId, report.occurredOn) : index.byKey;
  return { byKey, amended };
}

/**
 * The start of a YYYY-MM-DD day in ms: what `Date.parse` makes of it at midnight UTC (NaN for no
 * date), without building that string and parsing it. Once per imported row, Date.parse was
 * ≈ 170 ns, this ≈ 35 ns. Years 0100–9999, months 01–12 and days 01–31 are computed (Date.UTC is
 * as lenient as Date.parse: 2015-02-30 is 2 March for both); anything else goes to Date.parse.
 */
export function startOfDayMs(day: string): number {
  if (day.length === 10 && day.charCodeAt(4) === DASH && day.charCodeAt(7) === DASH) {
    const year = digits(day, 0, 4);
    const month = digits(day, 5, 7);
    const dayOfMonth = digits(day, 8, 10);
    if (year >= 100 && month >= 1 && month <= 12 && dayOfMonth >= 1 && dayOfMonth <= 31) return Date.UTC(year, month - 1, dayOfMonth);
  }
  return Date.parse(`${day}T00:00:00Z`);
}

const DASH = 45;
const ZERO = 48;

/** The decimal number text[from, to) spells, or NaN if one is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    value = digit >= 0 && digit <= 9 ? value * 10 + digit : NaN;
  }
  return value;
}

/**
 * The incident a coded row reports again, if any: same actor, same target (direction matters:
 * A threatening B is not B threatening A), same CAMEO code, and its period within
 * CORROBORATION_WINDOW_DAYS of the row's day. Retracted incidents match nothing; a corrected
 * date or code counts. Of several, the closest in time, then the first reported.
 */
export function matchingIncident(index: CodedIndex, row: CodedEventKey): string | undefined {
  const dayMs = startOfDayMs(row.occurredOn);
  const window = CORROBORATION_WINDOW_DAYS * DAY_MS;
  let best: { incidentId: string; distance: number } | undefined;
  // An incident is filed twice under one key only when a correction moved its code away and back.
  const seen = index.amended.size > 0 ? new Set<string>() : undefined;
  for (let node = index.byKey.get(keyOf(row.actor, row.target, row.cameo)) ?? null; node; node = node.earlier) {
    // Nothing from here back is within the window (by the dates as filed; a corrected date may differ, so only without amendments).
    if (seen === undefined && (dayMs - (node.latestEndMs - DAY_MS) > window || node.earliestStartMs - dayMs > window)) break;
    if (seen?.has(node.incidentId)) continue;
    seen?.add(node.incidentId);
    const amended = index.amended.get(node.incidentId);
    if (amended?.retracted || (amended?.cameo !== undefined && amended.cameo !== row.cameo)) continue;
    const period = amended?.occurredOn === undefined ? node : parseOccurrence(amended.occurredOn);
    // Days between the row's day and the nearest day of the incident's period (0: on it).
    const distance = Math.max(0, period.startMs - dayMs, dayMs - (period.endMs - DAY_MS));
    if (distance > window) continue;
    // Latest first: an equally close incident seen later was reported earlier, and wins.
    if (!best || distance <= best.distance) best = { incidentId: node.incidentId, distance };
  }
  return best?.incidentId;
}
