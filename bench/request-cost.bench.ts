/**
 * `npm run bench:request-cost -- --a BASE/dist/src/main.js --b dist/src/main.js [--pairs 3]
 *   [--path /relations/AZE/FRA] [--store DIR]`
 *
 * What one read costs the server that answers it, for two builds side by side: each server is
 * started in turn (on a fresh seed story, or with `--store` on a copy's directory, as
 * `bench:read --work` leaves it), warmed for 3 s, then loaded for 5 s over 64 connections by
 * autocannon in this process, in alternated pairs (A B, B A, …). It prints, per run, the rate, the
 * server's CPU per request (user and system, from /proc/PID/stat) and this process's CPU per
 * request (the load generator's: what parsing the answers costs), then the medians. A server's CPU
 * per request is steadier than its rate on two shared cores, and a pair is compared within itself.
 * It reports; it does not judge.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuTimeMs, freePort, stop } from './bench-process.js';

const { values: flags } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: 'dist/src/main.js' },
    pairs: { type: 'string', default: '3' },
    path: { type: 'string' },
    store: { type: 'string' },
  },
});
if (!flags.a) throw new Error('--a: the main.js of the build to compare against (e.g. a worktree of main, built)');
const path = flags.path ?? (flags.store ? '/relations/RUS/USA' : '/relations/AZE/FRA');

interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;

interface Run {
  rps: number;
  serverMicros: number;
  clientMicros: number;
}

async function measure(main: string): Promise<Run> {
  const dataDir = flags.store ?? mkdtempSync(join(tmpdir(), 'request-cost-'));
  const port = await freePort();
  const server = spawn(process.execPath, [main, ...(flags.store ? [] : ['--seed'])], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', NO_COLOR: '1', EVENT_STORE: 'sqlite', READ_RATE_LIMIT_PER_MINUTE: '100000000' },
    stdio: 'ignore',
  });
  let exited = false;
  const exit = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  void exit.then(() => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      if (exited) throw new Error(`${main}: the server exited before answering`);
      const ready = await fetch(`${url}${path}`).then((response) => response.status === 200, () => false);
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // A big store builds its search index in the background after a start: let it finish.
    await new Promise((resolve) => setTimeout(resolve, flags.store ? 45_000 : 3_000));
    await autocannon({ url: url + path, connections: 64, duration: 3 });
    const serverBefore = cpuTimeMs(server);
    const clientBefore = process.cpuUsage();
    const result = await autocannon({ url: url + path, connections: 64, duration: 5 });
    const serverAfter = cpuTimeMs(server);
    if (serverBefore === undefined || serverAfter === undefined) throw new Error("the server's CPU time is read from /proc: Linux only");
    const serverMs = serverAfter - serverBefore;
    const client = process.cpuUsage(clientBefore);
    if (result.non2xx > 0) throw new Error(`${main}: ${result.non2xx} answers were not 2xx`);
    return { rps: result.requests.average, serverMicros: (serverMs * 1_000) / result.requests.total, clientMicros: (client.user + client.system) / result.requests.total };
  } finally {
    await stop(server, exit);
    if (!flags.store) rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const runs: Record<'A' | 'B', Run[]> = { A: [], B: [] };
const mains = { A: flags.a, B: flags.b };
console.log(`bench:request-cost — ${path} on ${flags.store ?? 'a fresh seed story'}; A = ${mains.A}, B = ${mains.B}`);
for (let pair = 0; pair < Number(flags.pairs); pair++) {
  for (const side of pair % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
    const run = await measure(mains[side]);
    runs[side].push(run);
    console.log(`  pair ${pair + 1} ${side}: ${Math.round(run.rps).toLocaleString('en')} req/s, server ${run.serverMicros.toFixed(1)} µs a request, load generator ${run.clientMicros.toFixed(1)} µs`);
  }
}
for (const side of ['A', 'B'] as const) {
  const each = runs[side];
  console.log(`${side} medians: ${Math.round(median(each.map((run) => run.rps))).toLocaleString('en')} req/s, server ${median(each.map((run) => run.serverMicros)).toFixed(1)} µs a request, load generator ${median(each.map((run) => run.clientMicros)).toFixed(1)} µs`);
}
