/**
 * `node dist/bench/read-footprint.bench.js --work /tmp/bench1m-read [--reads 'overview,page']
 *   [--duration 3] [--connections 64] [--node-flags=…] [--gc-log] [--server DIR/dist/src/main.js]`
 *
 * What each read of bench:read leaves in the server, read by read. It starts the real server
 * (`dist/src/main.js`) with MEMORY_LOG=1 on the private copy of the 1M store that bench:read made
 * in `--work` (never the original), waits for the search index, then asks each read of
 * bench:read's 1M list in its order as bench:read does (rate reads over `--connections` for
 * `--duration` s, the others one at a time for `--duration` s) and prints after each: RSS, the peak
 * RSS so far, and V8's heap used/total and array buffers as the server's last response logged them;
 * then the same after 20 s at rest.
 *
 * `--gc-log` preloads bench/request-gc-log.ts into the server and, for each one-at-a-time read,
 * splits the slowest 1% of requests into what the server's collector took (garbage collections
 * inside the request's span on the server's clock), the server's other work (the span beyond its
 * median) and the rest (sockets, the client, the machine).
 *
 * `--allocations` (not with `--gc-log`: both are read on SIGWINCH, and each read resets both) preloads bench/allocation-sampler.ts
 * and prints, after start-up and after each read, the functions that allocated most in V8's heap
 * since the last print, garbage included, and for a one-at-a-time read that total per request.
 * It reports; it does not judge.
 *
 * `--server` starts another build's server (e.g. main's worktree, `/work/wt/base/dist/src/main.js`)
 * under this build's bench and tools: a before and after measured the same way.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { currentRss, freePort, peakRss, stop } from './bench-process.js';
import { bigReads, type Read } from './big-store-reads.js';

const { values: flags } = parseArgs({
  options: {
    work: { type: 'string', default: '/tmp/bench1m-read' },
    reads: { type: 'string' },
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    'node-flags': { type: 'string' },
    'gc-log': { type: 'boolean', default: false },
    allocations: { type: 'boolean', default: false },
    server: { type: 'string' },
  },
});
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<unknown>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const duration = Number(flags.duration);
const serverScript = flags.server ?? fileURLToPath(new URL('../src/main.js', import.meta.url));
const gcLogScript = fileURLToPath(new URL('./request-gc-log.js', import.meta.url));
const gcLogFile = join(flags.work!, 'request-gc-log.json');
const samplerScript = fileURLToPath(new URL('./allocation-sampler.js', import.meta.url));
const allocationFile = join(flags.work!, 'allocations.txt');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number | undefined) => (n === undefined ? 'n/a' : n.toFixed(0));

if (flags['gc-log'] && flags.allocations) throw new Error('--gc-log and --allocations are both read on SIGWINCH: choose one');
if (!existsSync(join(flags.work!, 'generated.json'))) throw new Error(`no copy of the 1M store in ${flags.work}: run bench:read with --work ${flags.work} first`);
const generated = JSON.parse(readFileSync(join(flags.work!, 'generated.json'), 'utf8')) as { busiest: Array<{ pair: string }> };
const words = flags.reads?.split(',').map((word) => word.trim()).filter(Boolean);
const reads = bigReads(generated.busiest[0].pair.split('-') as [string, string]).filter((read) => !words || words.some((word) => read.label.includes(word)));

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const nodeFlags = [...(flags['node-flags']?.split(' ').filter(Boolean) ?? []), ...(flags['gc-log'] ? [`--import=${gcLogScript}`] : []), ...(flags.allocations ? [`--import=${samplerScript}`] : [])];
const child = spawn(process.execPath, [...nodeFlags, serverScript], {
  env: { ...process.env, DATA_DIR: flags.work!, PORT: String(port), HOST: '127.0.0.1', NO_COLOR: '1', EVENT_STORE: 'sqlite', MEMORY_LOG: '1', READ_RATE_LIMIT_PER_MINUTE: '100000000', REQUEST_GC_LOG: gcLogFile, ALLOCATION_LOG: allocationFile },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
let lastMemory = '';
child.stdout!.on('data', (chunk: Buffer) => {
  for (const line of chunk.toString().split('\n')) {
    const memory = /memory [^:]*: rss \d+ MB, (heap .*)/.exec(line);
    if (memory) lastMemory = memory[1];
  }
});
async function print(what: string, requests?: number): Promise<void> {
  process.stdout.write(`${what.padEnd(48)} RSS ${fmt(currentRss(child)).padStart(5)} MB (peak ${fmt(peakRss(child)).padStart(5)})  ${lastMemory}\n`);
  if (!flags.allocations) return;
  const sampled = await allocations();
  process.stdout.write(sampled);
  // A read asked more often in a faster build allocates more per round: per request is what compares.
  const total = /sampled (\d+) MB allocated/.exec(sampled);
  if (requests && total) process.stdout.write(`    ${requests} requests: ${(Number(total[1]) / requests).toFixed(1)} MB sampled per request\n`);
}

/** What the sampler saw since it was last asked (it starts afresh each time). */
async function allocations(): Promise<string> {
  const before = existsSync(allocationFile) ? statSync(allocationFile).mtimeMs : 0;
  child.kill('SIGWINCH');
  for (let tries = 0; tries < 250; tries++) {
    await sleep(20);
    if (existsSync(allocationFile) && statSync(allocationFile).mtimeMs !== before) {
      await sleep(50);
      return readFileSync(allocationFile, 'utf8').split('\n').slice(0, 12).map((line) => `    ${line}`).join('\n') + '\n';
    }
  }
  return '    (no allocation profile written)\n';
}

