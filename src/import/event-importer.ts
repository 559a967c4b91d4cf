import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock.js';
import { isCameoCode } from '../domain/cameo-vocabulary.js';
import { relationStreamId } from '../domain/relation-pair.js';
import { RelationCommandHandler, type BatchCommand } from '../incidents/relation-command-handler.js';
import { MalformedRow, type CodedEventRow, type ReadRow } from './coded-event.js';
import type { EventFormat } from './formats/event-format.js';
import { readEventFile } from './formats/read-event-file.js';
import { countSkip, emptyReport, type ImportReport } from './import-report.js';
import { interstateDyad } from './interstate-dyad.js';
import { eventIdOfRow, importCommandOf } from './row-command.js';

/** Rows decided and appended per flush, over all pairs: large enough that appends are few, small enough to bound memory. */
export const IMPORT_BATCH_ROWS = 5_000;

/** The dataset a format's row keys belong to: GDELT 1.0 and 2.0 number their events separately. */
const DATASET_OF: Record<EventFormat, string> = {
  gdelt2: 'gdelt2',
  gdelt1: 'gdelt1',
  icews: 'icews',
  'plover-json': 'plover',
  'plover-jsonl': 'plover',
};

export interface ImportOptions {
  /**
   * Called after each batch has committed, with the figures so far: what it recorded, and the rows
   * read, which include the next batch's as far as it has been read.
   */
  onProgress?(report: ImportReport): void;
  batchRows?: number;
  /** Asked after each batch: true ends the import there (the server is shutting down), with an error. */
  shouldStop?(): boolean;
}

interface PendingRow extends BatchCommand {
  line: number;
}

/**
 * Imports a coded-event file through the decider: each interstate row becomes an
 * ImportCodedEvent command on its pair's stream, and the rows are appended a batch per pair at a
 * time (RelationCommandHandler.handleBatch). Every other row is skipped and counted by reason.
 * The format is detected before anything is read (UnknownFormatError); the file is streamed.
 */
@Injectable()
export class EventImporter {
  constructor(
    private readonly handler: RelationCommandHandler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async importFile(path: string, options: ImportOptions = {}): Promise<ImportReport> {
    const started = Date.now();
    const file = await readEventFile(path);
    const dataset = DATASET_OF[file.format];
    const report = emptyReport(path, file.format, dataset);
    const recordedAt = this.clock.now().toISOString();
    const batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
    let pending = new Map<string, PendingRow[]>();
    let pendingCount = 0;
    /** Rows read up to the last committed batch (the reader runs up to a batch ahead). */
    let rowsCommitted = 0;
    const flush = async () => {
      const batches = pending;
      const readThrough = report.rowsRead;
      pending = new Map();
      pendingCount = 0;
      await Promise.all([...batches].map(([streamId, rows]) => this.appendBatch(streamId, rows, report)));
      rowsCommitted = readThrough;
      report.elapsedMs = Date.now() - started;
      options.onProgress?.(report);
    };
    let committing: Promise<void> = Promise.resolve();

    for await (const chunk of file.rowChunks()) {
      for (const row of chunk) {
        report.rowsRead++;
        const interstate = interstateRowOf(row, report);
        if (!interstate) continue;
        const { streamId, actor, target } = interstate;
        const command = importCommandOf(interstate.row, dataset, actor, target, recordedAt);
        let rows = pending.get(streamId);
        if (!rows) pending.set(streamId, (rows = []));
        rows.push({ command, eventId: eventIdOfRow(dataset, interstate.row.rowKey), line: interstate.row.line });
        if (++pendingCount >= batchRows) {
          // One batch commits while the next one's rows are read: the previous must be durable (and
          // counted) before this one is decided, so that it is decided on the state that batch left.
          await committing;
          if (options.shouldStop?.()) throw new Error(`The import stopped after ${rowsCommitted} rows as the server shut down; import the file again to add the rest`);
          committing = flush();
          // Awaited above or below; until then a failure must not count as unhandled.
          committing.catch(() => undefined);
        }
      }
    }
    await committing;
    await flush();
    return report;
  }

  private async appendBatch(streamId: string, rows: PendingRow[], report: ImportReport): Promise<void> {
    const outcome = await this.handler.handleBatch(streamId, rows);
    report.alreadyRecorded += outcome.alreadyRecorded;
    for (const stored of outcome.appended) {
      if (stored.type === 'IncidentCorroborated') report.corroborations++;
      else report.incidentsCreated++;
    }
    if (outcome.refused.length === 0) return;
    const lineOf = new Map(rows.map((row) => [row.eventId, row.line]));
    for (const { eventId, reason } of outcome.refused) countSkip(report, 'rejected-by-rules', lineOf.get(eventId)!, reason);
  }
}

/** The row with its pair when it is an interstate row with a known CAMEO code; otherwise counted as skipped, and undefined. */
function interstateRowOf(row: ReadRow, report: ImportReport): { row: CodedEventRow; streamId: string; actor: string; target: string } | undefined {
  if (row instanceof MalformedRow) {
    countSkip(report, 'malformed', row.line, row.problem);
    return undefined;
  }
  if (row.cameo === '') {
    countSkip(report, 'no-cameo-code', row.line);
    return undefined;
  }
  const dyad = interstateDyad(row);
  if ('skip' in dyad) {
    countSkip(report, dyad.skip, row.line);
    return undefined;
  }
  if (!isCameoCode(row.cameo)) {
    countSkip(report, 'unknown-cameo-code', row.line, `CAMEO code ${row.cameo}`);
    return undefined;
  }
  report.interstateRows++;
  return { row, streamId: relationStreamId(dyad.actor, dyad.target), actor: dyad.actor, target: dyad.target };
}
