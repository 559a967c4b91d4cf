/**
 * `npm run bench:replay [-- --events 1000000 --pairs 5000 --skew 1 --queries 1000 --seed 1
 *                         --dir DIR --reuse --keep --profile --budget 120]`
 *
 * How fast the read side comes back from the log, on a generated log of realistic incidents
 * (bench/replay-generate.ts) in a fresh SQLite store. In one run:
 *
 *   (a) raw scan      better-sqlite3 over the events table + JSON.parse: the ceiling, events/s
 *   (b) rebuild       ProjectionRunner.rebuild() into a RelationsReadModel: events/s, ratio to (a)
 *                     (target ≥ 0.75), peak RSS of the process (target ≤ 256 MB)
 *   (c) as-of query   the busiest pair's relation as of random instants: p50/p99 over --queries
 *                     queries (target p99 ≤ 5 ms); known-at, current and timeline queries alongside
 *   (d) restart       the real server (`node dist/src/main.js`, DATA_DIR = the generated store)
 *                     started once without a snapshot (cold: replays everything and persists the
 *                     read model), stopped, started again: time until GET /health answers 200 with
 *                     the snapshot present (target ≤ 5 s), and what it restored and replayed
 *
 * Each phase runs in a child process of its own (bench/replay-worker.ts; servers are spawned), so
 * each peak RSS is that phase's. It reports; it does not judge: the exit code is 0 whether targets
 * are met or missed, and 1 only when something is wrong (the servers' read-model hash differs
 * from the rebuild's, or a restart replayed instead of restoring).
 *
 * --reuse skips generation when DIR already holds a generated store (e.g. from --keep);
 * --profile runs the rebuild worker and the servers under --cpu-prof and says where the profiles went.
 */
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres-database.js';
import { freePort, peakRss, stop } from './bench-process.js';
import type { GeneratedLog } from './replay-generate.js';
import type { LatencyStats, RawScanResult, RebuildResult } from './replay-worker.js';

const TARGETS = { ratio: 0.75, rssMB: 256, p99Ms: 5, restartMs: 5_000 };

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    pairs: { type: 'string', default: '5000' },
    skew: { type: 'string', default: '1' },
    queries: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    budget: { type: 'string', default: '120' },
    dir: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    store: { type: 'string', default: 'sqlite' },
  },
});
if (flags.store !== 'sqlite' && flags.store !== 'postgres') {
  console.error(`--store must be sqlite or postgres, got '${flags.store}'`);
  process.exit(2);
}
const postgresServer = flags.store === 'postgres' ? process.env.DATABASE_URL?.trim() : undefined;
if (flags.store === 'postgres' && !postgresServer) {
  console.error('--store postgres needs DATABASE_URL (a role that may CREATE DATABASE): the log is generated into SQLite, then copied into a fresh database there');
  process.exit(2);
}

