/**
 * `npm run bench:append [-- --duration 10 --warmup 3 --connections 64 --rounds 3 --pairs 2000 --profile --keep]`
 *
 * Durable `POST /incidents` throughput and latency against its ceiling: the same Nest + Fastify
 * POST with the same DTO and validation pipe but no store (bench/noop-app.ts). Each server runs in
 * its own child process (bench/bench-server.ts); autocannon loads them from this process, one at a
 * time, alternating baseline and real for several rounds so that drift hits both alike. Bodies
 * cycle over many pairs and over incident types no rule can refuse, so every request should be a 201.
 *
 * Durability: the id of every incident acknowledged with a 201 is kept; after the last run the
 * real server is SIGKILLed (not closed) and the SQLite file opened read-only: each acknowledged
 * incident must be in it. The file may hold a few more events than 201s were counted: requests
 * still in flight when autocannon ends a run are written, but their responses are dropped.
 *
 * Besides req/s and latency it prints each server's CPU (µs of CPU per request is steadier than
 * req/s on a shared machine), the event loop's utilisation, the time spent in group commits, and
 * how much CPU other processes used meanwhile, which says how far to trust the figures.
 *
 * It reports; it does not judge: the exit code is 0 whatever the ratio, and non-zero only when a
 * request got a 5xx or an acknowledged incident is not in the file.
 *
 * `--profile` runs both servers under `node --cpu-prof` (closing them cleanly so the profiles get
 * written) and prints where the profiles went; `--keep` keeps the SQLite file.
 *
 * `--store postgres` runs the real server on PostgreSQL instead: a fresh database created on the
 * server of DATABASE_URL (a role that may CREATE DATABASE), dropped after unless `--keep`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import countries from 'i18n-iso-countries';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres-database.js';
import type { ServerStats } from './bench-server.js';

// ---- autocannon (CommonJS, untyped): the slice of its API used here --------------------------

interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method: string;
  headers: Record<string, string>;
  requests: Array<{
    setupRequest?: (request: AutocannonRequest, context: object) => AutocannonRequest;
    onResponse?: (status: number, body: string, context: object, headers: Record<string, string>) => void;
  }>;
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;
const autocannonVersion = (require('autocannon/package.json') as { version: string }).version;

// ---- options -------------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    pairs: { type: 'string', default: '2000' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    store: { type: 'string', default: 'sqlite' },
  },
});
if (flags.store !== 'sqlite' && flags.store !== 'postgres') throw new Error(`--store must be sqlite or postgres, got ${flags.store}`);

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

const DURATION_S = positiveInt('duration', flags.duration);
const WARMUP_S = Number(flags.warmup);
if (!Number.isInteger(WARMUP_S) || WARMUP_S < 0) throw new Error(`--warmup must be a whole number of seconds, got ${flags.warmup}`);
const CONNECTIONS = positiveInt('connections', flags.connections);
const ROUNDS = positiveInt('rounds', flags.rounds);
const PAIRS = positiveInt('pairs', flags.pairs);

// ---- request bodies --------------------------------------------------------------------------

/** Types with no rule that can refuse them, so no body ever earns a 409 or 422. */
const TYPES = ['Accusation', 'PublicCondemnation', 'TalksHeld', 'AmbassadorSummoned'] as const;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two bodies per pair (different types, dates, directions), over `pairs` distinct unordered pairs. */
function makeBodies(pairs: number): Buffer[] {
  const codes = Object.keys(countries.getAlpha3Codes()).sort();
  const maxPairs = (codes.length * (codes.length - 1)) / 2;
  if (pairs > maxPairs) throw new Error(`--pairs must be at most ${maxPairs}`);
  const random = mulberry32(0xdec0de);
  const pick = () => codes[Math.floor(random() * codes.length)];
  const chosen = new Set<string>();
  const list: [string, string][] = [];
  while (list.length < pairs) {
    const a = pick();
    const b = pick();
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || chosen.has(key)) continue;
    chosen.add(key);
    list.push([a, b]);
  }
  const dayMs = 86_400_000;
  const from = Date.UTC(2015, 0, 1);
  const to = Date.UTC(2024, 11, 31);
  const bodies: Buffer[] = [];
  for (let copy = 0; copy < 2; copy++) {
    list.forEach(([a, b], i) => {
      const [actor, target] = random() < 0.5 ? [a, b] : [b, a];
      const type = TYPES[(i + copy) % TYPES.length];
      const occurredOn = new Date(from + Math.floor(random() * ((to - from) / dayMs)) * dayMs).toISOString().slice(0, 10);
      const details =
        type === 'TalksHeld' ? { place: 'Geneva' } : type === 'AmbassadorSummoned' ? undefined : { speaker: 'Foreign ministry spokesperson' };
      bodies.push(
        Buffer.from(
          JSON.stringify({
            type,
            actor,
            target,
            occurredOn,
            summary: `${actor} / ${target}: ${type} reported by the benchmark (${copy}-${i})`,
            sources: [{ url: `https://news.example.org/${occurredOn}/${actor}-${target}-${i}`, publisher: 'Example Wire' }],
            ...(details ? { details } : {}),
          }),
        ),
      );
    });
  }
  // Interleave so consecutive requests (and so concurrent connections) hit different pairs.
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j], bodies[i]];
  }
  return bodies;
}

