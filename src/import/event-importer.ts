import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock.js';
import { isCameoCode } from '../domain/cameo-vocabulary.js';
import { relationStreamId } from '../domain/relation-pair.js';
import { RelationCommandHandler, type DecidedBatch } from '../incidents/relation-command-handler.js';
import { MalformedRow, type CodedEventRow, type ReadRow } from './coded-event.js';
import type { EventFormat } from './formats/event-format.js';
import { readEventFile } from './formats/read-event-file.js';
import { countSkip, emptyReport, type ImportReport } from './import-report.js';
import { interstateDyad } from './interstate-dyad.js';
import { eventIdOfRow, ImportRowCommand } from './row-command.js';

/**
 * Rows decided and appended per flush, over all pairs: large enough that appends are few, small enough to bound memory.
 * Each SQLite transaction rewrites most leaf pages of the random-keyed event_id index whatever its size, so 10,000
 * rather than 5,000 wrote a third less WAL at 1M rows (1,630 → 1,109 MiB). 20,000 was first no faster and peaked
 * nearer the 512 MB target (docs/importing.md, "The writer"); once the writer's index was cheaper and its thread's
 * young generation smaller (sqlite-writer-thread.ts), it took 4–8 % off a 1M-row import's wall time at the same peak
 * with the heap grown less (import-heap.ts; docs/importing.md, fourteenth pass).
 */
export const IMPORT_BATCH_ROWS = 20_000;

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

/**
 * Imports a coded-event file through the decider: each interstate row becomes an
 * ImportCodedEvent command on its pair's stream, and the rows are decided and appended a batch per
 * pair at a time (RelationCommandHandler.decideBatch, commitBatch). Every other row is skipped and
 * counted by reason. The format is detected before anything is read (UnknownFormatError); the file is streamed.
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
    let pending = new Map<string, ImportRowCommand[]>();
    let pendingCount = 0;
    /** Rows read up to the last committed batch (the reader runs up to a batch ahead). */
    let rowsCommitted = 0;
    /** The batch committing, by pair: the next one is decided on the states it leaves. */
    let inFlight = new Map<string, DecidedBatch<ImportRowCommand>>();
    let committing: Promise<void> = Promise.resolve();
    /**
     * Decides the rows read so far while the batch before commits, then — only once that batch is
     * durable — appends them: deciding and committing overlap instead of taking turns (at 1M rows
     * the reader waited ≈ 10 s of ≈ 48 s for the writer). If that commit fails, the rows decided
     * here are dropped unappended and the import fails with its error, as before; the decisions
     * never reach the handler's cache, so nothing of them is seen by anyone.
     */
    const flush = async () => {
      const batches = pending;
      const readThrough = report.rowsRead;
      pending = new Map();
      pendingCount = 0;
      const deciding = this.decideOneAfterAnother(batches, inFlight);
      // The commit's failure, if any, is the import's: it comes first, as it did before decisions overlapped it.
      deciding.catch(() => undefined);
      await committing;
      const decided = await deciding;
      if (options.shouldStop?.()) throw new Error(`The import stopped after ${rowsCommitted} rows as the server shut down; import the file again to add the rest`);
      inFlight = new Map(decided.map((batch) => [batch.streamId, batch]));
      committing = Promise.all(decided.map((batch) => this.commitBatch(batch, report))).then(() => {
        rowsCommitted = readThrough;
        report.elapsedMs = Date.now() - started;
        options.onProgress?.(report);
      });
      // Awaited by the next flush or at the end; until then a failure must not count as unhandled.
      committing.catch(() => undefined);
    };

    for await (const chunk of file.rowChunks()) {
      for (const row of chunk) {
        report.rowsRead++;
        const interstate = interstateRowOf(row, report);
        if (!interstate) continue;
        const { streamId, actor, target } = interstate;
        let rows = pending.get(streamId);
        if (!rows) pending.set(streamId, (rows = []));
        rows.push(new ImportRowCommand(interstate.row, dataset, actor, target, recordedAt, eventIdOfRow(dataset, interstate.row.rowKey)));
        if (++pendingCount >= batchRows) await flush();
      }
    }
    await flush();
    await committing;
    return report;
  }

  /**
   * Decides each pair's rows, a pair after the one before rather than all pairs at once. A pair
   * not cached is read back from the store first, and reads started together were all in memory
   * together: a re-import's first batch read back nearly every pair's stream at once (557,692
   * parsed events of 195 streams at 1M rows). That re-import peaked at 837 MB RSS, 623 MB with
   * the pairs read one after another (and a page at a time, relation-stream-cache.ts).
   */
  private async decideOneAfterAnother(batches: Map<string, ImportRowCommand[]>, inFlight: Map<string, DecidedBatch<ImportRowCommand>>): Promise<DecidedBatch<ImportRowCommand>[]> {
    const decided: DecidedBatch<ImportRowCommand>[] = [];
    for (const [streamId, rows] of batches) decided.push(await this.handler.decideBatch(streamId, rows, inFlight.get(streamId)));
    return decided;
  }

  private async commitBatch(decided: DecidedBatch<ImportRowCommand>, report: ImportReport): Promise<void> {
    const outcome = await this.handler.commitBatch(decided);
    report.alreadyRecorded += outcome.alreadyRecorded;
    for (const stored of outcome.appended) {
      if (stored.type === 'IncidentCorroborated') report.corroborations++;
      else report.incidentsCreated++;
    }
    if (outcome.refused.length === 0) return;
    const lineOf = new Map(decided.commands.map((row) => [row.eventId, row.line]));
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
  return { row, streamId: streamIdOf(dyad.actor, dyad.target), actor: dyad.actor, target: dyad.target };
}

/** Stream ids by actor, then target: the same few thousand pairs come again row after row. */
const streamIds = new Map<string, Map<string, string>>();

/**
 * The pair's stream id, made once per pair rather than once per row: a fresh id was two strings
 * and an array per row, and its hash was computed anew for each lookup of the batch's pairs.
 */
function streamIdOf(actor: string, target: string): string {
  let byTarget = streamIds.get(actor);
  if (!byTarget) streamIds.set(actor, (byTarget = new Map()));
  let streamId = byTarget.get(target);
  if (streamId === undefined) byTarget.set(target, (streamId = relationStreamId(actor, target)));
  return streamId;
}
