/**
 * `node dist/bench/writer-replay.bench.js --from DEMARCHE.db [--copies 10] [--tx-events 5000]
 *   [--autocheckpoint 1000] [--cache-kib 2000] [--checkpoint auto|between]`
 *
 * The SQLite writer's share of an import, alone: the events of a finished import (e.g. the file
 * `bench:import --keep` leaves) are inserted again into a fresh file, in transactions of
 * `--tx-events`, on a connection opened as the store's writer is (WAL, synchronous = FULL, the
 * same schema). `--copies` repeats the log with fresh random event ids and continued revisions,
 * so 100k rows' events stand in for 1M rows' with the same random spread over the event_id index.
 *
 * `--checkpoint auto` leaves checkpoints to SQLite (`wal_autocheckpoint` pages, inside the commit
 * that crosses it); `between` turns them off and runs a PASSIVE checkpoint after a commit once the
 * WAL file has reached `--autocheckpoint` pages (it is not truncated, so from then on after every
 * commit), timed apart; `thread` turns them off and runs PASSIVE checkpoints every 20 ms on a
 * second connection on a thread of its own. It prints the time in transactions (total, median,
 * p90, max), the time in checkpoints, and the largest WAL file: with checkpoints left to the end
 * (`between` and a huge `--autocheckpoint`) that is every byte the commits wrote to the WAL.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { EVENT_ID_LOOKUP, openConnection, migrate, type EventRow } from '../src/event-store/sqlite/sqlite-batch-writer.js';

const { values: flags } = parseArgs({
  options: {
    from: { type: 'string' },
    copies: { type: 'string', default: '10' },
    'tx-events': { type: 'string', default: '5000' },
    autocheckpoint: { type: 'string', default: '1000' },
    'cache-kib': { type: 'string', default: '2000' },
    checkpoint: { type: 'string', default: 'auto' },
  },
});
if (!flags.from) throw new Error('--from DEMARCHE.db is required');
const copies = Number(flags.copies);
const txEvents = Number(flags['tx-events']);
const walPages = Number(flags.autocheckpoint);
const between = flags.checkpoint === 'between';
const onThread = flags.checkpoint === 'thread';

const source = new Database(flags.from, { readonly: true });
const log = source.prepare<[], EventRow>('SELECT * FROM events ORDER BY position').all();
source.close();

const dir = mkdtempSync(join(tmpdir(), 'demarche-writer-replay-'));
const file = join(dir, 'replay.db');
const db = openConnection(file, 5000);
migrate(db, file);
db.pragma(`cache_size = -${Number(flags['cache-kib'])}`);
db.pragma(`wal_autocheckpoint = ${between || onThread ? 0 : walPages}`);
const pageSize = db.pragma('page_size', { simple: true }) as number;

// `thread`: a second connection on a thread of its own runs PASSIVE checkpoints every 20 ms.
const checkpointer = onThread ? startCheckpointer(file) : undefined;

const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
// The writer looks each id up before inserting it (schema version 2 has no UNIQUE index on ids): so does the replay.
const recorded = db.prepare<[string, string]>(`SELECT 1 ${EVENT_ID_LOOKUP}`).pluck();
const commitRows = db
  .transaction((rows: EventRow[], revisionOffset: Map<string, number>) => {
    for (const row of rows) {
      const eventId = randomUUID();
      if (recorded.get(eventId, eventId) !== undefined) throw new Error(`event id ${eventId} drawn twice`);
      insert.run(row.stream_id, row.revision + (revisionOffset.get(row.stream_id) ?? 0), eventId, row.type, row.data, row.metadata);
    }
  })
  .immediate.bind(null);

const txMs: number[] = [];
let checkpointMs = 0;
let checkpoints = 0;
let largestWal = 0;
const walFile = `${file}-wal`;
const offset = new Map<string, number>();
const revisionsPerStream = new Map<string, number>();
for (const row of log) revisionsPerStream.set(row.stream_id, Math.max(revisionsPerStream.get(row.stream_id) ?? 0, row.revision + 1));
for (let copy = 0; copy < copies; copy++) {
  for (let start = 0; start < log.length; start += txEvents) {
    const began = performance.now();
    commitRows(log.slice(start, start + txEvents), offset);
    txMs.push(performance.now() - began);
    largestWal = Math.max(largestWal, statSync(walFile).size);
    if (between && statSync(walFile).size >= walPages * pageSize) {
      const checkpointBegan = performance.now();
      db.pragma('wal_checkpoint(PASSIVE)');
      checkpointMs += performance.now() - checkpointBegan;
      checkpoints++;
    }
  }
  // The next copy continues every stream after its last revision so far.
  for (const [streamId, revisions] of revisionsPerStream) offset.set(streamId, (offset.get(streamId) ?? 0) + revisions);
}
const threadCheckpointMs = checkpointer ? await checkpointer() : 0;
const closeBegan = performance.now();
db.pragma('wal_checkpoint(TRUNCATE)');
const finalCheckpointMs = performance.now() - closeBegan;
const events = db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
db.close();
const dbBytes = statSync(file).size;
rmSync(dir, { recursive: true, force: true });

const sorted = [...txMs].sort((a, b) => a - b);
const total = txMs.reduce((sum, ms) => sum + ms, 0);
console.log(
  [
    `events ${events} in ${txMs.length} transactions of ${txEvents}; autocheckpoint ${walPages} pages (${flags.checkpoint}), cache ${flags['cache-kib']} KiB`,
    `in transactions ${(total / 1000).toFixed(1)} s (median ${sorted[sorted.length >> 1].toFixed(0)} ms, p90 ${sorted[Math.floor(sorted.length * 0.9)].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms)`,
    `checkpoints apart ${(checkpointMs / 1000).toFixed(1)} s in ${checkpoints}; on a thread ${(threadCheckpointMs / 1000).toFixed(1)} s; final TRUNCATE ${(finalCheckpointMs / 1000).toFixed(1)} s`,
    `largest WAL ${(largestWal / 2 ** 20).toFixed(0)} MiB; file ${(dbBytes / 2 ** 20).toFixed(0)} MiB`,
  ].join('\n'),
);

function startCheckpointer(file: string): () => Promise<number> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require(workerData.sqlite);
     const db = new Database(workerData.file);
     let ms = 0;
     const timer = setInterval(() => { const t = performance.now(); db.pragma('wal_checkpoint(PASSIVE)'); ms += performance.now() - t; }, 20);
     parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.postMessage(ms); });`,
    { eval: true, workerData: { file, sqlite: createRequire(import.meta.url).resolve('better-sqlite3') } },
  );
  return () =>
    new Promise((resolve) => {
      worker.once('message', (ms: number) => void worker.terminate().then(() => resolve(ms)));
      worker.postMessage('stop');
    });
}
