import { isEvidence, isIncidentReport, type AmendmentEvent, type IncidentEvent, type IncidentInContext, type RelationEvent } from './incident.js';
import { INCIDENT_CATALOG } from './incident-catalog.js';
import { parseOccurrence, referenceInstant } from './occurrence.js';
import { noFacts, type RelationFacts } from './relation-facts.js';

/**
 * The incident with its reference instant (see occurrence.ts), as rules and effects see it;
 * `causeAtMs` is the reference instant of the incident it answers (`inResponseTo`), if known.
 */
export function inContext(event: IncidentEvent, causeAtMs?: number): IncidentInContext {
  const period = parseOccurrence(event.data.occurredOn);
  return { type: event.type, data: event.data, atMs: referenceInstant(period, Date.parse(event.data.recordedAt), causeAtMs) };
}

/**
 * Every incident in context, each answer counted no earlier than the incident it answers among
 * `events` (given in report order). An answer is reported after what it answers, so a chain (a
 * summons protesting a reciprocal expulsion, which answers an expulsion) resolves in one pass.
 */
export function inContexts(events: readonly IncidentEvent[]): IncidentInContext[] {
  const alone = events.map((event) => inContext(event));
  if (!events.some((event) => event.data.inResponseTo !== undefined)) return alone;
  const atOf = new Map(alone.map((incident) => [incident.data.incidentId, incident.atMs]));
  return events.map((event, i) => {
    const cause = event.data.inResponseTo;
    if (cause === undefined || !atOf.has(cause)) return alone[i];
    const incident = inContext(event, atOf.get(cause));
    atOf.set(event.data.incidentId, incident.atMs);
    return incident;
  });
}

/** Applies an incident's catalogued effect; the decider and the state projection share it. */
export function applyIncident(facts: RelationFacts, incident: IncidentInContext): RelationFacts {
  const effect = INCIDENT_CATALOG[incident.type].effect;
  return effect ? effect(facts, incident) : facts;
}

/** Incidents sorted by reference instant; ties keep the order given (log order). */
export function inOccurrenceOrder(events: readonly IncidentEvent[]): IncidentInContext[] {
  return inContexts(events)
    .map((incident, index) => ({ incident, index }))
    .sort((x, y) => x.incident.atMs - y.incident.atMs || x.index - y.index)
    .map(({ incident }) => incident);
}

/** The relation's facts after `events`, folded in the order they happened. */
export function foldFacts(events: readonly IncidentEvent[]): RelationFacts {
  return inOccurrenceOrder(events).reduce(applyIncident, noFacts);
}

/**
 * The incident as believed after one more amendment of it: a correction's changes laid over its
 * data, nothing once retracted. The one statement of what an amendment does: the reference folds
 * and the read side (which keeps amendments apart from reports) both apply it.
 */
export function amended(incident: IncidentEvent, amendment: AmendmentEvent): IncidentEvent | undefined {
  if (amendment.type === 'IncidentRetracted') return undefined;
  return { type: incident.type, data: { ...incident.data, ...amendment.data.changes } };
}

/** The incidents as believed after `events` (in log order): corrections applied, retracted ones gone, in report order. */
export function believedIncidents(events: Iterable<RelationEvent>): IncidentEvent[] {
  const believed = new Map<string, IncidentEvent>();
  for (const event of events) {
    if (isEvidence(event)) continue;
    if (isIncidentReport(event)) {
      believed.set(event.data.incidentId, event);
      continue;
    }
    const original = believed.get(event.data.incidentId);
    if (!original) continue;
    const now = amended(original, event);
    if (now) believed.set(event.data.incidentId, now);
    else believed.delete(event.data.incidentId);
  }
  return [...believed.values()];
}
