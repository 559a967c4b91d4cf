/**
 * What the write side needs to look up before it can load a stream: which pair's stream an
 * incident or a caller-chosen event id belongs to. The read side knows; this port lets the write
 * side ask without importing it (write-side.providers.ts binds the adapter).
 */
export interface IncidentDirectory {
  /** The stream of the pair the incident was reported in, or undefined when none is known (yet). */
  streamOfIncident(incidentId: string): string | undefined;
  /** The stream an event with a caller-chosen id (Idempotency-Key, seed) was recorded in, if known. */
  streamOfEvent(eventId: string): string | undefined;
}

export const INCIDENT_DIRECTORY = Symbol('IncidentDirectory');
