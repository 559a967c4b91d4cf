import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildServer } from '../support/build-server.js';
import { announceSkip, createTestDatabase, postgresUnavailable, type TestDatabase } from '../support/postgres-database.js';
import { formatCrashReport, runCrashTrial, type CrashTrialReport } from './crash-harness.js';
import { freshSeed } from './seeded-random.js';

/**
 * The crash trial on PostgreSQL: two server processes sharing one database, 16 writers retrying
 * unknown outcomes with the same Idempotency-Key (on the other server, as a load balancer
 * would), the servers SIGKILLed under load, and the PostgreSQL server itself restarted once
 * mid-load. Nothing acknowledged may be lost or recorded twice.
 *
 * It runs on a cluster of its own (TEST_CRASH_DATABASE_URL, restarted with
 * `pg_ctlcluster $TEST_CRASH_POSTGRES_CLUSTER restart`; .ci/run sets both) so that the restart
 * never cuts another spec's connections. CRASH_SEED=<n> replays a trial's plan.
 */

const SEED = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : freshSeed();
const INCIDENTS = 800;
const KILLS = 3;
const SERVERS = 2;
const serverUrl = process.env.TEST_CRASH_DATABASE_URL?.trim() || undefined;
const cluster = process.env.TEST_CRASH_POSTGRES_CLUSTER?.trim().split(/\s+/);
const unavailable =
  (await postgresUnavailable(serverUrl, 'TEST_CRASH_DATABASE_URL')) ??
  (cluster?.length === 2 ? undefined : 'TEST_CRASH_POSTGRES_CLUSTER ("<version> <cluster>", restarted with pg_ctlcluster) is not set');

if (unavailable === undefined) {
  describe(`crash safety on PostgreSQL: ${KILLS} SIGKILLs of ${SERVERS} servers and a PostgreSQL restart while ${INCIDENTS} incidents are reported (seed ${SEED})`, () => {
    let report: CrashTrialReport;
    let database: TestDatabase;
    let removeBuild: () => void = () => undefined;

    beforeAll(async () => {
      database = await createTestDatabase('crash', serverUrl);
      const build = await buildServer('postgres-crash-e2e-build');
      removeBuild = build.remove;
      report = await runCrashTrial({
        main: build.main,
        seed: SEED,
        kills: KILLS,
        incidents: INCIDENTS,
        writers: 16,
        servers: SERVERS,
        store: { kind: 'postgres', databaseUrl: database.url, restartDatabase: () => restartCluster(cluster!) },
        deadlineMs: 150_000,
      });
      console.log(`PostgreSQL crash trial (reproduce with CRASH_SEED=${SEED}):\n${formatCrashReport(report)}`);
    }, 240_000);

    afterAll(async () => {
      removeBuild();
      await database?.drop();
    });

    it('kills servers under load and restarts PostgreSQL once while writes are in flight', () => {
      expect(report.kills).toBe(KILLS);
      expect(report.killsUnderLoad).toBeGreaterThanOrEqual(1);
      expect(report.databaseRestarts).toBe(1);
      expect(report.requestsInFlightAtDatabaseRestart).toBeGreaterThan(0);
      expect(report.restarts).toBe(KILLS + 1);
    });

    it('breaks no guarantee: every 201 in the database once, one event per key, every server’s read model equal to a rebuild’s', () => {
      expect(report.problems).toEqual([]);
    });

    it('ends with every operation acknowledged after retries, and exactly one event per operation in the database', () => {
      expect(report.retries).toBeGreaterThan(0);
      expect(report.acknowledged).toBe(INCIDENTS);
      expect(report.eventsInFile).toBe(INCIDENTS);
      expect(report.integrityCheck).toBe('ok');
    });

    it('shows the same read model live, after a restart and after a rebuild from the log', () => {
      expect(report.hashes.live).toMatch(/^[0-9a-f]{16,}$/);
      expect(report.hashesEqual).toBe(true);
      expect(report.rebuildEvents).toBe(INCIDENTS);
    });
  });
} else {
  announceSkip('PostgreSQL crash trial', unavailable);
  describe.skip(`crash safety on PostgreSQL — skipped: ${unavailable}`, () => {
    it('loses nothing acknowledged across SIGKILLs and a PostgreSQL restart', () => undefined);
  });
}

async function restartCluster([version, name]: string[]): Promise<void> {
  await promisify(execFile)('pg_ctlcluster', [version, name, 'restart']);
}
