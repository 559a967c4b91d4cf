import type { CountryCode } from './countries.js';
import { IncidentNotFound, RelationRuleViolation } from './domain-errors.js';
import type {
  AmendmentEvent,
  IncidentChanges,
  IncidentData,
  IncidentDetails,
  IncidentEvent,
  RelationEvent,
  Source,
} from './incident.js';
import { INCIDENT_CATALOG, type IncidentInContext, type IncidentType } from './incident-catalog.js';
import { parseOccurrence, referenceInstant } from './occurrence.js';
import { noFacts, unansweredExpulsions, type Expulsion, type RelationFacts } from './relation-facts.js';

/**
 * The decider of one country pair's stream: which reported incidents the relation accepts, and
 * under which type they are recorded. Folded over the stream in append order — the order in which
 * Demarche learned of the incidents.
 */

export interface ReportIncident {
  kind: 'ReportIncident';
  incidentId: string;
  type: IncidentType;
  actor: CountryCode;
  target: CountryCode;
  occurredOn: string;
  summary: string;
  sources: Source[];
  details: IncidentDetails;
  /** The clock's reading when the report arrived (ISO). */
  recordedAt: string;
}

export interface CorrectIncident {
  kind: 'CorrectIncident';
  incidentId: string;
  changes: IncidentChanges;
  reason: string;
  recordedAt: string;
}

export interface RetractIncident {
  kind: 'RetractIncident';
  incidentId: string;
  reason: string;
  recordedAt: string;
}

export type RelationCommand = ReportIncident | CorrectIncident | RetractIncident;

export interface RelationDecisionState {
  facts: RelationFacts;
  /** Every incident reported in the stream, as currently corrected, in report order. */
  incidents: Record<string, { event: IncidentEvent; retracted: boolean }>;
}

/** An expulsion answered within this many days of the other side's counts as tit-for-tat. */
export const RECIPROCITY_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

export const initialState: RelationDecisionState = { facts: noFacts, incidents: {} };

export function evolve(state: RelationDecisionState, event: RelationEvent): RelationDecisionState {
  switch (event.type) {
    case 'IncidentCorrected':
    case 'IncidentRetracted':
      return amend(state, event);
    default:
      return {
        facts: applyIncident(state.facts, inContext(event)),
        incidents: { ...state.incidents, [event.data.incidentId]: { event, retracted: false } },
      };
  }
}