// ---- servers ---------------------------------------------------------------------------------

interface Server {
  mode: 'real' | 'noop';
  url: string;
  child: ChildProcess;
  stats(): Promise<ServerStats>;
}

const here = dirname(fileURLToPath(import.meta.url));

function startServer(mode: 'real' | 'noop', args: string[], profileDir: string | undefined): Promise<Server> {
  const child = fork(join(here, 'bench-server.js'), [mode, ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${mode}.cpuprofile`] : [],
  });
  // A crashed server must fail the run, not hang it or crash this process with an unhandled 'error'.
  child.on('error', (error) => console.error(`${mode} server: ${error.message}`));
  const stats = () =>
    new Promise<ServerStats>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
        return reject(new Error(`${mode} server is gone (exit ${child.exitCode ?? child.signalCode})`));
      }
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (message: { stats?: ServerStats }) => {
        if (!message.stats) return;
        done();
        resolve(message.stats);
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        reject(new Error(`${mode} server exited (${code ?? signal}) during the run`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${mode} server did not answer for its stats within 10 s`));
      }, 10_000);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ cmd: 'stats' });
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      try {
        resolve({ mode, url: (JSON.parse(out.slice(0, newline)) as { url: string }).url, child, stats });
      } catch (error) {
        reject(error);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code} before listening`)));
  });
}

function stopServer(server: Server, gracefully: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    if (gracefully && server.child.connected) server.child.send({ cmd: 'close' });
    else server.child.kill('SIGKILL');
  });
}

// ---- load ------------------------------------------------------------------------------------

interface Measured {
  mode: 'real' | 'noop';
  round: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  fiveXx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  serverCpu: number;
  /** CPU of this process (autocannon) over the measured run, 100% = one core. */
  clientCpu: number;
  /**
   * CPU used on the whole machine by everything except this process and the server under load,
   * in cores (from os.cpus() times): other work competing with the benchmark, i.e. noise.
   */
  otherCpu: number;
  /** Share of wall time the server's event loop was not idle (ELU): CPU work plus time blocked in syscalls such as fsync. */
  serverLoop: number;
  /** Share of wall time the server spent inside batch transactions (BEGIN … COMMIT, fsync included). */
  inCommit?: number;
  /** Whether those transactions ran on the store's writer thread (else they blocked the event loop). */
  commitsOnThread?: boolean;
  transactions?: number;
  created: number;
}

const INCIDENT_ID = /"incidentId":"([^"]+)"/;

async function load(server: Server, bodies: Buffer[], durationS: number, acknowledged: string[] | undefined) {
  let next = Math.floor(Math.random() * bodies.length);
  return autocannon({
    url: `${server.url}/incidents`,
    connections: CONNECTIONS,
    duration: durationS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          request.body = bodies[next];
          next = (next + 1) % bodies.length;
          return request;
        },
        ...(acknowledged
          ? {
              onResponse: (status: number, body: string) => {
                if (status !== 201) return;
                const id = INCIDENT_ID.exec(body)?.[1];
                acknowledged.push(id ?? '<unparsable 201 body>');
              },
            }
          : {}),
      },
    ],
  });
}

/** Non-idle CPU time of the whole machine so far, ms summed over cores. */
function machineBusyMs(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

function count201(result: AutocannonResult): number {
  return result.statusCodeStats['201']?.count ?? 0;
}

async function measure(server: Server, round: number, bodies: Buffer[], acknowledged: string[] | undefined): Promise<Measured> {
  let created = 0;
  if (WARMUP_S > 0) created += count201(await load(server, bodies, WARMUP_S, acknowledged));
  const before = await server.stats();
  const clientBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  const startedAt = process.hrtime.bigint();
  const result = await load(server, bodies, DURATION_S, acknowledged);
  const wallMicros = Number(process.hrtime.bigint() - startedAt) / 1000;
  const client = process.cpuUsage(clientBefore);
  const machineMicros = (machineBusyMs() - machineBefore) * 1000;
  const after = await server.stats();
  created += count201(result);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    mode: server.mode,
    round,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    fiveXx: result['5xx'],
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    serverCpu: (after.cpuMicros - before.cpuMicros) / wallMicros,
    clientCpu: (client.user + client.system) / wallMicros,
    otherCpu: Math.max(0, machineMicros - (after.cpuMicros - before.cpuMicros) - (client.user + client.system)) / wallMicros,
    serverLoop: (after.loopActiveMs - before.loopActiveMs) / (after.loopActiveMs - before.loopActiveMs + after.loopIdleMs - before.loopIdleMs),
    ...(after.commitMicros !== undefined && before.commitMicros !== undefined
      ? { inCommit: (after.commitMicros - before.commitMicros) / wallMicros }
      : {}),
    ...(after.writesOnThread !== undefined ? { commitsOnThread: after.writesOnThread } : {}),
    ...(after.transactionsCommitted !== undefined && before.transactionsCommitted !== undefined
      ? { transactions: after.transactionsCommitted - before.transactionsCommitted }
      : {}),
    created,
  };
}

// ---- report ----------------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const pad = (value: string | number, width: number) => String(value).padStart(width);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function roundLine(m: Measured): string {
  const label = m.mode === 'noop' ? 'baseline' : 'real    ';
  const codes = Object.entries(m.statusCodes).map(([code, n]) => `${code}×${n}`).join(' ');
  const commits =
    m.transactions !== undefined && m.transactions > 0
      ? `  commits ${m.transactions} (${fmt((m.reqPerSec * DURATION_S) / m.transactions, 1)} appends each` +
        (m.inCommit !== undefined ? `, ${fmt((m.inCommit * DURATION_S * 1e3) / m.transactions, 2)} ms each, ${fmt(m.inCommit * 100)}% of wall time${m.commitsOnThread ? ' on the writer thread' : ''})` : ')')
      : '';
  return (
    `round ${m.round}  ${label}  ${pad(fmt(m.reqPerSec), 7)} req/s  p50 ${pad(m.p50, 4)} ms  p99 ${pad(m.p99, 4)} ms  ` +
    `[${codes}] non-2xx ${m.non2xx} errors ${m.errors}  server loop busy ${fmt(m.serverLoop * 100)}% CPU ${fmt(m.serverCpu * 100)}% (${fmt((m.serverCpu * 1e6) / m.reqPerSec)} µs/req), client CPU ${fmt(m.clientCpu * 100)}%, others ${fmt(m.otherCpu * 100)}%${commits}`
  );
}

// ---- main ------------------------------------------------------------------------------------

/** What the store holds once the real server is gone: how many events, and the incident ids among them. */
async function recorded(store: { file: string } | { database: TestDatabase }): Promise<{ onDisk: number; idsOnDisk: Set<string> }> {
  if ('file' in store) {
    const db = new Database(store.file, { readonly: true, fileMustExist: true });
    try {
      const onDisk = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
      const ids = (db.prepare("SELECT json_extract(data, '$.incidentId') AS id FROM events").all() as { id: string }[]).map((row) => row.id);
      return { onDisk, idsOnDisk: new Set(ids) };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: store.database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>("SELECT data::json ->> 'incidentId' AS id FROM demarche.events");
    return { onDisk: rows.length, idsOnDisk: new Set(rows.map((row) => row.id)) };
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(os.tmpdir(), 'demarche-bench-'));
  const file = join(work, 'events.db');
  let database: TestDatabase | undefined;
  if (flags.store === 'postgres') {
    const serverUrl = process.env.DATABASE_URL?.trim();
    if (!serverUrl) throw new Error('--store postgres needs DATABASE_URL (a role that may CREATE DATABASE)');
    database = await createTestDatabase('bench_append', serverUrl);
  }
  const target = database ? database.url : file;
  const profileDir = flags.profile ? join(work, 'profiles') : undefined;
  const bodies = makeBodies(PAIRS);
  const cpus = os.cpus();

  console.log('bench:append: durable POST /incidents vs a no-op Nest+Fastify POST with the same DTO and validation pipe');
  console.log(
    `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  console.log(
    `load: autocannon ${autocannonVersion}, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s measured per run, ` +
      `${ROUNDS} rounds alternating baseline/real, ${bodies.length} bodies over ${PAIRS} pairs (${TYPES.join(', ')})`,
  );
  console.log(`servers: one child process each; ${database ? `PostgreSQL database ${database.name}` : `SQLite file ${file}`}${profileDir ? `; CPU profiles in ${profileDir}` : ''}`);

  const noop = await startServer('noop', [], profileDir);
  const real = await startServer('real', [target], profileDir).catch(async (error: unknown) => {
    await stopServer(noop, false);
    throw error;
  });
  const acknowledged: string[] = [];
  const results: Measured[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const server of [noop, real]) {
        const m = await measure(server, round, bodies, server === real ? acknowledged : undefined);
        results.push(m);
        console.log(roundLine(m));
      }
    }
  } catch (error) {
    await Promise.all([stopServer(noop, false), stopServer(real, false)]);
    throw error;
  }
  await stopServer(noop, true);

  const finalStats = await real.stats();
  // Without --profile the real server is killed, not closed: whatever a 201 promised must
  // already be in the file, not in anything a clean shutdown would still flush.
  await stopServer(real, flags.profile);

  const { onDisk, idsOnDisk } = await recorded(database ? { database } : { file });

  const realRuns = results.filter((m) => m.mode === 'real');
  const noopRuns = results.filter((m) => m.mode === 'noop');
  const created = realRuns.reduce((sum, m) => sum + m.created, 0);
  const distinctAcked = new Set(acknowledged);
  const ackedOnDisk = [...distinctAcked].filter((id) => idsOnDisk.has(id)).length;
  const missing = distinctAcked.size - ackedOnDisk;
  const abandoned = onDisk - ackedOnDisk;
  const runsAgainstReal = ROUNDS * (WARMUP_S > 0 ? 2 : 1);

  const summary = (runs: Measured[]) => ({
    reqPerSec: median(runs.map((m) => m.reqPerSec)),
    p50: median(runs.map((m) => m.p50)),
    p99: median(runs.map((m) => m.p99)),
    cpu: median(runs.map((m) => m.serverCpu)),
    cpuPerRequest: median(runs.map((m) => (m.serverCpu * 1e6) / m.reqPerSec)),
    clientCpu: median(runs.map((m) => m.clientCpu)),
    otherCpu: median(runs.map((m) => m.otherCpu)),
    non2xx: runs.reduce((sum, m) => sum + m.non2xx, 0),
    fiveXx: runs.reduce((sum, m) => sum + m.fiveXx, 0),
    errors: runs.reduce((sum, m) => sum + m.errors + m.timeouts, 0),
  });
  const base = summary(noopRuns);
  const durable = summary(realRuns);
  const ratio = durable.reqPerSec / base.reqPerSec;

  console.log('');
  const row = (label: string, s: typeof base) =>
    `${label.padEnd(20)}  ${pad(fmt(s.reqPerSec), 8)}  ${pad(s.p50, 7)}  ${pad(s.p99, 7)}  ${pad(fmt(s.cpu * 100) + '%', 10)}  ${pad(fmt(s.cpuPerRequest), 10)}  ${pad(fmt(s.clientCpu * 100) + '%', 10)}  ${s.non2xx}`;
  console.log(`${''.padEnd(20)}  ${pad('req/s', 8)}  ${pad('p50 ms', 7)}  ${pad('p99 ms', 7)}  ${pad('server CPU', 10)}  ${pad('µs CPU/req', 10)}  ${pad('client CPU', 10)}  non-2xx`);
  console.log(row('baseline (no-op)', base));
  console.log(row('real (durable)', durable));
  console.log(`(medians over ${ROUNDS} rounds; CPU = process CPU time / wall time of the measured run, 100% = one core)`);
  const noise = Math.max(base.otherCpu, durable.otherCpu);
  console.log(
    `other processes on this machine (${cpus.length} CPUs) used a median ${fmt(base.otherCpu * 100)}% / ${fmt(durable.otherCpu * 100)}% ` +
      `of a core during the baseline / real runs${noise > 0.15 ? ': figures are noisy, rerun on a quiet machine' : ''}`,
  );
  console.log(
    `ratio real/baseline: ${fmt(ratio, 2)} (target >= 0.80); by server CPU per request: ${fmt(base.cpuPerRequest / durable.cpuPerRequest, 2)} ` +
      '(what the ratio would be if both were bound by the CPU of one core alone)',
  );
  console.log(`non-2xx: baseline ${base.non2xx}, real ${durable.non2xx}; 5xx: ${base.fiveXx + durable.fiveXx}; connection errors/timeouts: ${base.errors + durable.errors}`);
  console.log(
    `durable: ${created} 201s, ${ackedOnDisk} events on disk for them` +
      (missing > 0 ? `, ${missing} MISSING` : '') +
      ` (${onDisk} events in the file; ${abandoned} more for requests autocannon abandoned in flight when a run ended, at most ${CONNECTIONS} per run)`,
  );
  if (finalStats.transactionsCommitted !== undefined) {
    console.log(
      `group commit: ${finalStats.transactionsCommitted} transactions for ${onDisk} appends (${fmt(onDisk / Math.max(1, finalStats.transactionsCommitted), 1)} per commit` +
        `${finalStats.writesOnThread ? ', committed on the store\'s writer thread' : ''}); ` +
        (finalStats.pragmas
          ? `journal_mode=${finalStats.pragmas.journalMode} synchronous=${finalStats.pragmas.synchronous} (2 = FULL)`
          : `PostgreSQL synchronous_commit=${finalStats.synchronousCommit}`) +
        `; server RSS ${fmt(finalStats.rssBytes / 2 ** 20)} MiB`,
    );
  }

  const problems: string[] = [];
  if (base.fiveXx + durable.fiveXx > 0) problems.push(`${base.fiveXx + durable.fiveXx} responses were 5xx`);
  if (acknowledged.length !== created) problems.push(`counted ${created} 201s but read ${acknowledged.length} 201 bodies`);
  if (distinctAcked.size !== acknowledged.length) problems.push(`${acknowledged.length - distinctAcked.size} 201s repeated an incident id`);
  if (missing > 0) problems.push(`${missing} acknowledged incidents are not in the file`);
  if (abandoned < 0 || abandoned > CONNECTIONS * runsAgainstReal) {
    problems.push(`${onDisk} events on disk for ${ackedOnDisk} acknowledged: more than in-flight requests can explain`);
  }

  if (flags.profile) console.log(`CPU profiles: ${profileDir} (open in Chrome DevTools or speedscope)`);
  else if (!flags.keep) rmSync(work, { recursive: true, force: true });
  if (flags.keep && !flags.profile) console.log(`kept ${work}${database ? ` and database ${database.name}` : ''}`);
  else await database?.drop();

  for (const problem of problems) console.error(`FAILED: ${problem}`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
