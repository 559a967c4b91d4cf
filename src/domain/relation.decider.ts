import type { CountryCode } from './countries.js';
import type { Decider, Message } from './decider.js';
import { IncidentNotFound, RelationRuleViolation } from './domain-errors.js';
import { checkedDetails } from './incident-details.js';
import {
  isAmendment,
  isEvidence,
  isIncidentReport,
  type AmendmentEvent,
  type ImportedRow,
  type IncidentChanges,
  type IncidentConfirmed,
  type IncidentData,
  type IncidentDetails,
  type IncidentEvent,
  type IncidentInContext,
  type RelationEvent,
  type Source,
} from './incident.js';
import { INCIDENT_CATALOG, incidentTypeForCameo } from './incident-catalog.js';
import { emptyCodedIndex, indexed, matchingIncident, type CodedIndex } from './coded-event-matching.js';
import type { IncidentType } from './incident-types.js';
import { applyIncident, believedIncidents, foldFacts, inContext, inContexts, inOccurrenceOrder } from './incident-effects.js';
import { parseOccurrence, referenceInstant } from './occurrence.js';
import { noFacts, unansweredExpulsions, type Expulsion, type RelationFacts } from './relation-facts.js';
import { DAY_MS } from './numbers.js';
import { eventsOf, reportedIn, reportedTypeIn, withEvent, type StreamHistory } from './stream-history.js';

/**
 * The decider of one country pair's stream: which reported incidents the relation accepts, and
 * under which type they are recorded. Folded over the stream in append order — the order in which
 * Demarche learned of the incidents. Exported as one value, `relationDecider` (at the end).
 */

export type ReportIncident = Message<
  'ReportIncident',
  {
    incidentId: string;
    /** The type the reporter chose; the decider may record it as another (an answered expulsion). */
    incidentType: IncidentType;
    actor: CountryCode;
    target: CountryCode;
    occurredOn: string;
    summary: string;
    sources: Source[];
    details: IncidentDetails;
    /** The clock's reading when the report arrived (ISO). */
    recordedAt: string;
  }
>;

export type CorrectIncident = Message<'CorrectIncident', { incidentId: string; changes: IncidentChanges; reason: string; recordedAt: string }>;

export type RetractIncident = Message<'RetractIncident', { incidentId: string; reason: string; recordedAt: string }>;

/**
 * One row of machine-coded event data (GDELT, ICEWS, PLOVER) between the pair: it corroborates
 * the incident it reports again (coded-event-matching.ts), or becomes a new incident of the type
 * its CAMEO code maps to, with `incidentId`.
 */
export type ImportCodedEvent = Message<
  'ImportCodedEvent',
  {
    incidentId: string;
    actor: CountryCode;
    target: CountryCode;
    cameo: string;
    /** YYYY-MM-DD */
    occurredOn: string;
    summary: string;
    source: Source;
    provenance: ImportedRow;
    recordedAt: string;
  }
>;

/** An analyst vouches for an imported incident, which then counts fully (evidence-weight.ts). */
export type ConfirmIncident = Message<'ConfirmIncident', { incidentId: string; note?: string; source?: Source; recordedAt: string }>;

export type RelationCommand = ReportIncident | CorrectIncident | RetractIncident | ImportCodedEvent | ConfirmIncident;

export interface RelationDecisionState {
  readonly history: StreamHistory | null;
  /** The believed incidents folded in occurrence order: what the rules are checked against. */
  readonly facts: RelationFacts;
  /**
   * Reference instant of the latest incident that the rules see (one that changes the facts or
   * has a rule of its own); a report dated before it may break a rule later in time.
   */
  readonly latestAtMs: number;
  /** The incidents by direction and CAMEO code, for matching imported rows (coded-event-matching.ts). */
  readonly coded: CodedIndex;
}

/**
 * Whether the rules see incidents of this type: it changes the facts or has a rule of its own.
 * Most incidents (summonses, statements, talks…) do neither, so they can be left out of every
 * refold and recheck — wherever they fall in time, they change no decision.
 */
function seenByRules(type: IncidentType): boolean {
  const definition = INCIDENT_CATALOG[type];
  return definition.effect !== undefined || definition.violation !== undefined;
}

/** An expulsion answered within this many days of the other side's counts as tit-for-tat. */
export const RECIPROCITY_WINDOW_DAYS = 30;

