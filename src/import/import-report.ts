import type { SkipReason } from './coded-event.js';
import type { EventFormat } from './formats/event-format.js';

/** How many lines of each skip reason the report names. */
export const LINES_SHOWN = 5;

export interface SkipCount {
  count: number;
  /** The first LINES_SHOWN line (or record) numbers, with what was wrong for malformed ones. */
  firstLines: { line: number; problem?: string }[];
}

/** What one import of one file did; also its progress while it runs. */
export interface ImportReport {
  file: string;
  format: EventFormat;
  dataset: string;
  rowsRead: number;
  /** Rows between two states, with a CAMEO code: the ones sent to the decider. */
  interstateRows: number;
  incidentsCreated: number;
  corroborations: number;
  /** Rows whose event was recorded by an earlier run (a re-import, or a run killed midway). */
  alreadyRecorded: number;
  skipped: Partial<Record<SkipReason, SkipCount>>;
  elapsedMs: number;
}

export function emptyReport(file: string, format: EventFormat, dataset: string): ImportReport {
  return { file, format, dataset, rowsRead: 0, interstateRows: 0, incidentsCreated: 0, corroborations: 0, alreadyRecorded: 0, skipped: {}, elapsedMs: 0 };
}

export function countSkip(report: ImportReport, reason: SkipReason, line: number, problem?: string): void {
  const entry = (report.skipped[reason] ??= { count: 0, firstLines: [] });
  entry.count++;
  if (entry.firstLines.length < LINES_SHOWN) entry.firstLines.push(problem === undefined ? { line } : { line, problem });
}

export function skippedTotal(report: ImportReport): number {
  return Object.values(report.skipped).reduce((sum, entry) => sum + (entry?.count ?? 0), 0);
}
