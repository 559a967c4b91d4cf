import type { CountryCode } from './countries.js';
import { multiplierOf, type Escalation, type ScoredIncident } from './escalation.js';
import { goldsteinOf } from './incident-catalog.js';
import { headlineOf, type IncidentEvent, type IncidentInContext } from './incident.js';
import type { IncidentType } from './incident-types.js';
import { inContext } from './incident-effects.js';
import {
  ambassadorOf,
  relationsStatus,
  unansweredExpulsions,
  type AmbassadorStatus,
  type RelationFacts,
  type RelationsStatus,
} from './relation-facts.js';
import type { CountryPair } from './relation-pair.js';

/**
 * The bilateral relation of one pair as the read side states it (facts, counts, first and last
 * incident) and as a response shows it at an instant. The server computes the state with the
 * RelationIndex (relation-index.ts); the plain fold it is held to lives in test/oracle.
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

/** One incident's ScoredIncident, on its own (an answer's cause unknown: see `scoredIncidents`). */
export function scoredIncident(event: IncidentEvent): ScoredIncident {
  return scoredInContext(inContext(event));
}

/** What the score needs of an incident in context. */
export function scoredInContext(context: IncidentInContext): ScoredIncident {
  const { type, data, atMs } = context;
  return {
    ...headlineOf(type, data),
    atMs,
    multiplier: multiplierOf(type, data),
    goldstein: goldsteinOf(type, data.details),
    context,
  };
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
