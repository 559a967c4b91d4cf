import type { ImportCodedEvent } from '../../src/domain/relation.decider.js';

/**
 * One GDELT-style row between ARM and FRA as the importer sends it: an assault (CAMEO 1823,
 * Goldstein −10) on 2024-05-01, its incident id derived from the row, its source the given URL.
 * Rows with the same code and dates corroborate one incident.
 */
export function importedAssault(row: string, url: string, recordedAt: string): ImportCodedEvent {
  return {
    type: 'ImportCodedEvent',
    data: {
      incidentId: `00000000-0000-4000-8000-${row.padStart(12, '0')}`,
      actor: 'ARM',
      target: 'FRA',
      cameo: '1823',
      occurredOn: '2024-05-01',
      summary: 'Kill by physical assault',
      source: { url },
      provenance: { dataset: 'gdelt2', row, line: Number(row) },
      recordedAt,
    },
  };
}
