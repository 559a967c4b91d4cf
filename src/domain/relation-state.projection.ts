import type { CountryCode } from './countries.js';
import { escalationAt, multiplierOf, type Escalation, type ScoredIncident } from './escalation.js';
import type { IncidentEvent, IncidentInContext } from './incident.js';
import type { IncidentType } from './incident-types.js';
import { applyIncident, inContext, inContexts, inOccurrenceOrder } from './incident-effects.js';
import {
  ambassadorOf,
  noFacts,
  relationsStatus,
  unansweredExpulsions,
  type AmbassadorStatus,
  type RelationFacts,
  type RelationsStatus,
} from './relation-facts.js';
import { pairOf, type CountryPair } from './relation-pair.js';

/**
 * The bilateral-relation state of one pair as a pure fold over its incidents. The read side folds
 * incidents in occurrence order, so a late report lands where it happened; `describeRelation`
 * turns the folded state into what analysts read at a given instant.
 */

export interface IncidentRef {
  incidentId: string;
  type: IncidentType;
  occurredOn: string;
  atMs: number;
}

export interface RelationState {
  pair: CountryPair;
  facts: RelationFacts;
  countsByType: Partial<Record<IncidentType, number>>;
  firstIncident: IncidentRef | null;
  lastIncident: IncidentRef | null;
  incidentCount: number;
}

export const relationStateProjection = {
  name: 'relation-state',
  version: 1,
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

/** One incident's ScoredIncident, on its own (an answer's cause unknown: see `scoredIncidents`). */
export function scoredIncident(event: IncidentEvent): ScoredIncident {
  return scoredInContext(inContext(event));
}

function scoredInContext(context: IncidentInContext): ScoredIncident {
  const { type, data, atMs } = context;
  return {
    incidentId: data.incidentId,
    type,
    actor: data.actor,
    target: data.target,
    occurredOn: data.occurredOn,
    summary: data.summary,
    atMs,
    multiplier: multiplierOf(type, data),
    context,
  };
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

/** An incident as a view names it; `countsFrom` is the day (UTC) of its reference instant. */
export type IncidentRefView = Omit<IncidentRef, 'atMs'> & { countsFrom: string };

export interface SideView {
  country: CountryCode;
  ambassador: AmbassadorStatus;
  diplomatsExpelled: number;
  expulsions: number;
  unansweredExpulsions: number;
  sanctionsInForce: string[];
}

export interface RelationView {
  pair: CountryPair;
  at: string;
  escalation: Escalation;
  relations: RelationsStatus;
  /** One entry per country: what it has done to the other (expulsions, sanctions) and its ambassador. */
  sides: [SideView, SideView];
  countsByType: Partial<Record<IncidentType, number>>;
  firstIncident: IncidentRefView | null;
  lastIncident: IncidentRefView | null;
  incidentCount: number;
}

export function describeRelation(
  state: RelationState,
  scored: readonly ScoredIncident[],
  atMs: number,
  atIso: string,
): RelationView {
  return relationView(state, escalationAt(scored, atMs, state.pair), atIso);
}

/** The view of a folded state with its escalation already scored (e.g. by a RelationIndex). */
export function relationView(state: RelationState, escalation: Escalation, atIso: string): RelationView {
  const [a, b] = state.pair;
  return {
    pair: state.pair,
    at: atIso,
    escalation,
    relations: relationsStatus(state.facts),
    sides: [side(state.facts, a, b), side(state.facts, b, a)],
    countsByType: state.countsByType,
    firstIncident: withoutInstant(state.firstIncident),
    lastIncident: withoutInstant(state.lastIncident),
    incidentCount: state.incidentCount,
  };
}

function side(facts: RelationFacts, country: CountryCode, other: CountryCode): SideView {
  const expulsions = facts.expulsions.filter((e) => e.by === country);
  return {
    country,
    ambassador: ambassadorOf(facts, country),
    diplomatsExpelled: expulsions.reduce((sum, e) => sum + e.diplomats, 0),
    expulsions: expulsions.length,
    unansweredExpulsions: unansweredExpulsions(facts, country, other).length,
    sanctionsInForce: facts.sanctions[country] ?? [],
  };
}

/** The incident as a view names it: the day it counts from instead of the instant (which answers and vague dates move). */
function withoutInstant(ref: IncidentRef | null): IncidentRefView | null {
  if (!ref) return null;
  const { atMs, ...rest } = ref;
  return { ...rest, countsFrom: new Date(atMs).toISOString().slice(0, 10) };
}