export function decide(command: RelationCommand, state: RelationDecisionState): RelationEvent[] {
  switch (command.kind) {
    case 'ReportIncident':
      return [reportIncident(command, state.facts)];
    case 'CorrectIncident':
      return [correctIncident(command, state)];
    case 'RetractIncident':
      return [retractIncident(command, state)];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** An amendment changes what we believe happened, so the facts are refolded from the amended incidents. */
function amend(state: RelationDecisionState, event: AmendmentEvent): RelationDecisionState {
  const known = state.incidents[event.data.incidentId];
  if (!known) return state;
  const amended =
    event.type === 'IncidentRetracted'
      ? { ...known, retracted: true }
      : { ...known, event: { type: known.event.type, data: { ...known.event.data, ...event.data.changes } } };
  const incidents = { ...state.incidents, [event.data.incidentId]: amended };
  const facts = Object.values(incidents)
    .filter((incident) => !incident.retracted)
    .reduce((folded, incident) => applyIncident(folded, inContext(incident.event)), noFacts);
  return { facts, incidents };
}

function amendable(state: RelationDecisionState, incidentId: string, action: string): IncidentEvent {
  const known = state.incidents[incidentId];
  if (!known) throw new IncidentNotFound(incidentId);
  if (known.retracted) throw new RelationRuleViolation(`${action} rejected: incident ${incidentId} has been retracted`);
  return known.event;
}

function correctIncident(command: CorrectIncident, state: RelationDecisionState): AmendmentEvent {
  const original = amendable(state, command.incidentId, 'IncidentCorrected');
  const changes: IncidentChanges = { ...command.changes };
  if (changes.occurredOn !== undefined) changes.precision = parseOccurrence(changes.occurredOn).precision;
  const changed = Object.entries(changes).filter(
    ([field, value]) => JSON.stringify(value) !== JSON.stringify(original.data[field as keyof IncidentData]),
  );
  if (changed.length === 0) {
    throw new RelationRuleViolation(`IncidentCorrected rejected: the correction changes nothing in incident ${command.incidentId}`);
  }
  return {
    type: 'IncidentCorrected',
    data: { incidentId: command.incidentId, changes: Object.fromEntries(changed), reason: command.reason, recordedAt: command.recordedAt },
  };
}

function retractIncident(command: RetractIncident, state: RelationDecisionState): AmendmentEvent {
  amendable(state, command.incidentId, 'IncidentRetracted');
  return {
    type: 'IncidentRetracted',
    data: { incidentId: command.incidentId, reason: command.reason, recordedAt: command.recordedAt },
  };
}

/** Applies an incident's catalogued effect; shared by the decider and the state projection. */
export function applyIncident(facts: RelationFacts, incident: IncidentInContext): RelationFacts {
  const effect = INCIDENT_CATALOG[incident.type].effect;
  return effect ? effect(facts, incident) : facts;
}

export function inContext(event: IncidentEvent): IncidentInContext {
  const period = parseOccurrence(event.data.occurredOn);
  return { type: event.type, data: event.data, atMs: referenceInstant(period, Date.parse(event.data.recordedAt)) };
}

function reportIncident(command: ReportIncident, facts: RelationFacts): IncidentEvent {
  const period = parseOccurrence(command.occurredOn);
  const atMs = referenceInstant(period, Date.parse(command.recordedAt));
  const { inResponseTo: named, ...details } = command.details;

  let type = command.type;
  let inResponseTo: string | undefined;
  if (command.type === 'ReciprocalExpulsion') {
    inResponseTo = expulsionAnswered(facts, command, period.endMs, typeof named === 'string' ? named : undefined).incidentId;
  } else if (command.type === 'DiplomatsExpelled') {
    const answered = unansweredExpulsions(facts, command.target, command.actor).find(
      (e) => e.atMs <= period.endMs && atMs - e.atMs <= RECIPROCITY_WINDOW_DAYS * DAY_MS,
    );
    if (answered) {
      type = 'ReciprocalExpulsion';
      inResponseTo = answered.incidentId;
    }
  }

  const data: IncidentData = {
    incidentId: command.incidentId,
    actor: command.actor,
    target: command.target,
    occurredOn: period.occurredOn,
    precision: period.precision,
    summary: command.summary,
    sources: command.sources,
    details,
    ...(inResponseTo ? { inResponseTo } : {}),
    ...(type !== command.type ? { postedType: command.type } : {}),
    recordedAt: command.recordedAt,
  };
  const reason = INCIDENT_CATALOG[type].violation?.(facts, { type, data, atMs });
  if (reason) throw new RelationRuleViolation(`${type} rejected: ${reason}`);
  return { type, data };
}

/** The expulsion a reciprocal expulsion answers: the one it names, else the latest unanswered one. */
function expulsionAnswered(facts: RelationFacts, command: ReportIncident, responseEndMs: number, named?: string): Expulsion {
  const { actor, target } = command;
  if (named) {
    const expulsion = facts.expulsions.find((e) => e.incidentId === named);
    if (!expulsion) {
      throw new RelationRuleViolation(`ReciprocalExpulsion rejected: no expulsion ${named} is recorded between ${actor} and ${target}`);
    }
    if (expulsion.by !== target || expulsion.of !== actor) {
      throw new RelationRuleViolation(
        `ReciprocalExpulsion rejected: expulsion ${named} was of ${expulsion.of} diplomats by ${expulsion.by}; ` +
          `a reciprocal expulsion by ${actor} answers an expulsion of ${actor} diplomats by ${target}`,
      );
    }
    if (!unansweredExpulsions(facts, target, actor).some((e) => e.incidentId === named)) {
      throw new RelationRuleViolation(`ReciprocalExpulsion rejected: expulsion ${named} has already been answered`);
    }
    if (expulsion.atMs > responseEndMs) {
      throw new RelationRuleViolation(`ReciprocalExpulsion rejected: expulsion ${named} happened after this response`);
    }
    return expulsion;
  }
  const latest = unansweredExpulsions(facts, target, actor).find((e) => e.atMs <= responseEndMs);
  if (!latest) {
    throw new RelationRuleViolation(
      `ReciprocalExpulsion rejected: ${target} has expelled no ${actor} diplomats that ${actor} has not already answered`,
    );
  }
  return latest;
}
