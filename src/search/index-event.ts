import type { IncidentChanges, IncidentData } from '../domain/incident.js';
import { INCIDENT_TYPES } from '../domain/incident-types.js';
import { parseOccurrence } from '../domain/occurrence.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import type { IncidentTextIndex } from './incident-text-index.js';

const INCIDENT_TYPE_NAMES: ReadonlySet<string> = new Set(INCIDENT_TYPES);
/** Demarche's streams; anything else sharing the store is not ours to index. */
const RELATION_STREAM = /^relation-/;

/** Applies one event of the log to the index: reports are added, corrections and retractions amend them. */
export function indexEvent(index: IncidentTextIndex, event: StoredEvent): void {
  if (!RELATION_STREAM.test(event.streamId)) return;
  if (INCIDENT_TYPE_NAMES.has(event.type)) {
    const data = event.data as unknown as IncidentData;
    index.add({
      incidentId: data.incidentId,
      position: event.position,
      actor: data.actor,
      target: data.target,
      type: event.type,
      occurredMs: occurredStartMs(data.occurredOn),
      summary: data.summary,
      sources: data.sources ?? [],
    });
  } else if (event.type === 'IncidentCorrected') {
    const { incidentId, changes } = event.data as unknown as { incidentId: string; changes: IncidentChanges };
    index.correct(incidentId, {
      summary: changes.summary,
      sources: changes.sources,
      occurredMs: changes.occurredOn === undefined ? undefined : occurredStartMs(changes.occurredOn),
    });
  } else if (event.type === 'IncidentRetracted') {
    index.retract((event.data as { incidentId: string }).incidentId);
  }
}

/** The start of the reported period: recorded dates were validated when written, so this only guards odd foreign data. */
function occurredStartMs(occurredOn: string): number {
  try {
    return parseOccurrence(occurredOn).startMs;
  } catch {
    return 0;
  }
}