const initialState: RelationDecisionState = { history: null, facts: noFacts, latestAtMs: -Infinity, coded: emptyCodedIndex };

/**
 * An incident the rules do not see changes no facts; one dated after everything the rules have
 * seen — the usual case — is applied to the facts directly; a late report of the rest, or an
 * amendment of one, changes the past, so the facts are refolded.
 */
function evolve(state: RelationDecisionState, event: RelationEvent): RelationDecisionState {
  // Changes neither the history nor the facts nor the index (below): the state itself, not a copy
  // of it — three of four events of an import are corroborations.
  if (event.type === 'IncidentCorroborated') return state;
  const coded = indexed(state.coded, event, (incidentId) => reportedIn(state.history, incidentId)?.data);
  return { ...evolveHistoryAndFacts(state, event), coded };
}

function evolveHistoryAndFacts(state: RelationDecisionState, event: RelationEvent): Omit<RelationDecisionState, 'coded'> {
  // A corroboration changes no fact the rules see, and nothing reads it back from the history:
  // kept out, it costs nothing — on an import most events are corroborations. A confirmation is
  // kept, since a second one is refused by finding the first.
  if (event.type === 'IncidentCorroborated') return state;
  const history = withEvent(state.history, event);
  if (isEvidence(event)) return { ...state, history };
  if (!isAmendment(event)) {
    if (!seenByRules(event.type)) return { ...state, history };
    const cause = event.data.inResponseTo;
    const incident = inContext(event, cause === undefined ? undefined : state.facts.expulsions.find((e) => e.incidentId === cause)?.atMs);
    if (incident.atMs >= state.latestAtMs) {
      return { history, facts: applyIncident(state.facts, incident), latestAtMs: incident.atMs };
    }
  } else if (!amendsIncidentSeenByRules(state.history, event.data.incidentId)) {
    return { ...state, history };
  }
  const seen = believedIncidents(eventsOf(history, seenByRules)).filter((incident) => seenByRules(incident.type));
  return {
    history,
    facts: foldFacts(seen),
    latestAtMs: Math.max(-Infinity, ...inContexts(seen).map((incident) => incident.atMs)),
  };
}

/** Whether the incident an amendment names is of a type the rules see (its report is in the history). */
function amendsIncidentSeenByRules(history: StreamHistory | null, incidentId: string): boolean {
  const type = reportedTypeIn(history, incidentId);
  return type !== undefined && seenByRules(type);
}

/** The incidents as currently believed (corrections applied, retractions removed), in report order. */
export function believedIncidentsOf(state: RelationDecisionState): IncidentEvent[] {
  return believedIncidents(eventsOf(state.history));
}

/** What the rules are checked against: the same fold, in occurrence order, as the relation view. */
export function factsOf(state: RelationDecisionState): RelationFacts {
  return state.facts;
}

