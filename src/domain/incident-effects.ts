import type { IncidentEvent, RelationEvent } from './incident.js';
import { INCIDENT_CATALOG, type IncidentInContext } from './incident-catalog.js';
import { parseOccurrence, referenceInstant } from './occurrence.js';
import { noFacts, type RelationFacts } from './relation-facts.js';

/** The incident with its reference instant (see occurrence.ts), as rules and effects see it. */
export function inContext(event: IncidentEvent): IncidentInContext {
  const period = parseOccurrence(event.data.occurredOn);
  return { type: event.type, data: event.data, atMs: referenceInstant(period, Date.parse(event.data.recordedAt)) };
}

/** Applies an incident's catalogued effect; the decider and the state projection share it. */
export function applyIncident(facts: RelationFacts, incident: IncidentInContext): RelationFacts {
  const effect = INCIDENT_CATALOG[incident.type].effect;
  return effect ? effect(facts, incident) : facts;
}

/** Incidents sorted by reference instant; ties keep the order given (log order). */
export function inOccurrenceOrder(events: readonly IncidentEvent[]): IncidentInContext[] {
  return events
    .map((event, index) => ({ incident: inContext(event), index }))
    .sort((x, y) => x.incident.atMs - y.incident.atMs || x.index - y.index)
    .map(({ incident }) => incident);
}

/** The relation's facts after `events`, folded in the order they happened. */
export function foldFacts(events: readonly IncidentEvent[]): RelationFacts {
  return inOccurrenceOrder(events).reduce(applyIncident, noFacts);
}

/** The incidents as believed after `events` (in log order): corrections applied, retracted ones gone, in report order. */
export function believedIncidents(events: Iterable<RelationEvent>): IncidentEvent[] {
  const believed = new Map<string, IncidentEvent>();
  for (const event of events) {
    if (event.type === 'IncidentRetracted') {
      believed.delete(event.data.incidentId);
    } else if (event.type === 'IncidentCorrected') {
      const original = believed.get(event.data.incidentId);
      if (original) believed.set(event.data.incidentId, { type: original.type, data: { ...original.data, ...event.data.changes } });
    } else {
      believed.set(event.data.incidentId, event);
    }
  }
  return [...believed.values()];
}
