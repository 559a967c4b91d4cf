import type { AmendmentEvent, EvidenceEvent, IncidentEvent, RelationEvent } from '../domain/incident.js';
import { isIncidentType } from '../domain/incident-types.js';
import type { RelationView } from '../domain/relation-view.js';
import type { StoredEvent } from '../event-store/event-store.port.js';

/** How an update changed the pair: a new incident, or a later fact about one (an amendment, or evidence that changes its weight). */
export type UpdateKind = 'reported' | 'corrected' | 'retracted' | 'corroborated' | 'confirmed';

/** The pair right after (live) or at the time of sending (replayed) an update: what a list row shows. */
export interface LiveRelationSummary {
  pair: readonly [string, string];
  /** The instant the score is computed at (the server's "now"). */
  at: string;
  score: number;
  level: string;
  trend: RelationView['escalation']['trend'];
  relations: RelationView['relations'];
  incidentCount: number;
  lastIncident: RelationView['lastIncident'];
}

/** One `update` message of GET /events/stream: an event applied to the read model and its pair's new score. */
export interface LiveUpdate {
  /** The event's position in the global log; also the SSE `id`, so a reconnecting client resumes after it. */
  position: string;
  eventId: string;
  kind: UpdateKind;
  /** The pair key, e.g. AZE-FRA. */
  pairKey: string;
  event: RelationEvent;
  /** Null only if the pair vanished from the read model (a rebuild on another log). */
  relation: LiveRelationSummary | null;
  /** True when sent from the log on reconnection rather than as it happened. */
  replayed: boolean;
}

export function kindOf(event: RelationEvent): UpdateKind {
  if (event.type === 'IncidentCorrected') return 'corrected';
  if (event.type === 'IncidentRetracted') return 'retracted';
  if (event.type === 'IncidentCorroborated') return 'corroborated';
  if (event.type === 'IncidentConfirmed') return 'confirmed';
  return 'reported';
}

export function relationSummary(view: RelationView | undefined): LiveRelationSummary | null {
  if (!view) return null;
  return {
    pair: view.pair,
    at: view.at,
    score: view.escalation.score,
    level: view.escalation.level,
    trend: view.escalation.trend,
    relations: view.relations,
    incidentCount: view.incidentCount,
    lastIncident: view.lastIncident,
  };
}

/** The same filter as the read model: incident reports, their amendments and their evidence concern relations. */
export function asRelationEvent(stored: StoredEvent): RelationEvent | null {
  if (isIncidentType(stored.type)) return { type: stored.type, data: stored.data } as unknown as IncidentEvent;
  if (stored.type === 'IncidentCorrected' || stored.type === 'IncidentRetracted') {
    return { type: stored.type, data: stored.data } as unknown as AmendmentEvent;
  }
  if (stored.type === 'IncidentCorroborated' || stored.type === 'IncidentConfirmed') {
    return { type: stored.type, data: stored.data } as unknown as EvidenceEvent;
  }
  return null;
}

/** The SSE message of an update: its id is the log position, where a reconnecting client resumes. */
export function updateMessage(update: LiveUpdate) {
  return { id: update.position, event: 'update', data: update };
}
