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

/**
 * The incident a coded row reports again, if any: same actor, same target (direction matters:
 * A threatening B is not B threatening A), same CAMEO code, and its period within
 * CORROBORATION_WINDOW_DAYS of the row's day. Retracted incidents match nothing; a corrected
 * date counts. Of several, the closest in time, then the first reported.
 * `newestFirst` is the pair's stream from its latest event back.
 */
export function matchingIncident(newestFirst: Iterable<RelationEvent>, row: CodedEventKey): string | undefined {
  const dayMs = Date.parse(`${row.occurredOn}T00:00:00Z`);
  const window = CORROBORATION_WINDOW_DAYS * DAY_MS;
  const retracted = new Set<string>();
  const correctedDate = new Map<string, string>();
  let best: { incidentId: string; distance: number } | undefined;
  for (const event of newestFirst) {
    if (isEvidence(event)) continue;
    if (isAmendment(event)) {
      const { incidentId } = event.data;
      if (event.type === 'IncidentRetracted') retracted.add(incidentId);
      else if (event.data.changes.occurredOn !== undefined && !correctedDate.has(incidentId)) correctedDate.set(incidentId, event.data.changes.occurredOn);
      continue;
    }
    const { data } = event;
    if (data.actor !== row.actor || data.target !== row.target || retracted.has(data.incidentId)) continue;
    const code = cameoCodeOf(event);
    if (code !== row.cameo) continue;
    const period = parseOccurrence(correctedDate.get(data.incidentId) ?? data.occurredOn);
    // Days between the row's day and the nearest day of the incident's period (0: on it).
    const distance = Math.max(0, period.startMs - dayMs, dayMs - (period.endMs - DAY_MS));
    if (distance > window) continue;
    // Newest first: an equally close incident seen later was reported earlier, and wins.
    if (!best || distance <= best.distance) best = { incidentId: data.incidentId, distance };
  }
  return best?.incidentId;
}
