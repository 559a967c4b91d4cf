import { getDomain } from 'tldts';
import type { ImportedRow, Source } from '../domain/incident.js';

/**
 * What an incident's corroborations added: the distinct publishers they came from and the
 * dataset rows they were imported from. Kept in memory (and in snapshots) only for incidents that
 * have some — most analyst reports have none.
 */
export interface IncidentEvidence {
  /** Independent sources of the corroborations: registrable domains, else publisher names (lower case). */
  publishers: string[];
  /** "dataset/row" of each corroborating row, in log order. */
  importedRows: string[];
}

/**
 * The independent source a report comes from: the registrable domain of its URL (tldts, so
 * edition.cnn.com and money.cnn.com are one source), else its publisher's name.
 */
export function independentSourceOf(source: Source): string | undefined {
  const domain = source.url ? getDomain(source.url) : null;
  return domain ?? source.publisher?.trim().toLowerCase() ?? undefined;
}

export function importedRowName(row: ImportedRow): string {
  return `${row.dataset}/${row.row}`;
}

/** How many independent sources an incident has: its own sources' and its corroborations'. */
export function independentSourceCount(sources: readonly Source[], evidence: IncidentEvidence | undefined): number {
  const distinct = new Set(evidence?.publishers);
  for (const source of sources) {
    const key = independentSourceOf(source);
    if (key !== undefined) distinct.add(key);
  }
  return distinct.size;
}
