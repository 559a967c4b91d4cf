import v8 from 'node:v8';

/**
 * How far V8 lets its old generation grow past what survived the last full collection before it
 * collects again, from `HEAP_GROWING_PERCENT` (a whole number from 1 to 100); unset, V8's own
 * growth. V8's own factor is up to 4× on a fast machine and it hands little back afterwards: on the
 * 1M-event store the server ended bench:read at 651–712 MB with it, 529–538 MB at 50%, 531 MB at
 * 20%. But the smaller heap is collected more often, and that lands in the tail of the reads: at
 * 50% the daily timeline's p99 was 65–96 ms against 39–78 ms, at 20% the current view fell to
 * 0.21 of the bare server's rate (docs/read-performance.md, "The growth, weighed on a quiet
 * machine"). So it is an operator's choice, memory against the slowest reads, not a default. Not a
 * cap: a bigger store grows the heap as far as it needs.
 *
 * A `node --heap-growing-percent=…` or `--optimize-for-size` given on node's command line wins.
 * V8 reads the flag at each full collection, so setting it before the app is built is as good as
 * passing it to node.
 */
export function limitHeapGrowth(setting: string | undefined, execArgv: readonly string[] = process.execArgv): void {
  if (setting === undefined || setting === '') return;
  const percent = Number(setting);
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
    throw new Error(`HEAP_GROWING_PERCENT must be a whole number from 1 to 100, or unset for V8's own growth, got '${setting}'`);
  }
  if (execArgv.some((arg) => /^--(heap[-_]growing[-_]percent|optimize[-_]for[-_]size)\b/.test(arg))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
