/**
 * One measured phase of `bench/replay.bench.ts`, in a process of its own so that its peak RSS
 * (process.resourceUsage().maxRSS) is the phase's alone:
 *
 *   node --expose-gc dist/bench/replay-worker.js <phase> '<options as JSON>'
 *
 *   generate  write the log (bench/replay-generate.ts)
 *   raw       the ceiling: scan the events table with better-sqlite3 (or pg, with databaseUrl) and JSON.parse each event
 *   copy      copy the generated SQLite log into a PostgreSQL database (--store postgres)
 *   rebuild   a full rebuild through ProjectionRunner / RelationsReadModel, then queries on the
 *             rebuilt read model: as-of (the target), known-at, current view, a timeline
 *
 * The result goes to the parent over IPC.
 */
import Database from 'better-sqlite3';
import { timelineInstants } from '../src/domain/timeline.js';
import type { EventStore } from '../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import type { TimelinePoint } from '../src/domain/timeline.js';
import type { Perspective } from '../src/projections/relations.read-model.js';
import { generateLog, type GenerateOptions } from './replay-generate.js';

export interface LatencyStats {
  queries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Queries asked for but not run because the phase's time budget ran out. */
  skipped: number;
}

export interface RawScanResult {
  events: number;
  ms: number;
  maxRssMB: number;
}

export interface RebuildResult {
  events: number;
  ms: number;
  hash: string;
  hashMs: number;
  maxRssMB: number;
  heapUsedMB: number;
  pair: string;
  pairEvents: number;
  asOf: LatencyStats;
  knownAt: LatencyStats;
  current: LatencyStats;
  timeline: LatencyStats & { points: number };
  maxRssAfterQueriesMB: number;
}

export interface RebuildOptions {
  file: string;
  /** Rebuild from this PostgreSQL database instead of the SQLite file. */
  databaseUrl?: string;
  pair: string;
  pairEvents: number;
  queries: number;
  /** Stop a query series after this long (the rest are reported as skipped). */
  budgetMs: number;
  seed: number;
}

const START_MS = Date.UTC(2014, 0, 1);
const END_MS = Date.UTC(2025, 0, 1);

/**
 * The PostgreSQL side, loaded only when asked for: importing pg at start-up grows the heap enough
 * to start an incremental mark just before the rebuild's forced GC, which V8 then reads as poor
 * mutator utilisation and answers by growing the heap eagerly (peak RSS 345 MB instead of 245 MB,
 * rebuild 15% slower, on the SQLite measurement that never uses pg).
 */
const postgres = () => import('./replay-postgres.js');

const maxRssMB = () => process.resourceUsage().maxRSS / 1024;
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

async function generate(options: GenerateOptions) {
  let lastLine = performance.now();
  const log = await generateLog({
    ...options,
    onProgress(written) {
      if (performance.now() - lastLine < 5_000) return;
      lastLine = performance.now();
      process.stderr.write(`  generate: ${written.toLocaleString('en-US')} / ${options.events.toLocaleString('en-US')} events\n`);
    },
  });
  return { ...log, maxRssMB: maxRssMB() };
}

async function rawScan({ file, databaseUrl }: { file: string; databaseUrl?: string }): Promise<RawScanResult> {
  if (databaseUrl) return { ...(await (await postgres()).rawScanPostgres(databaseUrl)), maxRssMB: maxRssMB() };
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare<[], { position: number; stream_id: string; revision: number; event_id: string; type: string; data: string; metadata: string }>(
      'SELECT * FROM events ORDER BY position',
    );
    let events = 0;
    let checksum = 0;
    const started = performance.now();
    for (const row of rows.iterate()) {
      const data = JSON.parse(row.data) as { incidentId: string };
      const metadata = JSON.parse(row.metadata) as object;
      checksum += data.incidentId.length + Object.keys(metadata).length;
      events++;
    }
    const ms = performance.now() - started;
    if (checksum === 0 && events > 0) throw new Error('nothing parsed');
    return { events, ms, maxRssMB: maxRssMB() };
  } finally {
    db.close();
  }
}

