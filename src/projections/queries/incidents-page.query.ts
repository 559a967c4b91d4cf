import { INCIDENT_TYPES, type IncidentType } from '../../domain/incident-types.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import type { ReadSide } from '../read-side.js';
import { recordedIncidents, type RecordedIncident } from './incident.query.js';

export interface IncidentFilter {
  pair?: string;
  type?: IncidentType;
  /** Occurrence reference instants, epoch ms, inclusive. */
  fromMs?: number;
  toMs?: number;
  /** Only what had been recorded by this instant (reports, corrections, retractions), epoch ms. */
  knownAtMs?: number;
  /** Only incidents whose evidence passes it (provenance, independent sources). */
  evidence?: EvidenceFilter;
  /** Position of the last incident of the previous page. */
  after?: string;
  limit: number;
}

/** A page of incidents in the order they were reported, retracted ones left out; `next` continues it. */
export async function incidentsPage(side: ReadSide, filter: IncidentFilter): Promise<{ items: RecordedIncident[]; next: string | null }> {
  const { rows: storage, beliefs } = side;
  let rows: Uint32Array | undefined;
  if (filter.pair !== undefined) {
    const entry = storage.pairByKeyOf(filter.pair);
    rows = entry === undefined ? new Uint32Array(0) : entry.reports.data.subarray(0, entry.reports.length);
  }
  const count = rows ? rows.length : storage.count;
  const rowAt = (i: number) => (rows ? rows[i] : i);
  const matching: number[] = [];
  let next: string | null = null;
  for (let i = filter.after ? firstAfter(side, count, rowAt, filter.after) : 0; i < count; i++) {
    const row = rowAt(i);
    if (filter.knownAtMs !== undefined && storage.columns.recordedMs.get(row) > filter.knownAtMs) continue;
    const belief = beliefs.belief(row, filter.knownAtMs);
    if (belief.retracted) continue;
    if (filter.type !== undefined && INCIDENT_TYPES[storage.columns.type.get(row)] !== filter.type) continue;
    if (filter.fromMs !== undefined && belief.atMs < filter.fromMs) continue;
    if (filter.toMs !== undefined && belief.atMs > filter.toMs) continue;
    if (!beliefs.passes(row, filter.evidence)) continue;
    if (matching.length === filter.limit) {
      next = storage.positions.get(matching[matching.length - 1]);
      break;
    }
    matching.push(row);
  }
  return { items: await recordedIncidents(side, matching, filter.knownAtMs), next };
}

/** Index (into a list of `count` rows in log order) of the first row strictly after `position`. */
function firstAfter(side: ReadSide, count: number, rowAt: (i: number) => number, position: string): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (side.comparePositions(side.rows.positions.get(rowAt(mid)), position) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
