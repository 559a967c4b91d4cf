import { isCameoCode } from '../domain/cameo-vocabulary.js';
import { MalformedRow, type CodedEventRow, type ReadRow, type SkipReason } from './coded-event.js';
import type { EventFile } from './formats/read-event-file.js';
import { countSkip, LINES_SHOWN, type ImportReport } from './import-report.js';
import { interned } from './interned.js';
import { interstateDyad } from './interstate-dyad.js';
import { eventIdOfRow } from './row-ids.js';

/** Rows of the file per ReadRows: enough that a message between threads carries a few thousand rows, not one chunk's few hundred. */
export const ROWS_PER_READ = 4_096;

/**
 * The interstate rows among some rows read, column by column: what the importer needs of each to
 * build its command, with the pair and the event id already derived. Columns rather than an object
 * per row, since these cross from the reading thread by structured clone, which copies arrays of
 * strings and numbers at about half the cost of as many small objects (as the SQLite writer's batches do).
 */
export interface InterstateColumns {
  /** Rows read in the file up to and including this one. */
  readThrough: number[];
  lines: number[];
  rowKeys: string[];
  actors: string[];
  targets: string[];
  cameos: string[];
  occurredOn: string[];
  sourceUrls: (string | undefined)[];
  publishers: (string | undefined)[];
  eventIds: string[];
}

/** What one stretch of the file holds: its interstate rows, and the others tallied by why they were skipped. */
export interface ReadRows {
  /** Rows read in the file up to the end of this stretch. */
  rowsRead: number;
  interstate: InterstateColumns;
  /** This stretch's skips: counts, and the first LINES_SHOWN lines of each reason within it. */
  skipped: ImportReport['skipped'];
}

/**
 * The file's rows classified a stretch at a time, as the importer takes them: skipped rows counted
 * by reason, interstate rows with their pair's codes and their event id (UUIDv5 of dataset and row
 * key). This is the reading half of an import, which runs on a thread of its own when it can
 * (row-reader-thread.ts), so it must stay a pure function of the file.
 */
export async function* readRowsOf(file: EventFile, dataset: string): AsyncIterable<ReadRows> {
  let rowsRead = 0;
  let stretch = emptyStretch(0);
  for await (const chunk of file.rowChunks()) {
    for (const row of chunk) {
      rowsRead++;
      classify(row, dataset, rowsRead, stretch);
    }
    if (rowsRead - stretch.rowsRead >= ROWS_PER_READ) {
      yield closed(stretch, rowsRead);
      stretch = emptyStretch(rowsRead);
    }
  }
  if (rowsRead > stretch.rowsRead) yield closed(stretch, rowsRead);
}

/**
 * Adds a stretch's skips to the report's, as if each row had been counted there in order: the
 * stretches come in file order, so the first lines of a reason overall are the report's first
 * ones followed by the stretch's.
 */
export function addSkips(report: ImportReport, skipped: ImportReport['skipped']): void {
  for (const [reason, tally] of Object.entries(skipped) as [SkipReason, NonNullable<ImportReport['skipped'][SkipReason]>][]) {
    const entry = (report.skipped[reason] ??= { count: 0, firstLines: [] });
    entry.count += tally.count;
    for (const shown of tally.firstLines) if (entry.firstLines.length < LINES_SHOWN) entry.firstLines.push(shown);
  }
}

/** The `i`th interstate row, as the importer builds its command from it; its countries are the codes they resolved to. */
export function rowAt(columns: InterstateColumns, i: number): CodedEventRow {
  return {
    line: columns.lines[i],
    rowKey: columns.rowKeys[i],
    actorCountry: interned(columns.actors[i]),
    targetCountry: interned(columns.targets[i]),
    cameo: interned(columns.cameos[i]),
    occurredOn: interned(columns.occurredOn[i]),
    sourceUrl: columns.sourceUrls[i],
    publisher: columns.publishers[i],
  };
}

/** A stretch being read: `rowsRead` is where it starts until it is closed. */
interface OpenStretch extends ReadRows {
  /** A report only to tally this stretch's skips with countSkip. */
  skips: ImportReport;
}

function emptyStretch(rowsReadBefore: number): OpenStretch {
  const interstate: InterstateColumns = {
    readThrough: [],
    lines: [],
    rowKeys: [],
    actors: [],
    targets: [],
    cameos: [],
    occurredOn: [],
    sourceUrls: [],
    publishers: [],
    eventIds: [],
  };
  const skips = { skipped: {} } as ImportReport;
  return { rowsRead: rowsReadBefore, interstate, skipped: skips.skipped, skips };
}

function closed(stretch: OpenStretch, rowsRead: number): ReadRows {
  return { rowsRead, interstate: stretch.interstate, skipped: stretch.skipped };
}

/** Tallies a skipped row, or adds an interstate row with a known CAMEO code to the stretch's columns. */
function classify(row: ReadRow, dataset: string, readThrough: number, stretch: OpenStretch): void {
  if (row instanceof MalformedRow) return countSkip(stretch.skips, 'malformed', row.line, row.problem);
  if (row.cameo === '') return countSkip(stretch.skips, 'no-cameo-code', row.line);
  const dyad = interstateDyad(row);
  if ('skip' in dyad) return countSkip(stretch.skips, dyad.skip, row.line);
  if (!isCameoCode(row.cameo)) return countSkip(stretch.skips, 'unknown-cameo-code', row.line, `CAMEO code ${row.cameo}`);
  const columns = stretch.interstate;
  columns.readThrough.push(readThrough);
  columns.lines.push(row.line);
  columns.rowKeys.push(row.rowKey);
  columns.actors.push(dyad.actor);
  columns.targets.push(dyad.target);
  columns.cameos.push(row.cameo);
  columns.occurredOn.push(row.occurredOn);
  columns.sourceUrls.push(row.sourceUrl);
  columns.publishers.push(row.publisher);
  columns.eventIds.push(eventIdOfRow(dataset, row.rowKey));
}