function positive(name: string, value: string | undefined, integer = true): number {
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isSafeInteger(n))) {
    console.error(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got '${value}'`);
    process.exit(2);
  }
  return n;
}

const options = {
  events: positive('events', flags.events),
  pairs: positive('pairs', flags.pairs),
  skew: positive('skew', flags.skew, false),
  queries: positive('queries', flags.queries),
  seed: positive('seed', flags.seed),
  budgetMs: positive('budget', flags.budget) * 1000,
};
if (flags.reuse && !flags.dir) {
  console.error('--reuse needs --dir DIR, the directory of a store generated before (with --keep)');
  process.exit(2);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const workerScript = join(here, 'replay-worker.js');
const serverScript = fileURLToPath(new URL('../src/main.js', import.meta.url));
const dir = flags.dir ?? mkdtempSync(join(os.tmpdir(), 'demarche-replay-bench-'));
mkdirSync(dir, { recursive: true });
const dbFile = join(dir, 'demarche.db');
const snapshotFile = join(dir, 'read-model.snapshot');
const generatedFile = join(dir, 'generated.json');
const profileDir = join(dir, 'profiles');

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs one phase in a child process; resolves to what it sends back. */
function phase<T>(name: string, phaseOptions: object, execArgv: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(workerScript, [name, JSON.stringify(phaseOptions)], {
      // Only the generator holds much (the decider's view of every pair); the others run as the server would.
      execArgv: [...process.execArgv, ...(name === 'generate' ? ['--max-old-space-size=8192'] : []), ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: T | undefined;
    child.on('message', (message) => (result = message as T));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && result !== undefined ? resolve(result) : reject(new Error(`phase ${name} exited with ${code}`))));
  });
}

interface ServerRun {
  readyMs: number;
  restored?: number;
  replayed?: number;
  startLogMs?: number;
  peakRssMB?: number;
  status: { hash: string; checkpoint: string; events: number; lastSnapshot: { checkpoint: string; savedAt: string } | null };
}

/** Starts the real server on the generated store, times it until GET /health answers 200, then stops it. */
async function serve(label: string): Promise<ServerRun> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const execArgv = flags.profile ? [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=server-${label}.cpuprofile`] : [];
  const started = performance.now();
  const server = spawn(process.execPath, [...execArgv, serverScript], {
    env: {
      ...process.env,
      DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      NO_COLOR: '1',
      ...(database ? { EVENT_STORE: 'postgres', DATABASE_URL: database.url } : { EVENT_STORE: 'sqlite' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  try {
    let readyMs: number | undefined;
    while (readyMs === undefined) {
      if (server.exitCode !== null) throw new Error(`the ${label} server exited with ${server.exitCode}:\n${output}`);
      if (performance.now() - started > 15 * 60_000) throw new Error(`the ${label} server did not answer within 15 minutes`);
      try {
        const response = await fetch(`${url}/health`);
        if (response.status === 200) readyMs = performance.now() - started;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const peakRssMB = peakRss(server);
    const status = (await (await fetch(`${url}/admin/projections`)).json()) as { projections: ServerRun['status'][] };
    const ready = /Read model ready: (\d+) events restored from the snapshot, (\d+) replayed from the log \(checkpoint \S+, (\d+) ms\)/.exec(output);
    return {
      readyMs,
      ...(ready ? { restored: Number(ready[1]), replayed: Number(ready[2]), startLogMs: Number(ready[3]) } : {}),
      ...(peakRssMB !== undefined ? { peakRssMB } : {}),
      status: status.projections[0],
    };
  } finally {
    await stop(server, exited);
  }
}

const stats = (s: LatencyStats) =>
  `p50 ${fmt(s.p50Ms, 2)} ms  p99 ${fmt(s.p99Ms, 2)} ms  max ${fmt(s.maxMs, 2)} ms  (${fmt(s.queries)} queries${s.skipped ? `, ${fmt(s.skipped)} skipped: time budget spent` : ''})`;

/** The PostgreSQL database the phases read (--store postgres), a copy of the generated file. */
let database: TestDatabase | undefined;

async function main(): Promise<void> {
  log(`bench:replay in ${dir}`);
  let generated: GeneratedLog & { maxRssMB: number };
  if (flags.reuse) {
    if (!existsSync(dbFile) || !existsSync(generatedFile)) throw new Error(`--reuse: ${dir} holds no generated store (demarche.db and generated.json)`);
    generated = JSON.parse(readFileSync(generatedFile, 'utf8'));
    log(`reusing ${fmt(generated.events)} generated events`);
  } else {
    rmSync(dbFile, { force: true });
    rmSync(`${dbFile}-wal`, { force: true });
    rmSync(`${dbFile}-shm`, { force: true });
    log(`generating ${fmt(options.events)} events over ${fmt(options.pairs)} pairs…`);
    generated = await phase('generate', { file: dbFile, events: options.events, pairs: options.pairs, skew: options.skew, seed: options.seed });
    writeFileSync(generatedFile, JSON.stringify(generated, null, 2));
  }
  rmSync(snapshotFile, { force: true });
  const [busiest] = generated.busiest;
  let copied: { events: number; ms: number; bytes: number } | undefined;
  if (postgresServer) {
    database = await createTestDatabase('bench_replay', postgresServer);
    log(`copying the log into PostgreSQL database ${database.name}…`);
    copied = await phase('copy', { file: dbFile, databaseUrl: database.url });
  }
  const databaseUrl = database?.url;

  log('(a) raw scan…');
  const raw = await phase<RawScanResult>('raw', { file: dbFile, databaseUrl });
  log('(b) rebuild and (c) queries…');
  const rebuildArgv = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-name=rebuild.cpuprofile'] : [];
  const rebuild = await phase<RebuildResult>(
    'rebuild',
    { file: dbFile, databaseUrl, pair: busiest.pair, pairEvents: busiest.events, queries: options.queries, budgetMs: options.budgetMs, seed: options.seed },
    rebuildArgv,
  );
  log('(d) cold start, then restart with the snapshot…');
  const cold = await serve('cold');
  const snapshotBytes = existsSync(snapshotFile) ? statSync(snapshotFile).size : 0;
  const warm = await serve('warm');

  const rawRate = raw.events / (raw.ms / 1000);
  const rebuildRate = rebuild.events / (rebuild.ms / 1000);
  const ratio = rebuildRate / rawRate;
  const sameHash = cold.status.hash === rebuild.hash && warm.status.hash === rebuild.hash;
  const restoredNotReplayed = warm.replayed === 0 && (warm.restored ?? 0) > 0 && warm.status.lastSnapshot?.savedAt === cold.status.lastSnapshot?.savedAt;
  const dbBytes = statSync(dbFile).size + (existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0);
  const top = generated.busiest.map((p) => `${p.pair} ${fmt(p.events)}`).join(', ');
  const mix = Object.entries(generated.countsByType)
    .sort(([, x], [, y]) => y - x)
    .map(([type, n]) => `${type} ${fmt((100 * n) / generated.events, 1)}%`)
    .join(', ');

  const lines = [
    '',
    `Demarche replay benchmark — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${fmt(os.totalmem() / 2 ** 30)} GiB`,
    '',
    `log        ${fmt(generated.events)} events (${fmt(generated.reports)} reports, ${fmt(generated.corrections)} corrections, ${fmt(generated.retractions)} retractions; ` +
      `${fmt(generated.refused)} reports refused by the decider and recorded as accusations) in ${fmt(generated.pairs)} pairs, Zipf s=${options.skew}`,
    `           busiest pairs: ${top}; median pair ${fmt(generated.medianPairEvents)} events`,
    `           mix: ${mix}`,
    ...(copied
      ? [`           store: PostgreSQL, database ${fmt(copied.bytes / 2 ** 20)} MB (copied from the generated SQLite file in ${fmt(copied.ms / 1000, 1)} s)`]
      : []),
    `           SQLite file ${fmt(dbBytes / 2 ** 20)} MB; generated in ${fmt(generated.ms / 1000, 1)} s (${fmt(generated.events / (generated.ms / 1000))} events/s), peak RSS ${fmt(generated.maxRssMB)} MB`,
    '',
    `${database ? '(a) raw scan (pg keyset pages + JSON.parse)        ' : '(a) raw scan (better-sqlite3 iterate + JSON.parse)   '}${fmt(rawRate).padStart(10)} events/s   ${fmt(raw.ms / 1000, 2)} s   peak RSS ${fmt(raw.maxRssMB)} MB`,
    `(b) rebuild (ProjectionRunner → RelationsReadModel)  ${fmt(rebuildRate).padStart(10)} events/s   ${fmt(rebuild.ms / 1000, 2)} s   + hash ${fmt(rebuild.hashMs / 1000, 2)} s`,
    `    ratio rebuild / raw                              ${fmt(ratio, 2).padStart(10)}            target ≥ ${TARGETS.ratio}   ${verdict(ratio >= TARGETS.ratio)}`,
    `    peak RSS of the rebuild process                  ${fmt(rebuild.maxRssMB).padStart(10)} MB          target ≤ ${TARGETS.rssMB} MB   ${verdict(rebuild.maxRssMB <= TARGETS.rssMB)}`,
    `    heap after rebuild and GC                        ${fmt(rebuild.heapUsedMB).padStart(10)} MB          (${fmt((rebuild.heapUsedMB * 2 ** 20) / rebuild.events)} bytes per event)`,
    '',
    `(c) queries on the busiest pair, ${rebuild.pair} (${fmt(rebuild.pairEvents)} events), on the rebuilt read model:`,
    `    as of a random instant     ${stats(rebuild.asOf)}   target p99 ≤ ${TARGETS.p99Ms} ms   ${verdict(rebuild.asOf.p99Ms <= TARGETS.p99Ms)}`,
    `    known at a random instant  ${stats(rebuild.knownAt)}`,
    `    current (cached fold)      ${stats(rebuild.current)}`,
    `    timeline, ${rebuild.timeline.points} daily points  ${stats(rebuild.timeline)}`,
    `    peak RSS after the queries ${fmt(rebuild.maxRssAfterQueriesMB)} MB`,
    '',
    `(d) cold start, no snapshot: GET /health 200 after ${fmt(cold.readyMs / 1000, 2)} s (replayed ${fmt(cold.replayed ?? NaN)} events, read model ready in ${fmt((cold.startLogMs ?? NaN) / 1000, 2)} s incl. persisting it), peak RSS ${fmt(cold.peakRssMB ?? NaN)} MB; snapshot ${fmt(snapshotBytes / 2 ** 20)} MB`,
    `    restart with the snapshot: GET /health 200 after ${fmt(warm.readyMs / 1000, 2)} s   target ≤ ${TARGETS.restartMs / 1000} s   ${verdict(warm.readyMs <= TARGETS.restartMs)}`,
    `      restored ${fmt(warm.restored ?? NaN)} events from the snapshot, replayed ${fmt(warm.replayed ?? NaN)} (read model ready in ${fmt((warm.startLogMs ?? NaN) / 1000, 2)} s), peak RSS ${fmt(warm.peakRssMB ?? NaN)} MB; ` +
      `lastSnapshot ${warm.status.lastSnapshot ? `${warm.status.lastSnapshot.checkpoint} saved ${warm.status.lastSnapshot.savedAt}` : 'none'}`,
    '',
    `determinism: rebuild hash ${rebuild.hash.slice(0, 16)}…, cold server ${cold.status.hash.slice(0, 16)}…, warm server ${warm.status.hash.slice(0, 16)}… — ${sameHash ? 'identical' : 'DIFFERENT'}` +
      ` (checkpoint ${warm.status.checkpoint})`,
    `targets: ratio ${verdict(ratio >= TARGETS.ratio)}, peak RSS ${verdict(rebuild.maxRssMB <= TARGETS.rssMB)}, as-of p99 ${verdict(rebuild.asOf.p99Ms <= TARGETS.p99Ms)}, restart ${verdict(warm.readyMs <= TARGETS.restartMs)}`,
  ];
  if (flags.profile) lines.push(`CPU profiles in ${profileDir} (open in Chrome DevTools or speedscope)`);
  console.log(lines.join('\n'));

  if (!flags.keep && !flags.dir) rmSync(dir, { recursive: true, force: true });
  else log(`store kept in ${dir} (rerun with --dir ${dir} --reuse)`);
  if (database && !flags.keep) await database.drop();
  else if (database) log(`PostgreSQL database ${database.name} kept`);
  if (!sameHash || !restoredNotReplayed) {
    console.error(!sameHash ? 'FAILED: the servers’ read model does not hash like the rebuild' : 'FAILED: the restart did not restore the snapshot');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
