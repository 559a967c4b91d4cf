import { setFlagsFromString } from 'node:v8';

/** Heap growth after each full collection, in percent of what survived it. */
export const IMPORT_HEAP_GROWING_PERCENT = 100;

/**
 * Has V8 grow the heap by at most IMPORT_HEAP_GROWING_PERCENT of the live heap after each full
 * collection, for a process that does nothing but import (`npm run import`, and the bench as it
 * mimics it). Left to itself V8 let the heap grow to 3–4× the live heap while an import ran, the
 * garbage of each batch (rows, commands, serialised events) dying late, and a 1M-row import
 * peaked at 631 MB RSS with ≈ 100 MB live. Measured, 1M rows, one run each: 631 → 477 MB peak RSS
 * for 37.7 → 43.0 s of CPU. Unlike a cap on the old generation this bounds no size: a larger
 * file's larger live heap still fits, collected more often. The server is not tuned so: there
 * the read model's memory is the heap's, and requests want the shorter pauses.
 */
export function tuneHeapForImport(): void {
  setFlagsFromString(`--heap-growing-percent=${IMPORT_HEAP_GROWING_PERCENT}`);
}
