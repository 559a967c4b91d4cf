import v8 from 'node:v8';

/**
 * How far V8 lets its old generation grow past what survived the last full collection before it
 * collects again: 50%. V8's own factor is up to 4× on a fast machine, and it hands little back
 * afterwards: on the 1M-event store the heap held 270–340 MB after bench:read with 100–200 MB of
 * it live, a third of the server's RSS (docs/read-performance.md, the sixth pass). Measured on a
 * quiet machine, one run each: V8's own growth ended bench:read at 712 MB, 50% at 533 MB, 20% at
 * 531 MB — but 20% collected so often that the current view fell to 0.21 of the bare server's rate
 * (0.65 at 50%, 0.53 at V8's own). Not a cap: a bigger store grows the heap as far as it needs.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets the growth for this process, unless it was started with its own (`node
 * --heap-growing-percent=… ` or `--optimize-for-size`), which wins. V8 reads the flag at each full
 * collection, so setting it before the app is built is as good as passing it to node.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => /^--(heap[-_]growing[-_]percent|optimize[-_]for[-_]size)\b/.test(arg))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
