import { setFlagsFromString } from 'node:v8';

/** Heap growth after each full collection, in percent of what survived it. */
export const IMPORT_HEAP_GROWING_PERCENT = 110;

/**
 * Has V8 grow the heap by at most IMPORT_HEAP_GROWING_PERCENT of the live heap after each full
 * collection, for a process that does nothing but import (`npm run import`, and the bench as it
 * mimics it). Left to itself V8 let the heap grow to 3–4× the live heap while an import ran, the
 * garbage of each batch (rows, commands, serialised events) dying late, and a 1M-row import
 * peaked at 631 MB RSS with ≈ 100 MB live. Measured, 1M rows, one run each: 631 → 477 MB peak RSS
 * for 37.7 → 43.0 s of CPU at 100 %. Since then each row leaves less garbage, and 150 % is the
 * better trade (`import-profile --no-profile`, 1M rows, quiet machine, alternated, twice each):
 * 100 % wall 12.0, 11.1 s, CPU 18.3, 17.4 s, peak 434, 431 MB; 150 % 10.9, 10.6 s, 16.8, 16.3 s,
 * 470, 471 MB; 200 % 10.4, 10.6 s, 16.0, 16.2 s, but 506, 507 MB, at the 512 MB target. With
 * batches of 20,000 rows (event-importer.ts) twice as much is in flight, and 110 % keeps the peak
 * where 150 % had it at 10,000 (three alternated runs each, under load: 20,000 rows at 110 % 9.2,
 * 8.8, 9.1 s and 497, 463, 465 MB; at 100 % 9.3, 9.0, 9.3 s, 439, 460, 487 MB; 10,000 at 150 %
 * 9.2, 9.6, 9.9 s, 459, 452, 463 MB; 20,000 at 150 % peaked at 523 and 572 MB). Unlike a
 * cap on the old generation this bounds no size: a larger file's larger live heap still fits,
 * collected more often. The server is not tuned so: there the read model's memory is the heap's,
 * and requests want the shorter pauses.
 */
export function tuneHeapForImport(): void {
  setFlagsFromString(`--heap-growing-percent=${IMPORT_HEAP_GROWING_PERCENT}`);
}