async function status(path: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}${path}`);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

interface Timed {
  sent: number;
  latency: number;
}

/** One request at a time for `duration` s (at least 3), as bench:read asks a latency read. */
async function oneAtATime(path: string): Promise<Timed[]> {
  const timed: Timed[] = [];
  const started = performance.now();
  while (timed.length < 3 || performance.now() - started < duration * 1000) {
    const sent = performance.now();
    await (await fetch(`${url}${path}`)).arrayBuffer();
    timed.push({ sent, latency: performance.now() - sent });
  }
  return timed;
}

interface GcLog {
  requests: Array<{ url: string; start: number; end: number }>;
  collections: Array<{ kind: string; start: number; duration: number }>;
}

/** SIGWINCH: ignored by default and not one of the signals Nest's shutdown hooks close the app on. */
async function serverLog(): Promise<GcLog> {
  const before = existsSync(gcLogFile) ? readFileSync(gcLogFile, 'utf8') : '';
  child.kill('SIGWINCH');
  for (let tries = 0; tries < 100; tries++) {
    await sleep(20);
    const text = existsSync(gcLogFile) ? readFileSync(gcLogFile, 'utf8') : '';
    if (text !== before && text.endsWith('}')) return JSON.parse(text) as GcLog;
  }
  throw new Error('the server wrote no request log');
}

/** The slowest 1% (at least one request): how much of each was the server's collector, its other work, the rest. */
function slowestShare(path: string, timed: Timed[], log: GcLog): string {
  const spans = log.requests.filter((span) => span.url === path).sort((a, b) => a.start - b.start);
  if (spans.length !== timed.length) return `  (${spans.length} server spans for ${timed.length} requests: not split)`;
  const rows = timed.map((request, i) => {
    const span = spans[i];
    const gc = log.collections.reduce((sum, c) => sum + Math.max(0, Math.min(span.end, c.start + c.duration) - Math.max(span.start, c.start)), 0);
    const kinds = log.collections.filter((c) => c.start < span.end && c.start + c.duration > span.start).map((c) => `${c.kind} ${c.duration.toFixed(1)}`);
    return { latency: request.latency, server: span.end - span.start, gc, kinds };
  });
  const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const medianServer = medianOf(rows.map((row) => row.server));
  const medianLatency = medianOf(rows.map((row) => row.latency));
  const slowest = [...rows].sort((a, b) => b.latency - a.latency).slice(0, Math.max(1, Math.ceil(rows.length / 100)));
  let gcTotal = 0;
  let workTotal = 0;
  let restTotal = 0;
  for (const row of slowest) {
    const excess = Math.max(0, row.latency - medianLatency);
    const gc = Math.min(row.gc, excess);
    const work = Math.min(Math.max(0, row.server - medianServer - row.gc), excess - gc);
    gcTotal += gc;
    workTotal += work;
    restTotal += excess - gc - work;
  }
  const excessTotal = gcTotal + workTotal + restTotal || 1;
  const pct = (n: number) => `${((100 * n) / excessTotal).toFixed(0)}%`;
  return [
    `  ${rows.length} requests, p50 ${medianLatency.toFixed(1)} ms (server span ${medianServer.toFixed(1)}); the slowest ${slowest.length}, their time above p50: collector ${pct(gcTotal)}, the server's other work ${pct(workTotal)}, the rest ${pct(restTotal)}`,
    ...slowest.map((row) => `    ${row.latency.toFixed(1)} ms: server span ${row.server.toFixed(1)} ms, collector in it ${row.gc.toFixed(1)} ms${row.kinds.length ? ` (${row.kinds.join(', ')})` : ''}`),
  ].join('\n');
}

const started = performance.now();
while ((await status('/health')) !== 200) {
  if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
  await sleep(500);
}
while ((await status('/incidents?q=bench&limit=1')) === 503) await sleep(500);
await status('/health');
await print(`start-up and search index (${((performance.now() - started) / 1000).toFixed(0)} s)`);
try {
  for (const read of reads) await measure(read);
  // What V8 hands back by itself once the reads stop (bench:read reads the RSS at once).
  await sleep(20_000);
  await status('/health');
  await print('20 s at rest');
} finally {
  await stop(child, exited);
}

async function measure(read: Read): Promise<void> {
  // Asked once first, as bench:read does before its rounds: the first page of a start ranks and indexes every pair.
  await status(read.path);
  if (read.kind === 'rate') {
    await autocannon({ url: `${url}${read.path}`, connections: Number(flags.connections), duration });
    await status('/health');
    await print(`${read.label} (${read.kind})`);
    return;
  }
  if (flags['gc-log']) await serverLog();
  const timed = await oneAtATime(read.path);
  const log = flags['gc-log'] ? await serverLog() : undefined;
  await status('/health');
  // The first ask and the timed ones.
  await print(`${read.label} (${read.kind})`, timed.length + 1);
  if (log) process.stdout.write(`${slowestShare(read.path, timed, log)}\n`);
}
