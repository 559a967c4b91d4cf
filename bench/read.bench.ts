/**
 * `npm run bench:read [-- --big /tmp/bench1m --work /tmp/bench1m-read --rounds 3 --duration 3 --warmup 2
 *                       --connections 64 --only seed|big --profile --reads page,overview
 *                       --node-flags=--heap-growing-percent=0 --server OTHER/dist/src/main.js --server-log FILE]`
 *
 * How close the read endpoints come to what the machine allows. On two stores — the seed story
 * (a fresh store seeded by `main.js --seed`) and the 1M-event store of `bench:replay` — the real
 * server (`node dist/src/main.js`) runs as a child process, and beside it a bare Fastify server
 * (bench/bare-read-server.ts) answering every measured URL with the bytes the real one answered.
 * autocannon loads both from this process, one after the other, for `--rounds` rounds, after a
 * warm-up of `--warmup` seconds of each read on each server, not counted (a server that has just
 * started runs its handlers unoptimised at first: without it the first round of the current view
 * at 1M was 8–18 % slower than the third, and the median of three rounds fell on a warming one):
 *
 *   rate reads     `--connections` connections (the relation view: current, as-of, known-at, a page)
 *   latency reads  one request at a time for the same time, at least 3 (known-at, lists, a year-long timeline, the overview)
 *
 * It prints, per read, the medians over the rounds of req/s, p50 and p99 for both servers and
 * their ratio, then the real server's RSS after the run and again 5 s later, at rest, with the
 * full collections the server ran at rest (src/startup/collect-at-rest.ts: they run while it is
 * quiet, so while the bare server is measured; COLLECT_AT_REST=off in this process's environment
 * turns them off to compare). It reports; it does not judge.
 *
 * `--reads` measures only the reads whose label holds one of its comma-separated words (e.g. `page`
 * for the first and last page of pairs): a pass on one read need not wait for the others.
 *
 * `--node-flags` are given to the real server's node (space-separated), e.g. a V8 heap setting to
 * weigh against the server's own (src/startup/heap-growth.ts: a flag given to node wins).
 *
 * The big store is never written: `--big` (default /tmp/bench1m, as left by
 * `npm run bench:replay -- --dir /tmp/bench1m --keep`) is copied once, with SQLite's online
 * backup, into `--work`, where the server keeps its read-model snapshot between runs.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { currentRss, freePort, peakRss, stop } from './bench-process.js';
import { bigReads, type Read } from './big-store-reads.js';

const { values: flags } = parseArgs({
  options: {
    big: { type: 'string', default: '/tmp/bench1m' },
    work: { type: 'string', default: '/tmp/bench1m-read' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    reads: { type: 'string' },
    'node-flags': { type: 'string' },
    server: { type: 'string' },
    /** Appends the real server's output (its log, and what --node-flags such as --trace-gc print) to this file, each line stamped. */
    'server-log': { type: 'string' },
  },
});

interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number; headers?: Record<string, string> }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const rounds = Number(flags.rounds);
const duration = Number(flags.duration);
const warmup = Number(flags.warmup);
const connections = Number(flags.connections);
const here = fileURLToPath(new URL('.', import.meta.url));
// `--server` runs another build's server (e.g. main before a change) under this build's bench: the same reads and the same figures.
const serverScript = flags.server ?? fileURLToPath(new URL('../src/main.js', import.meta.url));
const bareScript = join(here, 'bare-read-server.js');

const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

interface Measured {
  read: Read;
  bytes: number;
  real: Figures;
  bare: Figures;
  failures: number;
}

/** Starts the real server on DATA_DIR `dir`; resolves once GET /health answers 200. */
async function startServer(dir: string, seed: boolean, label: string): Promise<{ url: string; child: ChildProcess; exited: Promise<number | null>; output: () => string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nodeFlags = flags['node-flags']?.split(' ').filter(Boolean) ?? [];
  const profile = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(flags.work!, 'profiles')}`, `--cpu-prof-name=read-${label}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, ...nodeFlags, serverScript, ...(seed ? ['--seed'] : [])], {
    env: { ...process.env, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', NO_COLOR: '1', EVENT_STORE: 'sqlite', READ_RATE_LIMIT_PER_MINUTE: '100000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (flags['server-log']) appendFileSync(flags['server-log'], stamped(label, chunk.toString()));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the ${label} server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) break;
    } catch {
      await sleep(50);
    }
  }
  log(`  ${label} server ready in ${fmt((performance.now() - started) / 1000, 1)} s`);
  // The search index is built in the background after a start (about 45 s of FTS5 inserts on the
  // 1M store, 40% of the CPU profile of a run that did not wait): reads are measured at rest.
  while ((await fetch(`${url}/incidents?q=bench&limit=1`)).status === 503) await sleep(500);
  // What start-up and the search index leave, before any read: the run's reads own only the rest.
  log(`  ${label} search index caught up after ${fmt((performance.now() - started) / 1000, 1)} s; server RSS then ${fmt(currentRss(child))} MB`);
  return { url, child, exited, output: () => output };
}

