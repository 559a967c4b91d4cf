import type { IncidentChanges, IncidentData } from '../domain/incident.js';
import { INCIDENT_TYPES } from '../domain/incident-types.js';
import { parseOccurrence } from '../domain/occurrence.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import type { IndexChange } from './incident-text-index.js';

const INCIDENT_TYPE_NAMES: ReadonlySet<string> = new Set(INCIDENT_TYPES);
/** Demarche's streams; anything else sharing the store is not ours to index. */
const RELATION_STREAM = /^relation-/;

/**
 * What one event of the log changes in the index: a report adds an incident, a correction or a
 * retraction amends one; anything else, nothing. Plain data, so it can be posted to the index's thread.
 */
export function indexChangeOf(event: StoredEvent): IndexChange | undefined {
  if (!RELATION_STREAM.test(event.streamId)) return undefined;
  if (INCIDENT_TYPE_NAMES.has(event.type)) {
    const data = event.data as unknown as IncidentData;
    return {
      kind: 'add',
      incidentId: data.incidentId,
      position: event.position,
      actor: data.actor,
      target: data.target,
      type: event.type,
      occurredMs: occurredStartMs(data.occurredOn),
      summary: data.summary,
      sources: data.sources ?? [],
    };
  }
  if (event.type === 'IncidentCorrected') {
    const { incidentId, changes } = event.data as unknown as { incidentId: string; changes: IncidentChanges };
    return {
      kind: 'correct',
      incidentId,
      summary: changes.summary,
      sources: changes.sources,
      occurredMs: changes.occurredOn === undefined ? undefined : occurredStartMs(changes.occurredOn),
    };
  }
  if (event.type === 'IncidentRetracted') return { kind: 'retract', incidentId: (event.data as { incidentId: string }).incidentId };
  return undefined;
}

/** The start of the reported period: recorded dates were validated when written, so this only guards odd foreign data. */
function occurredStartMs(occurredOn: string): number {
  try {
    return parseOccurrence(occurredOn).startMs;
  } catch {
    return 0;
  }
}
