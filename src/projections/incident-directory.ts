import type { IncidentRows } from './incident-rows.js';

/** What the write side may ask of the read side: which stream an incident or an event belongs to. */
export interface IncidentLookup {
  streamOfIncident(incidentId: string): string | undefined;
  streamOfEvent(eventId: string): string | undefined;
}

/**
 * Which stream an incident or an event belongs to, as far as the read model has applied the log:
 * what the write side needs to find a pair, known synchronously, with nothing read from the store.
 */
export class IncidentDirectory implements IncidentLookup {
  constructor(private readonly rows: IncidentRows) {}

  /** The stream of the pair the incident was reported in. */
  streamOfIncident(incidentId: string): string | undefined {
    const row = this.rows.ids.get(incidentId);
    return row === undefined ? undefined : this.rows.pairOfRow(row).streamId;
  }

  /** The stream an event written under an Idempotency-Key was recorded in. */
  streamOfEvent(eventId: string): string | undefined {
    return this.rows.streamOfKeyedEvent.get(eventId);
  }

  /** The pair ("AZE-FRA") an incident belongs to. */
  pairOfIncident(incidentId: string): string | undefined {
    const row = this.rows.ids.get(incidentId);
    return row === undefined ? undefined : this.rows.pairOfRow(row).key;
  }
}
