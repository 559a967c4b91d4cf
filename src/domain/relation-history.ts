import type { CountryCode } from './countries.js';
import { ESCALATION_CONSTANTS, levelFor, scoreOf, type EscalationLevel, type ScoredIncident } from './escalation.js';
import type { IncidentEvent, RelationEvent } from './incident.js';
import { INCIDENT_CATALOG } from './incident-catalog.js';
import { applyIncident, believedIncidents } from './incident-effects.js';
import { noFacts } from './relation-facts.js';
import { foldRelation, scoredIncidents, type RelationState } from './relation-state.projection.js';
import { conditionTension } from './standing-conditions.js';

/**
 * Time travel over a pair's stream. Two clocks: `knownAt` keeps only what had been recorded by
 * then (reports, corrections and retractions alike); `asOf` keeps only incidents whose reference
 * instant (the middle of their reported period) is not after it, and scores at that instant.
 */

export interface RecordedRelationEvent {
  event: RelationEvent;
  /** When Demarche recorded the event, epoch ms. */
  recordedMs: number;
}

/** The incidents as believed at `knownAtMs`: corrections applied, retracted ones gone, in report order. */
export function incidentsKnownAt(events: readonly RecordedRelationEvent[], knownAtMs = Infinity): IncidentEvent[] {
  return believedIncidents(events.filter(({ recordedMs }) => recordedMs <= knownAtMs).map(({ event }) => event));
}

export interface RelationSnapshot {
  state: RelationState;
  scored: ScoredIncident[];
}

/** The pair's state from the incidents that had occurred by `asOfMs`. */
export function relationAsOf(a: CountryCode, b: CountryCode, incidents: readonly IncidentEvent[], asOfMs = Infinity): RelationSnapshot {
  const scored = scoredIncidents(incidents);
  const occurred = incidents.filter((_, i) => scored[i].atMs <= asOfMs);
  return { state: foldRelation(a, b, occurred), scored: scored.filter((incident) => incident.atMs <= asOfMs) };
}

export type TimelineInterval = 'day' | 'week' | 'month';

export interface TimelinePoint {
  atMs: number;
  score: number;
  level: EscalationLevel;
  /** Incidents whose reference instant falls after the previous point and not after this one. */
  incidents: IncidentEvent[];
}

const DAY_MS = 86_400_000;

/**
 * The instants of a timeline: `fromMs`, then every interval up to `toMs`. Months are calendar
 * months on the same day and time of day, clamped to the month's last day: from 31 January, the
 * points fall on 28/29 February, 31 March, 30 April…
 */
export function timelineInstants(fromMs: number, toMs: number, interval: TimelineInterval, max: number): number[] | 'too many' {
  const instants: number[] = [];
  for (let at = fromMs, step = 0; at <= toMs; at = stepFrom(fromMs, interval, ++step)) {
    if (instants.length === max) return 'too many';
    instants.push(at);
  }
  return instants;
}

function stepFrom(fromMs: number, interval: TimelineInterval, step: number): number {
  if (interval === 'day') return fromMs + step * DAY_MS;
  if (interval === 'week') return fromMs + step * 7 * DAY_MS;
  const from = new Date(fromMs);
  const [year, month, day] = [from.getUTCFullYear(), from.getUTCMonth() + step, from.getUTCDate()];
  const timeOfDayMs = fromMs - Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), day);
  // Date.UTC rolls 31 February over into March; a month step must land in the month it names.
  const lastDayOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(day, lastDayOfMonth)) + timeOfDayMs;
}

/**
 * Score and level at each instant in one pass: conflict and cooperation pressure decay
 * multiplicatively between points and the facts are folded as incidents arrive, so the cost is
 * O(points + incidents), not their product; the conditions standing at each point add their tension.
 */
export function relationTimeline(incidents: readonly IncidentEvent[], instants: readonly number[]): TimelinePoint[] {
  const scored = scoredIncidents(incidents);
  const ordered = incidents
    .map((event, index) => ({ event, index, scored: scored[index] }))
    .sort((x, y) => x.scored.atMs - y.scored.atMs || x.index - y.index);
  const halfLifeMs = ESCALATION_CONSTANTS.halfLifeDays * DAY_MS;
  let conflict = 0;
  let cooperation = 0;
  let facts = noFacts;
  let lastMs = -Infinity;
  let next = 0;
  return instants.map((atMs) => {
    const decay = lastMs === -Infinity ? 0 : Math.pow(2, -(atMs - lastMs) / halfLifeMs);
    conflict *= decay;
    cooperation *= decay;
    const arrived: IncidentEvent[] = [];
    for (; next < ordered.length && ordered[next].scored.atMs <= atMs; next++) {
      const { event, scored } = ordered[next];
      const g = INCIDENT_CATALOG[scored.type].goldstein;
      const weight = Math.abs(g) * scored.multiplier * Math.pow(2, -(atMs - scored.atMs) / halfLifeMs);
      if (g < 0) conflict += weight;
      else cooperation += weight;
      facts = applyIncident(facts, scored.context);
      arrived.push(event);
    }
    lastMs = atMs;
    const score = Math.round(scoreOf({ conflict, cooperation, tension: conditionTension(facts, atMs) }) * 10) / 10;
    return { atMs, score, level: levelFor(score), incidents: arrived };
  });
}