function decide(command: RelationCommand, state: RelationDecisionState): RelationEvent[] {
  switch (command.type) {
    case 'ReportIncident':
      return [reportIncident(command.data, state)];
    case 'CorrectIncident':
      return [correctIncident(command.data, state)];
    case 'RetractIncident':
      return [retractIncident(command.data, state)];
    case 'ImportCodedEvent':
      return [importCodedEvent(command.data, state)];
    case 'ConfirmIncident':
      return [confirmIncident(command.data, state)];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** The incident's report as first recorded (whatever happened to it since); IncidentNotFound if the pair has none. */
function reported(state: RelationDecisionState, incidentId: string): IncidentEvent {
  const report = reportedIn(state.history, incidentId);
  if (!report) throw new IncidentNotFound(incidentId);
  return report;
}

function amendable(state: RelationDecisionState, incidentId: string, action: string): IncidentEvent {
  const believed = believedIncidentsOf(state).find((event) => event.data.incidentId === incidentId);
  if (believed) return believed;
  reported(state, incidentId);
  throw new RelationRuleViolation(`${action} rejected: incident ${incidentId} has been retracted`);
}

function correctIncident(command: CorrectIncident['data'], state: RelationDecisionState): AmendmentEvent {
  // New details must fit the type the incident was recorded as, retracted or not: a malformed request is named first.
  const details = command.changes.details === undefined ? undefined : checkedDetails(reported(state, command.incidentId).type, command.changes.details);
  const original = amendable(state, command.incidentId, 'IncidentCorrected');
  const changes: IncidentChanges = { ...command.changes, ...(details === undefined ? {} : { details }) };
  if (changes.occurredOn !== undefined) changes.precision = parseOccurrence(changes.occurredOn).precision;
  const changed = Object.entries(changes).filter(
    ([field, value]) => canonicalJson(value) !== canonicalJson(original.data[field as keyof IncidentData]),
  );
  if (changed.length === 0) {
    throw new RelationRuleViolation(`IncidentCorrected rejected: the correction changes nothing in incident ${command.incidentId}`);
  }
  const corrected: IncidentEvent = { type: original.type, data: { ...original.data, ...Object.fromEntries(changed) } };
  if (seenByRules(original.type)) {
    const others = believedIncidentsOf(state).filter((event) => event.data.incidentId !== command.incidentId && seenByRules(event.type));
    rejectNewViolations('IncidentCorrected', [...others, original], [...others, corrected]);
  }
  return {
    type: 'IncidentCorrected',
    data: { incidentId: command.incidentId, changes: Object.fromEntries(changed), reason: command.reason, recordedAt: command.recordedAt },
  };
}

/** JSON with object keys sorted: details or sources that differ only in key order are the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : nested,
  );
}

function importCodedEvent(command: ImportCodedEvent['data'], state: RelationDecisionState): RelationEvent {
  const { source, provenance, recordedAt } = command;
  const corroborated = matchingIncident(state.coded, command);
  if (corroborated) return { type: 'IncidentCorroborated', data: { incidentId: corroborated, source, provenance, recordedAt } };
  const { type, details } = incidentTypeForCameo(command.cameo);
  const { incidentId, actor, target, occurredOn, summary } = command;
  return reportIncident({ incidentId, incidentType: type, actor, target, occurredOn, summary, sources: [source], details, recordedAt }, state, provenance);
}

/**
 * Only an imported incident that still stands can be confirmed, and once: an analyst's report
 * already counts fully, a retracted one counts not at all, and a second confirmation would add
 * nothing but a duplicate fact to the log.
 */
function confirmIncident(command: ConfirmIncident['data'], state: RelationDecisionState): IncidentConfirmed {
  const { incidentId } = command;
  const report = reported(state, incidentId);
  if (!report.data.provenance) {
    throw new RelationRuleViolation(`IncidentConfirmed rejected: incident ${incidentId} was reported by an analyst and already counts fully; only imported incidents are confirmed`);
  }
  amendable(state, incidentId, 'IncidentConfirmed');
  for (let node = state.history; node; node = node.earlier) {
    const { entry } = node;
    if (entry.type === 'IncidentConfirmed' && entry.data.incidentId === incidentId) {
      throw new RelationRuleViolation(`IncidentConfirmed rejected: incident ${incidentId} was already confirmed at ${entry.data.recordedAt}`);
    }
  }
  const { note, source, recordedAt } = command;
  return { type: 'IncidentConfirmed', data: { incidentId, ...(note !== undefined ? { note } : {}), ...(source !== undefined ? { source } : {}), recordedAt } };
}

function retractIncident(command: RetractIncident['data'], state: RelationDecisionState): AmendmentEvent {
  amendable(state, command.incidentId, 'IncidentRetracted');
  return {
    type: 'IncidentRetracted',
    data: { incidentId: command.incidentId, reason: command.reason, recordedAt: command.recordedAt },
  };
}

/**
 * `provenance` (an imported row's) goes into the data as it is built: spread onto a copy
 * afterwards, every imported incident's data got a hidden class of its own, a third of what an
 * import's decision state retained (heap snapshot, docs/importing.md).
 */
function reportIncident(command: ReportIncident['data'], state: RelationDecisionState, provenance?: ImportedRow): IncidentEvent {
  const { facts } = state;
  const period = parseOccurrence(command.occurredOn);
  const recordedMs = Date.parse(command.recordedAt);
  let atMs = referenceInstant(period, recordedMs);
  const { inResponseTo: named, ...details } = command.details;

  let type = command.incidentType;
  let answered: Expulsion | undefined;
  if (command.incidentType === 'ReciprocalExpulsion') {
    answered = expulsionAnswered(facts, command, period.endMs, typeof named === 'string' ? named : undefined);
  } else if (command.incidentType === 'DiplomatsExpelled') {
    answered = unansweredExpulsions(facts, command.target, command.actor).find(
      (e) => e.atMs <= period.endMs && atMs - e.atMs <= RECIPROCITY_WINDOW_DAYS * DAY_MS,
    );
    if (answered) type = 'ReciprocalExpulsion';
  }
  // Any other incident may name what it protests (a summons over an expulsion): it must be there, and not later.
  const protested = answered === undefined && typeof named === 'string' ? incidentProtested(state, command, period.endMs, named) : undefined;
  const inResponseTo = answered?.incidentId ?? protested;
  // An answer counts no earlier than what it answers (occurrence.ts).
  if (answered) atMs = referenceInstant(period, recordedMs, answered.atMs);

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
    ...(type !== command.incidentType ? { postedType: command.incidentType } : {}),
    recordedAt: command.recordedAt,
    ...(provenance ? { provenance } : {}),
  };
  const event: IncidentEvent = { type, data };
  if (!seenByRules(type)) return event;
  if (atMs >= state.latestAtMs) {
    // Nothing the rules see happened after it, so only its own rule can break, against the facts as they stand.
    const reason = INCIDENT_CATALOG[type].violation?.(facts, { type, data, atMs });
    if (reason) throw new RelationRuleViolation(`${type} rejected: ${reason}`);
  } else {
    // Only the incidents the rules see: an imported one the rules do not see is not made again from its compact form (stream-history.ts).
    const seen = believedIncidents(eventsOf(state.history, seenByRules)).filter((incident) => seenByRules(incident.type));
    rejectNewViolations(type, seen, [...seen, event]);
  }
  return event;
}

/**
 * The rules hold at the date an incident happened, not the date it was reported: the history is
 * replayed in occurrence order — as the relation view folds it — with the change in place, and
 * the change is refused if any incident then breaks a rule that held before (a return dated before
 * the recall it ends, or one that a late-reported earlier return would make impossible).
 */
function rejectNewViolations(action: string, before: IncidentEvent[], after: IncidentEvent[]): void {
  const existing = new Set(violationsInOccurrenceOrder(before).map((v) => v.incident.data.incidentId));
  const introduced = violationsInOccurrenceOrder(after).find((v) => !existing.has(v.incident.data.incidentId));
  if (!introduced) return;
  const { incident, reason } = introduced;
  const changed = after[after.length - 1].data.incidentId;
  throw new RelationRuleViolation(
    incident.data.incidentId === changed
      ? `${action} rejected: ${reason}`
      : `${action} rejected: it would make the ${incident.type} of ${incident.data.occurredOn} (${incident.data.incidentId}) impossible: ${reason}`,
  );
}

function violationsInOccurrenceOrder(incidents: IncidentEvent[]): { incident: IncidentInContext; reason: string }[] {
  const violations: { incident: IncidentInContext; reason: string }[] = [];
  let facts = noFacts;
  for (const incident of inOccurrenceOrder(incidents)) {
    const reason = INCIDENT_CATALOG[incident.type].violation?.(facts, incident);
    if (reason) violations.push({ incident, reason });
    facts = applyIncident(facts, incident);
  }
  return violations;
}

/** The id of the incident a report names as the one it protests, checked: recorded in the pair, and not after the report's period. */
function incidentProtested(state: RelationDecisionState, command: ReportIncident['data'], responseEndMs: number, named: string): string {
  const believed = believedIncidentsOf(state);
  const index = believed.findIndex((incident) => incident.data.incidentId === named);
  const { incidentType: type, actor, target } = command;
  if (index < 0) throw new RelationRuleViolation(`${type} rejected: no incident ${named} is recorded between ${actor} and ${target}`);
  if (inContexts(believed)[index].atMs >= responseEndMs) {
    throw new RelationRuleViolation(`${type} rejected: incident ${named} happened after this ${type} (${command.occurredOn})`);
  }
  return named;
}

/** The expulsion a reciprocal expulsion answers: the one it names, else the latest unanswered one. */
function expulsionAnswered(facts: RelationFacts, command: ReportIncident['data'], responseEndMs: number, named?: string): Expulsion {
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

/** The decider of a country pair's stream, as one value. */
export const relationDecider: Decider<RelationDecisionState, RelationCommand, RelationEvent> = { initialState, evolve, decide };
