import { countryName } from '../domain/countries.js';
import type { Source } from '../domain/incident.js';
import type { CsvColumn } from './csv.js';

/** What an incident row of the export reads: the public incident response. */
export interface IncidentRow {
  incidentId: string;
  type: string;
  actor: string;
  target: string;
  occurredOn: string;
  precision: string;
  summary: string;
  sources: Source[];
  details: Record<string, unknown>;
  recordedAt: string;
  retracted: boolean;
  position: string;
  evidence: { provenance: string; importedRows: string[]; independentSources: number; weight: number };
}

export const INCIDENT_COLUMNS: CsvColumn<IncidentRow>[] = [
  { header: 'incident_id', cell: (r) => r.incidentId },
  { header: 'type', cell: (r) => r.type },
  { header: 'actor', cell: (r) => r.actor },
  { header: 'actor_name', cell: (r) => countryName(r.actor) },
  { header: 'target', cell: (r) => r.target },
  { header: 'target_name', cell: (r) => countryName(r.target) },
  { header: 'occurred_on', cell: (r) => r.occurredOn },
  { header: 'precision', cell: (r) => r.precision },
  { header: 'summary', cell: (r) => r.summary },
  { header: 'details', cell: (r) => (Object.keys(r.details ?? {}).length ? JSON.stringify(r.details) : '') },
  { header: 'source_urls', cell: (r) => r.sources.map((s) => s.url ?? '').filter(Boolean).join(' ') },
  { header: 'source_publishers', cell: (r) => r.sources.map((s) => s.publisher ?? '').filter(Boolean).join('; ') },
  { header: 'recorded_at', cell: (r) => r.recordedAt },
  { header: 'retracted', cell: (r) => r.retracted },
  { header: 'position', cell: (r) => r.position },
  // Where it came from and how much it counts (docs/evidence-weighting.md), so an export can be filtered the same way.
  { header: 'provenance', cell: (r) => r.evidence.provenance },
  { header: 'imported_rows', cell: (r) => r.evidence.importedRows.join(' ') },
  { header: 'independent_sources', cell: (r) => r.evidence.independentSources },
  { header: 'evidence_weight', cell: (r) => r.evidence.weight },
];

/** What a relation row reads: the relation response. */
export interface RelationRow {
  pair: readonly string[];
  at: string;
  escalation: { score: number; level: string; trend: { direction: string; change: number } };
  relations: string;
  incidentCount: number;
  lastIncident: { occurredOn: string } | null;
  thisMonth: { judgement: string } | null;
}

export const RELATION_COLUMNS: CsvColumn<RelationRow>[] = [
  { header: 'country_a', cell: (r) => r.pair[0] },
  { header: 'country_a_name', cell: (r) => countryName(r.pair[0]) },
  { header: 'country_b', cell: (r) => r.pair[1] },
  { header: 'country_b_name', cell: (r) => countryName(r.pair[1]) },
  { header: 'at', cell: (r) => r.at },
  { header: 'level', cell: (r) => r.escalation.level },
  { header: 'score', cell: (r) => r.escalation.score },
  { header: 'trend_30d', cell: (r) => r.escalation.trend.direction },
  { header: 'trend_30d_change', cell: (r) => r.escalation.trend.change },
  { header: 'relations', cell: (r) => r.relations },
  { header: 'this_month', cell: (r) => r.thisMonth?.judgement ?? '' },
  { header: 'incidents', cell: (r) => r.incidentCount },
  { header: 'last_incident_on', cell: (r) => r.lastIncident?.occurredOn ?? '' },
];

/** One point of a timeline. */
export interface TimelineRow {
  at: string;
  score: number;
  level: string;
  /** Every incident arriving at the point; `incidents` may list only some of them. */
  incidentCount: number;
  incidents: { incidentId: string; type: string }[];
}

export const TIMELINE_COLUMNS: CsvColumn<TimelineRow>[] = [
  { header: 'at', cell: (r) => r.at },
  { header: 'score', cell: (r) => r.score },
  { header: 'level', cell: (r) => r.level },
  { header: 'incident_count', cell: (r) => r.incidentCount },
  { header: 'incident_ids', cell: (r) => r.incidents.map((i) => i.incidentId).join(' ') },
  { header: 'incident_types', cell: (r) => r.incidents.map((i) => i.type).join(' ') },
];

/** A pair of the overview: its relation row, and its daily sparkline in one compact cell. */
export interface OverviewRow extends RelationRow {
  sparkline: number[];
}

/** The sparkline's first and last day, the same for every row of one answer. */
export function overviewColumns(span: { from: string; to: string }): CsvColumn<OverviewRow>[] {
  return [
    ...RELATION_COLUMNS,
    { header: 'sparkline_from', cell: () => span.from },
    { header: 'sparkline_to', cell: () => span.to },
    // One score a day, space-separated, one decimal: a year of points stays a readable cell that splits back into numbers.
    { header: 'sparkline_daily_scores', cell: (r) => r.sparkline.map((score) => score.toFixed(1)).join(' ') },
  ];
}
