import type { FastifyReply } from 'fastify';
import type { RecordedIncident } from '../projections/relations.read-model.js';
import type { CommandOutcome } from './incident-reporter.service.js';

/**
 * The 201 body of a write: what was recorded. A replay (a retry under the same Idempotency-Key)
 * gets the same body, marked by the `Idempotent-Replayed: true` header.
 */
export function commandResponse(outcome: CommandOutcome, reply: FastifyReply) {
  const { replayed, metadata: _metadata, ...recorded } = outcome;
  if (replayed) reply.header('idempotent-replayed', 'true');
  return recorded;
}

/** The public shape of a recorded incident. */
export function incidentResponse(incident: RecordedIncident) {
  const { incidentId, ...data } = incident.data;
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
  };
}
