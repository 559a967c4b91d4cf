import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readEventFile } from './formats/read-event-file.js';
import { readRowsOf, type ReadRows } from './read-rows.js';

/**
 * The reading half of an import (read-rows.ts: decompress, cut lines, parse, resolve the pair,
 * derive each row's UUIDv5) on a thread of its own, while the main thread decides and the writer
 * commits: at 300k rows it was ≈ a third of the main thread, which is the import's critical path
 * (docs/importing.md, ninth pass). The stretches arrive in file order, exactly as readRowsOf yields
 * them inline, so what the import appends does not depend on where they were read.
 *
 * This module is also the thread's entry point: the worker loads this very file.
 */

const ROLE = 'demarche-import-row-reader';

/**
 * Stretches the thread may read ahead of the importer. Enough to ride out a pause of either side
 * (a commit's await, a GC); few, since each is ≈ 1 MB held on both heaps.
 */
const STRETCHES_AHEAD = 3;

/**
 * The thread's heap, kept small: what it reads dies young, and its live heap is its code, the
 * country tables and the stretch being read (≈ 22 MB used at most at 1M rows). With V8's default
 * young generation a 1M-row import peaked at 515–521 MB RSS, over its 512 MB target (docs/importing.md, ninth pass).
 */
const READER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 48 };

interface ReaderData {
  role: typeof ROLE;
  path: string;
  dataset: string;
}

type Reply = { rows: ReadRows } | { done: true } | { failed: string };

/** A worker thread runs JavaScript files only; from TypeScript sources (e.g. under jest) the rows are read inline. */
export const rowReaderThreadAvailable = import.meta.url.endsWith('.js');

/**
 * The file's stretches read on a worker thread, in order. The thread reads at most STRETCHES_AHEAD
 * stretches ahead of what was taken; it stops when the file ends, or is ended when the caller stops
 * taking (an import that fails, or stops as the server shuts down).
 */
export async function* rowsReadOnThread(path: string, dataset: string, entry = new URL(import.meta.url)): AsyncIterable<ReadRows> {
  const worker = new Worker(entry, { workerData: { role: ROLE, path, dataset } satisfies ReaderData, resourceLimits: READER_HEAP_LIMITS });
  const replies: Reply[] = [];
  let wake: (() => void) | undefined;
  const arrived = (reply: Reply) => {
    replies.push(reply);
    wake?.();
  };
  worker.on('message', arrived);
  worker.on('error', (error) => arrived({ failed: error.message }));
  worker.on('exit', (code) => arrived({ failed: `the import's reading thread exited with code ${code}` }));
  try {
    for (;;) {
      if (replies.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const reply = replies.shift()!;
      if ('done' in reply) return;
      if ('failed' in reply) throw new Error(reply.failed);
      // One taken: the thread may read one more.
      worker.postMessage('taken');
      yield reply.rows;
    }
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}

/** The thread's side: reads the stretches and sends them, no more than STRETCHES_AHEAD untaken. */
async function serve({ path, dataset }: ReaderData): Promise<void> {
  const port = parentPort!;
  let credit = STRETCHES_AHEAD;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credit++;
    wake?.();
  });
  try {
    for await (const rows of readRowsOf(await readEventFile(path), dataset)) {
      while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      port.postMessage({ rows } satisfies Reply);
    }
    port.postMessage({ done: true } satisfies Reply);
  } catch (error) {
    port.postMessage({ failed: error instanceof Error ? error.message : String(error) } satisfies Reply);
  }
  port.close();
}

if (!isMainThread && (workerData as Partial<ReaderData> | null)?.role === ROLE) void serve(workerData as ReaderData);
