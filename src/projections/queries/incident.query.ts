import type { AmendmentEvent, IncidentData } from '../../domain/incident.js';
import type { IncidentType } from '../../domain/incident-types.js';
import type { LogAddress } from '../log-address.js';
import { importedRowName } from '../incident-evidence.js';
import { evidenceWeight, type Provenance } from '../../domain/evidence-weight.js';
import type { ReadSide } from '../read-side.js';

/** An incident as currently believed: the original report with corrections applied. */
export interface RecordedIncident extends LogAddress {
  type: IncidentType;
  data: IncidentData;
  /** Reference instant of the occurrence, epoch ms. */
  atMs: number;
  amendments: (AmendmentEvent['data'] & { type: AmendmentEvent['type'] })[];
  retracted: boolean;
  /** Where it came from, how many independent sources report it, and how much it counts for that. */
  evidence: {
    reportedBy: 'analyst' | 'import';
    provenance: Provenance;
    importedRows: string[];
    independentSources: number;
    confirmedAt: string | null;
    /** e_i, the share of its weight the score gives it (evidence-weight.ts). */
    weight: number;
  };
}

function evidenceOf(side: ReadSide, row: number, data: IncidentData): RecordedIncident['evidence'] {
  const corroborations = side.rows.evidence.get(row);
  const own = data.provenance ? [importedRowName(data.provenance)] : [];
  const standing = side.beliefs.standingOf(row);
  return {
    reportedBy: data.provenance ? 'import' : 'analyst',
    provenance: standing.provenance,
    importedRows: [...own, ...(corroborations?.importedRows ?? [])],
    // The count the weight and the filters read (beliefs.ts), so what is shown is what is scored.
    independentSources: standing.independentSources,
    confirmedAt: corroborations?.confirmedMs === undefined ? null : new Date(corroborations.confirmedMs).toISOString(),
    weight: evidenceWeight(standing),
  };
}

/** The incident as believed once everything recorded by `knownAtMs` is known; undefined if it was reported after. */
export async function incidentById(side: ReadSide, incidentId: string, knownAtMs = Infinity): Promise<RecordedIncident | undefined> {
  const row = side.rows.ids.get(incidentId);
  if (row === undefined || side.rows.columns.recordedMs.get(row) > knownAtMs) return undefined;
  return (await recordedIncidents(side, [row], knownAtMs))[0];
}

/** The incidents of `rows` as believed at `knownAtMs` (now by default), with their documents read from the store. */
export async function recordedIncidents(side: ReadSide, rows: readonly number[], knownAtMs = Infinity): Promise<RecordedIncident[]> {
  const documents = await side.documents.of(rows, knownAtMs);
  return rows.map((row, i) => {
    const { report, amendments, believed } = documents[i];
    const belief = side.beliefs.belief(row, knownAtMs);
    return {
      eventId: report.eventId,
      streamId: report.streamId,
      revision: report.revision,
      position: report.position,
      type: believed.type,
      data: believed.data,
      atMs: belief.atMs,
      amendments: amendments.map(({ type, data }) => ({ type, ...data }) as RecordedIncident['amendments'][number]),
      retracted: belief.retracted,
      evidence: evidenceOf(side, row, believed.data),
    };
  });
}
