/**
 * `npm run test:crash -- --kills 20 --incidents 20000 [--writers 16] [--seed N] [--keep-data]`
 * `npm run test:crash -- --store postgres [--servers 3] [--restart-cluster "15 main"] …`
 *
 * With `--store postgres` the trial runs on a fresh database created (and dropped after, unless
 * --keep-data) on the server of DATABASE_URL, whose role may CREATE DATABASE; `--restart-cluster`
 * restarts that Debian cluster once mid-load with pg_ctlcluster (as root).
 *
 * Runs the crash-safety trial (test/crash/crash-harness.ts) against the built server
 * (dist/src/main.js), prints its figures and exits 1 when any guarantee was broken.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { formatCrashReport, runCrashTrial, type CrashTrialStore } from '../test/crash/crash-harness.js';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres-database.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    incidents: { type: 'string', default: '20000' },
    writers: { type: 'string', default: '16' },
    seed: { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
    store: { type: 'string', default: 'sqlite' },
    servers: { type: 'string', default: '1' },
    'restart-cluster': { type: 'string' },
  },
});

function count(name: string, value: string | undefined, min: number): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return parsed;
}

// Compiled to dist/scripts/; the server it runs is the same build's dist/src/main.js.
const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');
if (!existsSync(main)) {
  console.error(`${main} is missing: run npm run build first (npm run test:crash does)`);
  process.exit(2);
}

if (values.store !== 'sqlite' && values.store !== 'postgres') {
  console.error(`--store must be sqlite or postgres, got ${JSON.stringify(values.store)}`);
  process.exit(2);
}
const servers = count('servers', values.servers, 1);
if (values.store === 'sqlite' && servers !== 1) {
  console.error('--servers above 1 needs --store postgres (SQLite servers would share one snapshot directory)');
  process.exit(2);
}
const cluster = values['restart-cluster']?.trim().split(/\s+/);
if (cluster && cluster.length !== 2) {
  console.error(`--restart-cluster must be "<version> <cluster>" as pg_lsclusters lists it, got ${JSON.stringify(values['restart-cluster'])}`);
  process.exit(2);
}
let database: TestDatabase | undefined;
let store: CrashTrialStore = { kind: 'sqlite' };
if (values.store === 'postgres') {
  const serverUrl = process.env.DATABASE_URL?.trim();
  if (!serverUrl) {
    console.error('--store postgres needs DATABASE_URL (postgres://user:password@host:port/db, a role that may CREATE DATABASE)');
    process.exit(2);
  }
  database = await createTestDatabase('crash_trial', serverUrl);
  store = {
    kind: 'postgres',
    databaseUrl: database.url,
    restartDatabase: cluster && (async () => void (await promisify(execFile)('pg_ctlcluster', [cluster[0], cluster[1], 'restart']))),
  };
}

const report = await runCrashTrial({
  store,
  servers,
  main,
  kills: count('kills', values.kills, 0),
  incidents: count('incidents', values.incidents, 1),
  writers: count('writers', values.writers, 1),
  seed: values.seed === undefined ? undefined : count('seed', values.seed, 1),
  keepData: values['keep-data'],
  log: (line) => console.log(line),
});
console.log(`\n${formatCrashReport(report)}`);
if (values['keep-data']) console.log(`data kept in ${report.dataDir}${database ? ` and database ${database.name}` : ''}`);
else await database?.drop();
console.log(report.problems.length === 0 ? '\nPASS: every guarantee held' : `\nFAIL — reproduce the plan with --seed ${report.seed}`);
process.exit(report.problems.length === 0 ? 0 : 1);
