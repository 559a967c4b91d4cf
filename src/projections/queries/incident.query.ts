import type { AmendmentEvent, IncidentData } from '../../domain/incident.js';
import type { IncidentType } from '../../domain/incident-types.js';
import type { LogAddress } from '../log-address.js';
import { importedRowName, independentSourceCount, type IncidentEvidence } from '../incident-evidence.js';
import type { ReadSide } from '../read-side.js';

/** An incident as currently believed: the original report with corrections applied. */
export interface RecordedIncident extends LogAddress {
  type: IncidentType;
  data: IncidentData;
  /** Reference instant of the occurrence, epoch ms. */
  atMs: number;
  amendments: (AmendmentEvent['data'] & { type: AmendmentEvent['type'] })[];
  retracted: boolean;
  /** Where it came from and how many independent sources report it. */
  evidence: { reportedBy: 'analyst' | 'import'; importedRows: string[]; independentSources: number };
}

function evidenceOf(data: IncidentData, corroborations: IncidentEvidence | undefined): RecordedIncident['evidence'] {
  const own = data.provenance ? [importedRowName(data.provenance)] : [];
  return {
    reportedBy: data.provenance ? 'import' : 'analyst',
    importedRows: [...own, ...(corroborations?.importedRows ?? [])],
    independentSources: independentSourceCount(data.sources, corroborations),
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
      evidence: evidenceOf(believed.data, side.rows.evidence.get(row)),
    };
  });
}
