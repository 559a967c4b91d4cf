import v8 from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for the server, unless node was told otherwise.
 *
 * V8 watches each place in the code that allocates object and array literals; when nearly all of
 * what one place allocated is still alive at a young-generation collection, it starts allocating
 * that place's objects straight in the old generation, and keeps doing so. A server answering
 * tens of thousands of small reads a second allocates per request objects that die within a
 * millisecond; if one of those places is judged long-lived at an unlucky moment (a collection
 * during a burst of heavy reads, while every request in flight is alive), each request's objects
 * go to the old generation from then on, drag what they point to along at every scavenge, and
 * stay until a full collection. On the 1M-event store that was 3 MB promoted per scavenge, each
 * scavenge 5 ms instead of under 1, and the kept current view served at 21–28k req/s instead of
 * 37–44k, for the rest of the process's life, in most runs (docs/read-performance.md, "Thirteenth
 * pass"). Without pretenuring, long-lived objects (the read model, restored or replayed) are
 * copied once more on their way to the old generation: the restore, the replay and the heaviest
 * reads measured no slower, the first page of pairs and a year's timeline ≈ 1 ms slower at p99.
 *
 * A `node --allocation-site-pretenuring` given on node's command line wins. V8 reads the flag at
 * each collection and each allocation it compiles, so setting it before the app is built is as
 * good as passing it to node.
 */
export function stopPretenuring(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--(no[-_])?allocation[-_]site[-_]pretenuring\b/.test(arg))) return false;
  v8.setFlagsFromString(NO_PRETENURING);
  return true;
}

/** The V8 flag, as node and `v8.setFlagsFromString` take it. */
export const NO_PRETENURING = '--no-allocation-site-pretenuring';
