import { getDomain } from 'tldts';
import type { ImportedRow, Source } from '../domain/incident.js';

/**
 * What vouches for an incident beyond an analyst's report: the distinct publishers an imported
 * incident and its corroborations came from, the dataset rows that corroborated it, and an
 * analyst's confirmation — each with when it was recorded, so a view of earlier knowledge weighs
 * the incident by what was known then. Kept in memory (and in snapshots) for imported incidents
 * and corroborated ones only — most analyst reports have none.
 */
export interface IncidentEvidence {
  /**
   * Independent sources: registrable domains, else publisher names (lower case). An imported
   * incident's own source first; for an analyst's report only its corroborations' (its own
   * sources are counted in the `sources` row column).
   */
  publishers: string[];
  /** When each publisher was first recorded for the incident, epoch ms, parallel to `publishers`. */
  publishersSinceMs: number[];
  /** "dataset/row" of each corroborating row, in log order. */
  importedRows: string[];
  /** When an analyst confirmed the (imported) incident, epoch ms. */
  confirmedMs?: number;
}

/** Notes `source`'s independent source as known from `recordedMs` (once per publisher: the first report counts). */
export function addPublisher(evidence: IncidentEvidence, source: Source, recordedMs: number): void {
  const publisher = independentSourceOf(source);
  if (publisher === undefined || evidence.publishers.includes(publisher)) return;
  evidence.publishers.push(publisher);
  evidence.publishersSinceMs.push(recordedMs);
}

/** Distinct independent sources among `sources` (capped to fit the one-byte row column). */
export function ownSourceCount(sources: readonly Source[]): number {
  return Math.min(255, new Set(sources.map(independentSourceOf).filter((key) => key !== undefined)).size);
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
