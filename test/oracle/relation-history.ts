import type { CountryCode } from '../../src/domain/countries.js';
import { decayFactor, levelFor, scoreOf, type ScoredIncident } from '../../src/domain/escalation.js';
import type { IncidentEvent, IncidentInContext, RelationEvent } from '../../src/domain/incident.js';
import { INCIDENT_CATALOG } from '../../src/domain/incident-catalog.js';
import { applyIncident, believedIncidents, inContexts } from '../../src/domain/incident-effects.js';
import { round } from '../../src/domain/numbers.js';
import { noFacts } from '../../src/domain/relation-facts.js';
import { scoredInContext, type RelationState } from '../../src/domain/relation-view.js';
import { conditionTension } from '../../src/domain/standing-conditions.js';
import type { TimelinePoint } from '../../src/domain/timeline.js';
import { foldInContexts } from './relation-fold.js';

/**
 * Time travel over a pair's stream, the plain way (the reference the read model is held to). Two clocks: `knownAt` keeps only what had been recorded by
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

/**
 * Which incidents a view filtered by evidence scores and how much each weighs (see evidence.ts).
 * The filter only chooses among incidents placed in time with all the others: an answer counts no
 * earlier than what it answers even when the view leaves that out (when an incident can have
 * happened does not depend on which incidents a view scores).
 */
export interface ViewEvidence {
  passes: (incident: IncidentEvent) => boolean;
  weightOf: (incidentId: string) => number;
}

/** The pair's state from the incidents (passing `evidence`, if given) that had occurred by `asOfMs`. */
export function relationAsOf(a: CountryCode, b: CountryCode, incidents: readonly IncidentEvent[], asOfMs = Infinity, evidence?: ViewEvidence): RelationSnapshot {
  const kept = inContextsPassing(incidents, evidence);
  const scored = weighed(kept.map(scoredInContext), evidence?.weightOf);
  const occurred = kept.filter((_, i) => scored[i].atMs <= asOfMs);
  return { state: foldInContexts(a, b, occurred), scored: scored.filter((incident) => incident.atMs <= asOfMs) };
}

/** The incidents in context (each answer no earlier than its cause among all of `incidents`), then those passing `evidence`. */
function inContextsPassing(incidents: readonly IncidentEvent[], evidence?: ViewEvidence): IncidentInContext[] {
  const contexts = inContexts(incidents);
  return evidence ? contexts.filter((_, i) => evidence.passes(incidents[i])) : contexts;
}

/** Each incident's multiplier times its evidence weight (e_i, see evidence.ts), when one is given. */
function weighed(scored: ScoredIncident[], weightOf?: (incidentId: string) => number): ScoredIncident[] {
  return weightOf ? scored.map((incident) => ({ ...incident, multiplier: incident.multiplier * weightOf(incident.incidentId) })) : scored;
}

/**
 * Score and level at each instant in one pass: conflict and cooperation pressure decay
 * multiplicatively between points and the facts are folded as incidents arrive, so the cost is
 * O(points + incidents), not their product; the conditions standing at each point add their tension.
 */
export function relationTimeline(incidents: readonly IncidentEvent[], instants: readonly number[], evidence?: ViewEvidence): TimelinePoint[] {
  const contexts = inContexts(incidents);
  const kept = incidents.map((event, index) => ({ event, context: contexts[index] })).filter(({ event }) => !evidence || evidence.passes(event));
  const scored = weighed(kept.map(({ context }) => scoredInContext(context)), evidence?.weightOf);
  const ordered = kept
    .map(({ event }, index) => ({ event, index, scored: scored[index] }))
    .sort((x, y) => x.scored.atMs - y.scored.atMs || x.index - y.index);
  let conflict = 0;
  let cooperation = 0;
  let facts = noFacts;
  let lastMs = -Infinity;
  let next = 0;
  return instants.map((atMs) => {
    const decay = lastMs === -Infinity ? 0 : decayFactor(atMs - lastMs);
    conflict *= decay;
    cooperation *= decay;
    const arrived: IncidentEvent[] = [];
    for (; next < ordered.length && ordered[next].scored.atMs <= atMs; next++) {
      const { event, scored } = ordered[next];
      const g = scored.goldstein;
      const weight = Math.abs(g) * scored.multiplier * decayFactor(atMs - scored.atMs);
      if (g < 0) conflict += weight;
      else cooperation += weight;
      facts = applyIncident(facts, scored.context);
      arrived.push(event);
    }
    lastMs = atMs;
    const score = round(scoreOf({ conflict, cooperation, tension: conditionTension(facts, atMs) }));
    return { atMs, score, level: levelFor(score), incidents: arrived };
  });
}
