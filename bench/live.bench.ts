/**
 * `npm run bench:live [-- --events 100000 --clients 500 --drain-timeout 30000 --dir DIR --reuse --keep]`
 *
 * What clients that ask for the whole log and never read cost the server. On a generated log
 * (bench/replay-generate.ts) in a fresh SQLite store, the real server (`node dist/src/main.js`)
 * runs as a child process, and from loopback:
 *
 *   (a) baseline   GET /health, one request at a time, with no stream open: p50/p99
 *   (b) stalled    `--clients` raw sockets send GET /events/stream with `Last-Event-ID: start` and
 *                  never read a byte; GET /health goes on meanwhile. Sampled: the server's RSS
 *                  (/proc VmRSS) and open descriptors, until the server has dropped every client
 *                  (its descriptors are back to the baseline) or the time bound runs out
 *   (c) after      RSS once every client is gone
 *
 * It prints RSS before / peak during / after, /health p50/p99 during against the baseline (ratio),
 * and when the clients were dropped. Linux only (/proc). It reports; it does not judge.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { currentRss, freePort, openDescriptors, peakRss, stop } from './bench-process.js';
import { generateLog } from './replay-generate.js';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '500' },
    'drain-timeout': { type: 'string', default: '30000' },
    dir: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!(n > 0 && Number.isSafeInteger(n))) {
    console.error(`--${name} must be a positive whole number, got '${value}'`);
    process.exit(2);
  }
  return n;
}

const events = positive('events', flags.events);
const clients = positive('clients', flags.clients);
const drainTimeoutMs = positive('drain-timeout', flags['drain-timeout']);
/** However the server behaves, the run ends this long after the clients connect. */
const BOUND_MS = drainTimeoutMs + 120_000;
const BASELINE_MS = 5_000;
const HEALTH_GAP_MS = 20;

const serverScript = fileURLToPath(new URL('../src/main.js', import.meta.url));
const dir = flags.dir ?? mkdtempSync(join(os.tmpdir(), 'demarche-live-bench-'));
mkdirSync(dir, { recursive: true });
const dbFile = join(dir, 'demarche.db');

const fmt = (n: number | undefined, digits = 0) => (n === undefined ? 'n/a' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** GET /health one at a time until `until()` says stop; latencies in ms. */
async function probeHealth(url: string, until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!until()) {
    const started = performance.now();
    const response = await fetch(`${url}/health`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET /health answered ${response.status}`);
    latencies.push(performance.now() - started);
    await sleep(HEALTH_GAP_MS);
  }
  return latencies.sort((a, b) => a - b);
}

/** A client that asks for the whole log and never reads: its socket is paused from the start. */
function stalledClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /events/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nLast-Event-ID: start\r\n\r\n`);
      socket.pause();
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function main(): Promise<void> {
  log(`bench:live in ${dir}`);
  if (!(flags.reuse && existsSync(dbFile))) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
    log(`generating ${fmt(events)} events…`);
    const generated = await generateLog({ file: dbFile, events, pairs: 2_000, skew: 1, seed: 1 });
    log(`  ${fmt(generated.events)} events over ${fmt(generated.pairs)} pairs in ${fmt(generated.ms / 1000, 1)} s`);
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [...(process.env.LIVE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LIVE_BENCH_PROFILE}`] : []), serverScript], {
    env: {
      ...process.env,
      DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      NO_COLOR: '1',
      EVENT_STORE: 'sqlite',
      LIVE_STREAMS_PER_CLIENT: String(clients),
      LIVE_STREAMS_TOTAL: String(Math.max(clients, 1000)),
      LIVE_STREAM_DRAIN_TIMEOUT_MS: String(drainTimeoutMs),
      READ_RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  const sockets: Socket[] = [];
  try {
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${output}`);
      try {
        if ((await fetch(`${url}/health`)).status === 200) break;
      } catch {
        await sleep(50);
      }
    }

    const baselineEnds = performance.now() + BASELINE_MS;
    const baseline = await probeHealth(url, () => performance.now() > baselineEnds);
    const rssBefore = currentRss(server);
    const fdsBefore = openDescriptors(server)!;
    log(`(a) no streams: RSS ${fmt(rssBefore)} MB, ${fdsBefore} descriptors; GET /health p50 ${fmt(percentile(baseline, 50), 2)} ms p99 ${fmt(percentile(baseline, 99), 2)} ms (${baseline.length} requests)`);

    const connected = performance.now();
    for (let i = 0; i < clients; i++) sockets.push(await stalledClient(port));
    for (const socket of sockets) socket.on('error', () => undefined);
    log(`(b) ${clients} clients asking for the whole log, never reading…`);

    let peakDuring = 0;
    let allDroppedAt: number | undefined;
    let mostOpen = 0;
    let done = false;
    const sampling = (async () => {
      while (!done) {
        const fds = openDescriptors(server) ?? fdsBefore;
        peakDuring = Math.max(peakDuring, currentRss(server) ?? 0);
        mostOpen = Math.max(mostOpen, fds - fdsBefore);
        if (process.env.LIVE_BENCH_TRACE) log(`  t=${fmt((performance.now() - connected) / 1000, 1)} s fds ${fds} rss ${fmt(currentRss(server))} MB`);
        // Every client is dropped after the drain timeout at the earliest; once the descriptors are
        // back to where they were after that, none is left (a pending one would have been accepted).
        if (allDroppedAt === undefined && mostOpen > 0 && performance.now() - connected > drainTimeoutMs && fds <= fdsBefore + 1) allDroppedAt = performance.now();
        await sleep(250);
      }
    })();
    const during = await probeHealth(url, () => allDroppedAt !== undefined || performance.now() - connected > BOUND_MS);
    done = true;
    await sampling;
    const dropped = allDroppedAt !== undefined;

    await sleep(3_000);
    const rssAfter = currentRss(server);
    const peakOverall = peakRss(server);
    const [p50, p99, b50, b99] = [percentile(during, 50), percentile(during, 99), percentile(baseline, 50), percentile(baseline, 99)];
    console.log(
      [
        '',
        `bench:live — ${fmt(events)} events, ${fmt(clients)} non-reading replay clients (Last-Event-ID: start), drain timeout ${fmt(drainTimeoutMs / 1000)} s`,
        `  server RSS      before ${fmt(rssBefore)} MB   peak during ${fmt(peakDuring)} MB (VmHWM ${fmt(peakOverall)} MB)   after ${fmt(rssAfter)} MB`,
        `  streams         ${fmt(mostOpen)} sockets open at most; ${dropped ? `all dropped ${fmt((allDroppedAt! - connected) / 1000, 1)} s after connecting` : `NOT all dropped within ${fmt(BOUND_MS / 1000)} s`}`,
        `  GET /health     no streams p50 ${fmt(b50, 2)} ms p99 ${fmt(b99, 2)} ms (${baseline.length} requests)`,
        `                  with them  p50 ${fmt(p50, 2)} ms p99 ${fmt(p99, 2)} ms max ${fmt(during.at(-1), 1)} ms (${during.length} requests)`,
        `                  ratio      p50 ×${fmt(p50 / b50, 2)}  p99 ×${fmt(p99 / b99, 2)}`,
      ].join('\n'),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    await stop(server, exited);
    if (!flags.keep && !flags.dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