async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const store: EventStore = options.databaseUrl
    ? await (await import('../src/event-store/postgres/postgres-event-store.js')).PostgresEventStore.open({ connectionString: options.databaseUrl })
    : new SqliteEventStore({ file: options.file });
  // No snapshot file: this measures the rebuild itself (POST /admin/projections/rebuild also persists it).
  const runner = new ProjectionRunner(store);
  try {
    // No forced GC before the rebuild: one landing right after start-up's own incremental mark
    // makes V8 judge the mutator starved and grow the heap eagerly for the whole rebuild (peak RSS
    // 345 MB instead of 245 MB, rebuild 15% slower, depending on start-up timing alone). A server
    // never forces a GC, so neither does its measurement.
    const started = performance.now();
    // rebuild() times the replay; the hash it returns is computed after, over every pair's folded state.
    const rebuilt = await runner.rebuild();
    const hashMs = performance.now() - started - rebuilt.ms;
    const rssAfterRebuild = maxRssMB();
    const hash = rebuilt.hash;
    collectGarbage();
    const heapUsedMB = process.memoryUsage().heapUsed / 2 ** 20;

    const model = runner.readModel;
    const [a, b] = options.pair.split('-');
    let seed = options.seed;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const instant = () => START_MS + rand() * (END_MS - START_MS);
    const perspective = (fields: Omit<Perspective, 'atIso'>): Perspective => ({ ...fields, atIso: new Date(fields.atMs).toISOString() });

    const asOf = await measure(options, () => {
      const atMs = instant();
      return model.relation(a, b, perspective({ atMs, asOfMs: atMs }));
    });
    const knownAt = await measure({ ...options, queries: Math.ceil(options.queries / 5) }, () => {
      const atMs = instant();
      return model.relation(a, b, perspective({ atMs, knownAtMs: atMs }));
    });
    const current = await measure(options, () => model.relation(a, b, perspective({ atMs: END_MS })));
    const instants = timelineInstants(Date.UTC(2020, 0, 1), Date.UTC(2020, 11, 31), 'day', 2_000) as number[];
    let points: TimelinePoint[] | undefined;
    const timeline = await measure({ ...options, queries: Math.ceil(options.queries / 20) }, async () => (points = await model.timeline(a, b, instants)));

    return {
      events: rebuilt.events,
      ms: rebuilt.ms,
      hash,
      hashMs,
      maxRssMB: rssAfterRebuild,
      heapUsedMB,
      pair: options.pair,
      pairEvents: options.pairEvents,
      asOf,
      knownAt,
      current,
      timeline: { ...timeline, points: points?.length ?? 0 },
      maxRssAfterQueriesMB: maxRssMB(),
    };
  } finally {
    await runner.onApplicationShutdown();
    await store.close();
  }
}

/** Runs `query` `queries` times after a short warm-up (not counted), within the time budget. */
async function measure({ queries, budgetMs }: { queries: number; budgetMs: number }, query: () => Promise<unknown>): Promise<LatencyStats> {
  for (let i = 0; i < Math.min(20, queries); i++) if (!(await query())) throw new Error('the query found no relation');
  const latencies: number[] = [];
  const started = performance.now();
  while (latencies.length < queries && performance.now() - started < budgetMs) {
    const t0 = performance.now();
    await query();
    latencies.push(performance.now() - t0);
  }
  latencies.sort((x, y) => x - y);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  return { queries: latencies.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies[latencies.length - 1] ?? NaN, skipped: queries - latencies.length };
}

async function main(): Promise<void> {
  const [phase, json] = process.argv.slice(2);
  const options = JSON.parse(json ?? '{}');
  const result =
    phase === 'generate' ? await generate(options)
    : phase === 'raw' ? await rawScan(options)
    : phase === 'copy' ? await (await postgres()).copyToPostgres(options)
    : phase === 'rebuild' ? await rebuild(options)
    : undefined;
  if (result === undefined) throw new Error(`unknown phase ${phase}`);
  await new Promise<void>((resolve, reject) => process.send!(result, (error: Error | null) => (error ? reject(error) : resolve())));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