/** Each line of the text with the wall-clock time and the server's label, for lining a server's log up with the bench's rounds. */
function stamped(label: string, text: string): string {
  const at = new Date().toISOString().slice(11, 23);
  return text.split('\n').filter((line) => line !== '').map((line) => `${at} [${label}] ${line}\n`).join('');
}

function startBare(routes: Array<{ url: string; body: string; contentType: string }>): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = fork(bareScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve({ url: (message as { url: string }).url, child }));
    child.once('error', reject);
    child.send({ routes });
  });
}

async function load(base: string, read: Read, real: boolean, seconds = duration): Promise<Figures & { failures: number }> {
  if (flags['server-log']) appendFileSync(flags['server-log'], stamped('bench', `${read.label}, ${seconds} s on the ${real ? 'real' : 'bare'} server`));
  const fresh = real ? read.fresh : undefined;
  if (read.kind === 'latency') return sequentially(fresh === undefined ? () => `${base}${read.path}` : () => `${base}${fresh(asked++)}`, seconds);
  const result = await autocannon({ url: `${base}${read.path}`, connections, duration: seconds });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failures: result.errors + result.timeouts + result.non2xx };
}

/** Requests made so far by reads that ask a new question each time: never repeated within a run. */
let asked = 0;

/** One request at a time for `seconds` (at least 3 requests): the latency an analyst sees. */
async function sequentially(urlOf: () => string, seconds: number): Promise<Figures & { failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  while (latencies.length < 3 || performance.now() - started < seconds * 1000) {
    const sent = performance.now();
    const response = await fetch(urlOf());
    await response.arrayBuffer();
    if (response.status !== 200) failures++;
    latencies.push(performance.now() - sent);
  }
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { rps: (latencies.length * 1000) / (performance.now() - started), p50: at(0.5), p99: at(0.99), failures };
}

/** The reads `--reads` selects (every read without it). */
function selected(reads: Read[]): Read[] {
  if (flags.reads === undefined) return reads;
  const words = flags.reads.split(',').map((word) => word.trim()).filter(Boolean);
  return reads.filter((read) => words.some((word) => read.label.includes(word)));
}

async function measureStore(name: string, dir: string, seed: boolean, allReads: Read[]): Promise<void> {
  log(`${name}:`);
  const reads = selected(allReads);
  const server = await startServer(dir, seed, name);
  let bare: { url: string; child: ChildProcess } | undefined;
  try {
    const served: Array<{ read: Read; body: Buffer; contentType: string }> = [];
    for (const read of reads) {
      const response = await fetch(`${server.url}${read.path}`).catch((error: unknown) => {
        throw new Error(`GET ${read.path} failed (${String(error)}); the server said:\n${server.output().slice(-4000)}`);
      });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) log(`  ${read.label}: ${read.path} answered ${response.status}; not measured`);
      else served.push({ read, body, contentType: response.headers.get('content-type') ?? 'application/json' });
    }
    bare = await startBare(served.map(({ read, body, contentType }) => ({ url: read.path, body: body.toString('base64'), contentType })));
    const samples = new Map<Read, { real: Figures[]; bare: Figures[]; failures: number }>(served.map(({ read }) => [read, { real: [], bare: [], failures: 0 }]));
    if (warmup > 0) {
      log(`  warm-up, ${warmup} s of each read on each server, not counted`);
      for (const { read } of served) {
        await load(server.url, read, true, warmup);
        await load(bare.url, read, false, warmup);
      }
    }
    for (let round = 1; round <= rounds; round++) {
      log(`  round ${round}/${rounds}`);
      for (const { read } of served) {
        const sample = samples.get(read)!;
        const real = await load(server.url, read, true);
        sample.real.push(real);
        sample.failures += real.failures;
        const bareFigures = await load(bare.url, read, false);
        sample.bare.push(bareFigures);
        // Each round's figures as they come, so a run's spread (and a round gone wrong) shows beside the medians.
        log(`    ${read.label}: ${fmt(real.rps, real.rps < 10 ? 1 : 0)} req/s, p99 ${fmt(real.p99, 1)} ms; bare ${fmt(bareFigures.rps, bareFigures.rps < 10 ? 1 : 0)} req/s (${fmt(real.rps / bareFigures.rps, 2)})`);
      }
    }
    const rssAfter = currentRss(server.child);
    // What the server holds once it has been quiet a while (it collects at rest: collect-at-rest.ts; COLLECT_AT_REST=off to compare).
    await sleep(AT_REST_MS);
    const rssAtRest = currentRss(server.child);
    const rssPeak = peakRss(server.child);
    const medians = (figures: Figures[]): Figures => ({ rps: median(figures.map((f) => f.rps)), p50: median(figures.map((f) => f.p50)), p99: median(figures.map((f) => f.p99)) });
    const measured: Measured[] = served.map(({ read, body }) => {
      const sample = samples.get(read)!;
      return { read, bytes: body.length, real: medians(sample.real), bare: medians(sample.bare), failures: sample.failures };
    });
    print(name, measured, { rssAfter, rssAtRest, rssPeak });
    // Each ran while the server was quiet, so while the bare server was being measured: its cost, said beside the figures.
    const pauses = [...server.output().matchAll(/Collected garbage at rest in (\d+) ms/g)].map((match) => Number(match[1]));
    console.log(`collections at rest in the server: ${pauses.length}, ${fmt(pauses.reduce((sum, ms) => sum + ms, 0))} ms in all (the longest ${fmt(Math.max(0, ...pauses))} ms)`);
  } finally {
    bare?.child.send({ cmd: 'close' });
    await stop(server.child, server.exited);
  }
}

