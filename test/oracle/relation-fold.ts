import type { CountryCode } from '../../src/domain/countries.js';
import type { ScoredIncident } from '../../src/domain/escalation.js';
import type { IncidentEvent } from '../../src/domain/incident.js';
import type { IncidentInContext } from '../../src/domain/incident.js';
import { applyIncident, inContext, inContexts, inOccurrenceOrder } from '../../src/domain/incident-effects.js';
import { noFacts, type RelationFacts } from '../../src/domain/relation-facts.js';
import { pairOf } from '../../src/domain/relation-pair.js';
import { relationView, scoredInContext, type IncidentRef, type RelationState, type RelationView } from '../../src/domain/relation-view.js';
import { escalationAt } from './escalation.js';

/**
 * The bilateral-relation state of one pair as a plain fold over its incidents in occurrence order
 * (a late report lands where it happened): the reference the server's RelationIndex is held to.
 */
export const relationStateProjection = {
  initialState(a: CountryCode, b: CountryCode): RelationState {
    return {
      pair: pairOf(a, b),
      facts: noFacts,
      countsByType: {},
      firstIncident: null,
      lastIncident: null,
      incidentCount: 0,
    };
  },
  /** Folds one incident; given in context (see `inContexts`), it keeps the instant it was given. */
  evolve(state: RelationState, event: IncidentEvent | IncidentInContext): RelationState {
    const incident = 'atMs' in event ? event : inContext(event, causeAtMs(state.facts, event));
    const { data, type, atMs } = incident;
    const ref: IncidentRef = { incidentId: data.incidentId, type, occurredOn: data.occurredOn, atMs };
    return {
      pair: state.pair,
      facts: applyIncident(state.facts, incident),
      countsByType: { ...state.countsByType, [type]: (state.countsByType[type] ?? 0) + 1 },
      firstIncident: state.firstIncident && state.firstIncident.atMs <= atMs ? state.firstIncident : ref,
      lastIncident: state.lastIncident && state.lastIncident.atMs > atMs ? state.lastIncident : ref,
      incidentCount: state.incidentCount + 1,
    };
  },
};

/**
 * What the escalation score needs of each incident (kept beside the fold, not in it, so folding
 * stays linear), each answer counted no earlier than the incident it answers among `events`.
 */
export function scoredIncidents(events: readonly IncidentEvent[]): ScoredIncident[] {
  return inContexts(events).map(scoredInContext);
}

/** The reference instant of the expulsion an answer answers, when the facts hold it. */
function causeAtMs(facts: RelationFacts, event: IncidentEvent): number | undefined {
  const cause = event.data.inResponseTo;
  return cause === undefined ? undefined : facts.expulsions.find((e) => e.incidentId === cause)?.atMs;
}

/** Folds incidents in occurrence order (ties keep the order given, i.e. log order). */
export function foldRelation(a: CountryCode, b: CountryCode, events: readonly IncidentEvent[]): RelationState {
  return inOccurrenceOrder(events).reduce(relationStateProjection.evolve, relationStateProjection.initialState(a, b));
}

/**
 * Folds incidents already placed in context, in occurrence order (ties keep the order given): for
 * a subset of a pair's incidents whose instants were computed with the rest (a filtered view).
 */
export function foldInContexts(a: CountryCode, b: CountryCode, incidents: readonly IncidentInContext[]): RelationState {
  return incidents
    .map((incident, index) => ({ incident, index }))
    .sort((x, y) => x.incident.atMs - y.incident.atMs || x.index - y.index)
    .reduce((state, { incident }) => relationStateProjection.evolve(state, incident), relationStateProjection.initialState(a, b));
}

/** The view of a folded state at `atMs`, scored the plain way. */
export function describeRelation(state: RelationState, scored: readonly ScoredIncident[], atMs: number, atIso: string): RelationView {
  return relationView(state, escalationAt(scored, atMs, state.pair), atIso);
}
