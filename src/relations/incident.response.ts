import type { RecordedIncident } from '../projections/relations.read-model.js';

/** The public shape of a recorded incident. */
export function incidentResponse(incident: RecordedIncident) {
  const { incidentId, provenance: _shownAsEvidence, ...data } = incident.data;
  return {
    incidentId,
    type: incident.type,
    ...data,
    eventId: incident.eventId,
    streamId: incident.streamId,
    revision: incident.revision,
    position: incident.position,
    retracted: incident.retracted,
    amendments: incident.amendments,
    evidence: incident.evidence,
  };
}
