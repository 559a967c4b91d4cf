import type { RecordedIncident, RelationsReadModel } from '../projections/relations.read-model.js';
import type { SearchCriteria } from './incident-text-index.js';
import type { EvidenceFilter } from '../domain/evidence-weight.js';
import type { IncidentSearch } from './incident-search.service.js';

/** Matches fetched from the index per round while filling a page (dates are checked on the believed incident). */
const BATCH = 200;

export interface SearchPageRequest extends Omit<SearchCriteria, 'limit' | 'afterPosition'> {
  /** Occurrence reference instants, epoch ms, inclusive: checked against the read model's belief. */
  fromMs?: number;
  toMs?: number;
  /** Incidents as known at this instant, epoch ms: reported by then, with the corrections and retractions recorded by then. */
  knownAtMs?: number;
  after?: string;
  /** Only incidents whose evidence passes it: checked on the read model's standing of each. */
  evidence?: EvidenceFilter;
}

/**
 * One page of a search: the index orders and narrows (text, countries, type, retraction), the
 * read model supplies each incident as currently believed, which also decides the date range —
 * the same reference instant the unsearched listing filters on, so both agree on `from`/`to`.
 */
export async function searchedIncidentsPage(
  search: IncidentSearch,
  readModel: RelationsReadModel,
  request: SearchPageRequest,
  limit: number,
): Promise<{ items: RecordedIncident[]; next: string | null }> {
  const items: RecordedIncident[] = [];
  let after = request.after;
  for (;;) {
    // The index knows only what is believed now: an incident retracted since knownAt was not retracted then, so the retraction is judged here.
    const includeRetracted = request.includeRetracted || request.knownAtMs !== undefined;
    const hits = await search.search({ ...request, includeRetracted, afterPosition: after, limit: BATCH });
    const scanned = hits.slice(0, BATCH);
    for (const hit of scanned) {
      const incident = await readModel.incident(hit.incidentId, request.knownAtMs);
      if (!incident) continue;
      if (incident.retracted && !request.includeRetracted) continue;
      if (request.fromMs !== undefined && incident.atMs < request.fromMs) continue;
      if (request.toMs !== undefined && incident.atMs > request.toMs) continue;
      if (request.evidence && !readModel.passesEvidence(incident.data.incidentId, request.evidence)) continue;
      if (items.length === limit) return { items, next: items[items.length - 1].position };
      items.push(incident);
    }
    if (hits.length <= BATCH) return { items, next: null };
    after = scanned[scanned.length - 1].position;
  }
}
