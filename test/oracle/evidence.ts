import { evidenceWeight, passesEvidenceFilter, type EvidenceFilter, type EvidenceStanding } from '../../src/domain/evidence-weight.js';
import type { IncidentEvent } from '../../src/domain/incident.js';
import { independentSourceOf } from '../../src/projections/incident-evidence.js';
import type { RecordedRelationEvent, ViewEvidence } from './relation-history.js';

/**
 * Each incident's evidence as known at `knownAtMs`, the plain way: a walk over the stream's events
 * recorded by then. An imported incident's independent sources are the distinct publishers of its
 * own source, its corroborations and its confirmation's source; an analyst's report's are its own
 * sources' distinct publishers plus its corroborations' (docs/importing.md). Confirmed once an
 * IncidentConfirmed is known.
 */
export function standingsKnownAt(events: readonly RecordedRelationEvent[], knownAtMs = Infinity): Map<string, EvidenceStanding> {
  const known = new Map<string, { imported: boolean; own: number; publishers: Set<string>; confirmed: boolean }>();
  const add = (publishers: Set<string>, source: Parameters<typeof independentSourceOf>[0]) => {
    const publisher = independentSourceOf(source);
    if (publisher !== undefined) publishers.add(publisher);
  };
  for (const { event, recordedMs } of events) {
    if (recordedMs > knownAtMs) continue;
    if (event.type === 'IncidentCorroborated') {
      const incident = known.get(event.data.incidentId);
      if (incident) add(incident.publishers, event.data.source);
    } else if (event.type === 'IncidentConfirmed') {
      const incident = known.get(event.data.incidentId);
      if (!incident) continue;
      incident.confirmed = true;
      if (event.data.source) add(incident.publishers, event.data.source);
    } else if (event.type !== 'IncidentCorrected' && event.type !== 'IncidentRetracted') {
      const { data } = event as IncidentEvent;
      const imported = data.provenance !== undefined;
      const own = new Set<string>();
      for (const source of data.sources) add(own, source);
      known.set(data.incidentId, { imported, own: imported ? 0 : own.size, publishers: imported ? own : new Set(), confirmed: false });
    }
  }
  return new Map(
    [...known].map(([id, { imported, own, publishers, confirmed }]) => [
      id,
      { provenance: !imported ? 'analyst' : confirmed ? 'confirmed' : 'imported', independentSources: own + publishers.size } satisfies EvidenceStanding,
    ]),
  );
}

/** The incidents a view filtered by `filter` scores, and how much each weighs. */
export function evidenceOf(standings: Map<string, EvidenceStanding>, filter?: EvidenceFilter): ViewEvidence {
  return {
    passes: (incident: IncidentEvent) => passesEvidenceFilter(standings.get(incident.data.incidentId)!, filter),
    weightOf: (incidentId: string) => evidenceWeight(standings.get(incidentId)!),
  };
}
