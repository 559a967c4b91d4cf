import cliProgress from 'cli-progress';
import { createApp } from '../app.js';
import { appOptionsFromEnv } from '../config.js';
import { EventImporter } from '../import/event-importer.js';
import { UnknownFormatError } from '../import/formats/event-format.js';
import { tuneHeapForImport } from '../import/import-heap.js';
import { skippedTotal, type ImportReport } from '../import/import-report.js';
import { reportTable } from '../import/report-table.js';

/**
 * `npm run import -- FILE...`: imports GDELT, ICEWS or PLOVER files into the store the
 * environment configures — the same as the server's and `npm run seed`'s (DATA_DIR for the
 * embedded SQLite store, EVENT_STORE/… for the others) — through the decider, a batch per pair
 * at a time. Running it again on the same file appends nothing.
 */
const files = process.argv.slice(2).filter((arg) => arg !== '--');
if (files.length === 0) {
  console.error('usage: npm run import -- FILE...   (GDELT 2.0/1.0 .CSV, ICEWS .tab, PLOVER .json/.jsonl; plain, .gz or .zip)');
  process.exit(2);
}
tuneHeapForImport();
const options = appOptionsFromEnv(process.env);
console.log(`Importing into ${describeStore(options.eventStore)}`);
// This process answers no searches: the server's own index follows what it appends. Nor does it
// build a read model, of what the store held or of what it appends: the server (or this store's
// next start) catches its own up from the log, as after any other process's writes (docs/importing.md).
const app = await createApp({ ...options, logger: ['error', 'warn'], searchIndex: false, readModel: false });
const importer = app.get(EventImporter);
// Smaller batches (tests) or larger ones (benchmarks); default IMPORT_BATCH_ROWS.
const batchRows = Number(process.env.IMPORT_BATCH_ROWS) || undefined;
const reports: ImportReport[] = [];
let failed = false;
try {
  for (const file of files) {
    const bar = new cliProgress.SingleBar(
      { format: `${file.replace(/^.*\//, '')} | {rows} rows, {rate} rows/s | interstate {interstate} | new {created} | corroborated {corroborated} | already {already} | skipped {skipped}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1, 0, progressOf(undefined));
    try {
      const report = await importer.importFile(file, { batchRows, onProgress: (r) => bar.update(0, progressOf(r)) });
      bar.update(1, progressOf(report));
      reports.push(report);
    } catch (error) {
      failed = true;
      if (!(error instanceof UnknownFormatError)) throw error;
      console.error(`\n${error.message}`);
    } finally {
      bar.stop();
    }
  }
  if (reports.length > 0) console.log(`\n${reportTable(reports)}`);
} finally {
  await app.close();
}
process.exitCode = failed ? 1 : 0;

function progressOf(report: ImportReport | undefined) {
  return {
    rows: report?.rowsRead ?? 0,
    rate: report ? Math.round(report.rowsRead / Math.max(report.elapsedMs / 1000, 0.001)) : 0,
    interstate: report?.interstateRows ?? 0,
    created: report?.incidentsCreated ?? 0,
    corroborated: report?.corroborations ?? 0,
    already: report?.alreadyRecorded ?? 0,
    skipped: report ? skippedTotal(report) : 0,
  };
}

function describeStore(config: typeof options.eventStore): string {
  return config.kind === 'sqlite' ? `the SQLite event store at ${config.file} (DATA_DIR)` : `the ${config.kind} event store (EVENT_STORE=${config.kind})`;
}
