import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full collection when the server falls quiet after work that left garbage behind.
 *
 * V8 collects its old generation when it nears a limit it sets itself, up to four times what
 * survived the last full collection, and hands back pages only after one. A browser tells V8 when a
 * tab goes idle and V8's memory reducer collects then; Node tells it nothing, so a server that
 * answered a few big reads (the year's timeline with every incident, the list of every pair) and
 * then went quiet kept that garbage: 885–908 MB of RSS at the end of bench:read on the 1M store,
 * with 110–170 MB of it live (docs/memory-at-rest.md). This does what the browser does: once the
 * event loop has been nearly idle for `restMs`, and the heap (with what it holds outside V8: array
 * buffers) has grown by `growthBytes` since the last time it was measured after a collection, it
 * runs one full collection, compacting the heap's pages so that they can be handed back.
 *
 * The pause (tens to a few hundred ms on the 1M store, mostly marking what is live) falls on a
 * quiet server: a request arriving in it waits that long, once. Under steady load the loop is
 * never at rest, V8 collects as it always did, and this does nothing.
 */
export interface CollectAtRestOptions {
  /** How often the loop's busyness and the heap are looked at. */
  checkEveryMs: number;
  /** How long the loop must have been at rest, in whole checks' worth. */
  restMs: number;
  /** Busier than this share of the time over a check, the loop is not at rest. */
  restBelowUtilisation: number;
  /** Growth of the heap and external memory since the last collection that is worth collecting. */
  growthBytes: number;
}

/**
 * Half a second between looks, a second of rest: long enough that a burst of requests is over, short
 * enough that the collection is done well before a client that paused to read comes back.
 */
export const DEFAULT_COLLECT_AT_REST: CollectAtRestOptions = {
  checkEveryMs: 500,
  restMs: 1_000,
  restBelowUtilisation: 0.05,
  growthBytes: 64 * 1024 * 1024,
};

/** What one collection did, for the log. */
export interface Collected {
  ms: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
}

/** What a check sees: the loop's busyness over the last check, and the memory the collection could give back. */
export interface RestReading {
  utilisation: number;
  /** V8's heap in use plus memory outside it that JavaScript objects hold (array buffers). */
  heldBytes: number;
}

/**
 * The decision, on its own: feed it one reading per check, it says when to collect and remembers
 * what a collection left. Pure apart from its own memory, so the rule is tested without waiting.
 */
export class RestWatch {
  private quietChecks = 0;
  private baselineBytes: number;

  constructor(
    private readonly options: CollectAtRestOptions,
    startBytes: number,
  ) {
    this.baselineBytes = startBytes;
  }

  /** Whether to collect now. */
  check({ utilisation, heldBytes }: RestReading): boolean {
    // V8 collected by itself meanwhile: growth counts from what it left.
    this.baselineBytes = Math.min(this.baselineBytes, heldBytes);
    this.quietChecks = utilisation < this.options.restBelowUtilisation ? this.quietChecks + 1 : 0;
    const rested = this.quietChecks * this.options.checkEveryMs >= this.options.restMs;
    return rested && heldBytes - this.baselineBytes >= this.options.growthBytes;
  }

  /** What a collection left: the next growth counts from here, and the loop must rest again first. */
  collected(heldBytes: number): void {
    this.baselineBytes = heldBytes;
    this.quietChecks = 0;
  }
}

function heldBytes(): number {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/**
 * A full collection that also compacts every page it can. V8's gc() marks and sweeps, but compacts
 * only the pages it picks as most fragmented: after the big reads on the 1M store the heap kept
 * 192 MB of pages for 106 MB of live objects, and pages with any live object on them stay in the
 * RSS. With compaction forced for this one collection the pages are emptied and handed back (in a
 * test with a third of 550 MB of objects left live: a heap of 521 MB kept without it, 209 MB with
 * it, for twice the pause). The flag is V8's (`--compact-on-every-full-gc`); it is set around this
 * collection only, and left alone if node was started with it.
 *
 * gc() itself is taken whether or not node was started with --expose-gc: that flag only decides
 * whether a new context gets the function, so one context made with it on hands it over, and the
 * flag is put back at once, so no other context (a test runner's, a `vm` sandbox) gets a gc() it
 * did not ask for.
 */
export function compactingCollection(execArgv: readonly string[] = process.execArgv): () => void {
  const given = (globalThis as { gc?: unknown }).gc;
  let gc: () => void;
  if (typeof given === 'function') gc = given as () => void;
  else {
    v8.setFlagsFromString('--expose-gc');
    try {
      gc = runInNewContext('gc') as () => void;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  if (execArgv.some((arg) => /^--compact[-_]on[-_]every[-_]full[-_]gc\b/.test(arg))) return gc;
  return () => {
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}

/**
 * Starts looking (an unref'd timer: it never keeps the process alive); `onCollected` hears of each
 * collection. Returns the function that stops it.
 */
export function collectAtRest(options: CollectAtRestOptions, onCollected: (collected: Collected) => void): () => void {
  const collect = compactingCollection();
  // Counted from nothing: the first rest after start-up collects what start-up left (the log read, the search index built).
  const watch = new RestWatch(options, 0);
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilisation = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (!watch.check({ utilisation, heldBytes: heldBytes() })) return;
    const before = process.memoryUsage();
    const started = performance.now();
    collect();
    const ms = performance.now() - started;
    const after = process.memoryUsage();
    watch.collected(after.heapUsed + after.external);
    // The collection itself made the loop busy: the next check's reading starts after it.
    last = performance.eventLoopUtilization();
    onCollected({ ms, heapBeforeBytes: before.heapUsed + before.external, heapAfterBytes: after.heapUsed + after.external, rssBeforeBytes: before.rss, rssAfterBytes: after.rss });
  }, options.checkEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * `COLLECT_AT_REST`: `on` (the default: a growth of 64 MB), `off`, or the growth worth collecting in
 * whole MB (a small container may want less; a large heap of live data, more).
 */
export function collectAtRestFromEnv(setting: string | undefined): CollectAtRestOptions | false {
  const value = setting?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'on') return DEFAULT_COLLECT_AT_REST;
  if (value === 'off') return false;
  if (/^[1-9]\d{0,5}$/.test(value)) return { ...DEFAULT_COLLECT_AT_REST, growthBytes: Number(value) * 1024 * 1024 };
  throw new Error(`COLLECT_AT_REST must be on, off, or a growth of the heap in whole MB from 1 to 999999, got '${setting}'`);
}