/** How long after the last request the server's RSS is read again, at rest. */
const AT_REST_MS = 5_000;

function print(name: string, measured: Measured[], { rssAfter, rssAtRest, rssPeak }: Record<'rssAfter' | 'rssAtRest' | 'rssPeak', number | undefined>): void {
  const lines = [
    '',
    `bench:read — ${name}; medians of ${rounds} rounds of ${duration} s; rate reads over ${connections} connections, latency reads over 1`,
    '| read | bytes | Demarche req/s | p50 ms | p99 ms | bare Fastify req/s | p99 ms | ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...measured.map(
      ({ read, bytes, real, bare, failures }) =>
        `| ${read.label} (\`${read.path}\`, ${read.kind}) | ${fmt(bytes)} | ${fmt(real.rps, real.rps < 10 ? 1 : 0)} | ${fmt(real.p50, 1)} | ${fmt(real.p99, 1)} | ${fmt(bare.rps, bare.rps < 10 ? 1 : 0)} | ${fmt(bare.p99, 1)} | ${fmt(real.rps / bare.rps, 2)}${failures ? ` (${failures} failed)` : ''} |`,
    ),
    `server RSS after the run ${fmt(rssAfter)} MB, at rest ${AT_REST_MS / 1000} s later ${fmt(rssAtRest)} MB (peak ${fmt(rssPeak)} MB)`,
  ];
  console.log(lines.join('\n'));
}

/** A private copy of the 1M-event store, made once with SQLite's online backup: the original may be in use and is never written. */
async function bigStoreCopy(): Promise<{ dir: string; busiest: [string, string] }> {
  const work = flags.work!;
  mkdirSync(work, { recursive: true });
  if (!existsSync(join(work, 'demarche.db'))) {
    if (!existsSync(join(flags.big!, 'demarche.db'))) throw new Error(`no store in ${flags.big}: build one with npm run bench:replay -- --dir ${flags.big} --keep`);
    log(`copying ${flags.big}/demarche.db to ${work}…`);
    const source = new Database(join(flags.big!, 'demarche.db'), { readonly: true });
    await source.backup(join(work, 'demarche.db'));
    source.close();
    copyFileSync(join(flags.big!, 'generated.json'), join(work, 'generated.json'));
  }
  const generated = JSON.parse(readFileSync(join(work, 'generated.json'), 'utf8')) as { busiest: Array<{ pair: string }> };
  return { dir: work, busiest: generated.busiest[0].pair.split('-') as [string, string] };
}

const seedReads: Read[] = [
  { label: 'current view', path: '/relations/AZE/FRA', kind: 'rate' },
  { label: 'as-of', path: '/relations/AZE/FRA?asOf=2023-12-28', kind: 'rate' },
  { label: 'known-at', path: '/relations/AZE/FRA?knownAt=2023-12-31', kind: 'rate' },
  { label: 'all pairs', path: '/relations', kind: 'rate' },
  { label: 'timeline', path: '/relations/AZE/FRA/timeline?from=2023-01-01&to=2023-12-31', kind: 'latency' },
  { label: 'overview', path: '/relations/overview', kind: 'latency' },
];

async function main(): Promise<void> {
  if (flags.only !== 'big') {
    const dir = mkdtempSync(join(os.tmpdir(), 'demarche-read-bench-'));
    try {
      await measureStore('seed story', dir, true, seedReads);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (flags.only !== 'seed') {
    const big = await bigStoreCopy();
    await measureStore(`1M-event store (${big.busiest.join('-')} busiest)`, big.dir, false, bigReads(big.busiest));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
