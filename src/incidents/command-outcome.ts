import { isIncidentReport, type RelationEvent } from '../domain/incident.js';
import type { IncidentType } from '../domain/incident-types.js';
import type { JsonObject, StoredEvent } from '../event-store/event-store.port.js';

/** What was recorded for one command: the answer to the request that sent it, and to its retries. */
export interface Recorded {
  incidentId: string;
  eventId: string;
  /** The event type recorded (an incident type, IncidentCorrected, IncidentRetracted or IncidentConfirmed). */
  recordedType: string;
  /** For reports: the type the reporter sent, which the decider may have recorded as another. */
  postedType?: IncidentType;
  streamId: string;
  revision: number;
  position: string;
  recordedAt: string;
  inResponseTo?: string;
  /** The event's metadata as stored: who sent the command, and under which Idempotency-Key. */
  metadata: JsonObject;
}

export interface CommandOutcome extends Recorded {
  /** True when the event id had been recorded before and this is the original outcome. */
  replayed: boolean;
}

export interface CommandOptions {
  /** A caller-chosen, deterministic event id: sending the command again returns the first outcome. */
  eventId?: string;
  /** Stored with the event, in the same append; a replayed outcome carries the metadata first stored. */
  metadata?: JsonObject;
  /**
   * Append only if the pair's stream is at one of these revisions, or ('stream_exists') has any
   * event at all; else RevisionPreconditionFailed. Checked against the stream as read from the
   * store, and the append expects that same revision, so no other writer can slip in between.
   */
  expectedRevision?: number | readonly number[] | 'stream_exists';
}

/** The pair's stream is not at the revision the command was sent against (HTTP 412). */
export class RevisionPreconditionFailed extends Error {
  constructor(
    readonly streamId: string,
    /** The stream's current revision, or null when it has no events yet. */
    readonly currentRevision: number | null,
  ) {
    super(currentRevision === null ? `${streamId} has no events yet` : `${streamId} is at revision ${currentRevision}`);
    this.name = 'RevisionPreconditionFailed';
  }
}

/** What was recorded by `stored`: the answer to the command that wrote it and to its retries. */
export function outcomeOf(stored: StoredEvent): Recorded {
  const event = { type: stored.type, data: stored.data } as unknown as RelationEvent;
  const report = isIncidentReport(event) ? event.data : undefined;
  return {
    incidentId: event.data.incidentId,
    eventId: stored.eventId,
    recordedType: event.type,
    ...(report ? { postedType: report.postedType ?? (event.type as IncidentType) } : {}),
    streamId: stored.streamId,
    revision: stored.revision,
    position: stored.position,
    recordedAt: event.data.recordedAt,
    ...(report?.inResponseTo ? { inResponseTo: report.inResponseTo } : {}),
    metadata: stored.metadata,
  };
}
