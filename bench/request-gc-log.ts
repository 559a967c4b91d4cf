/**
 * Preloaded into the real server by bench/read-footprint.bench.ts (`node --import
 * dist/bench/request-gc-log.js …`) when it weighs the slow 1% of one-at-a-time reads: records,
 * on the server's own clock, when each HTTP request arrived and when its response finished, and
 * every garbage collection with its kind and duration (perf_hooks' `gc` entries, the same clock).
 * On SIGWINCH it writes both to REQUEST_GC_LOG as JSON and starts afresh. It changes no answer:
 * it only listens to `request` and `finish`.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';

interface RequestSpan {
  url: string;
  start: number;
  end: number;
}
interface GcSpan {
  kind: string;
  start: number;
  duration: number;
}

const file = process.env.REQUEST_GC_LOG ?? '/tmp/request-gc-log.json';
let requests: RequestSpan[] = [];
let collections: GcSpan[] = [];

const kinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail = (entry as unknown as { detail?: { kind?: number } }).detail;
    collections.push({ kind: kinds[detail?.kind ?? -1] ?? 'other', start: entry.startTime, duration: entry.duration });
  }
}).observe({ entryTypes: ['gc'] });

const emit = http.Server.prototype.emit as (this: http.Server, event: string, ...args: unknown[]) => boolean;
http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
  if (event === 'request') {
    const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
    const span = { url: request.url ?? '', start: performance.now(), end: NaN };
    response.once('finish', () => {
      span.end = performance.now();
      requests.push(span);
    });
  }
  return emit.call(this, event, ...args);
} as typeof http.Server.prototype.emit;

process.on('SIGWINCH', () => {
  writeFileSync(file, JSON.stringify({ requests, collections }));
  requests = [];
  collections = [];
});
