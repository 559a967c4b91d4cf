import { freshSeed } from './seeded-random.js';
import { buildServer } from '../support/build-server.js';
import { formatCrashReport, runCrashTrial, type CrashTrialReport } from './crash-harness.js';

/**
 * "A 201 means durable; retries never record twice" (docs/guarantees.md), under SIGKILL: the
 * real server as a child process on a real SQLite file, 16 writers retrying unknown outcomes with
 * the same Idempotency-Key across restarts, the server killed at random moments. The small trial;
 * `npm run test:crash -- --kills 20 --incidents 20000` runs the full one.
 *
 * CRASH_SEED=<n> replays a trial's plan (operations, keys, kill moments); the seed is printed.
 */

const SEED = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : freshSeed();
const INCIDENTS = 1_000;
const KILLS = 3;

describe(`crash safety: ${KILLS} SIGKILLs while ${INCIDENTS} incidents are reported (seed ${SEED})`, () => {
  let report: CrashTrialReport;
  let removeBuild: () => void = () => undefined;

  beforeAll(async () => {
    const build = await buildServer('crash-e2e-build');
    removeBuild = build.remove;
    report = await runCrashTrial({ main: build.main, seed: SEED, kills: KILLS, incidents: INCIDENTS, writers: 16, deadlineMs: 150_000 });
    console.log(`crash trial (reproduce with CRASH_SEED=${SEED}):\n${formatCrashReport(report)}`);
  }, 240_000);

  afterAll(() => removeBuild());

  it('kills the server as planned, under load, and starts it again each time', () => {
    expect(report.kills).toBe(KILLS);
    expect(report.killsUnderLoad).toBeGreaterThanOrEqual(1);
    // Every kill's restart plus the one that checks the restored read model.
    expect(report.restarts).toBe(KILLS + 1);
    expect(report.requestsInFlightAtKills).toBeGreaterThan(0);
  });

  it('breaks no guarantee: every write acknowledged once, one event per key, a sound file, equal read models', () => {
    expect(report.problems).toEqual([]);
  });

  it('ends with every operation acknowledged after retries, and exactly one event per operation in the file', () => {
    expect(report.retries).toBeGreaterThan(0);
    expect(report.acknowledged).toBe(INCIDENTS);
    expect(report.eventsInFile).toBe(INCIDENTS);
  });

  it('leaves a file that passes PRAGMA integrity_check', () => {
    expect(report.integrityCheck).toBe('ok');
  });

  it('shows the same read model live, after a restart and after a rebuild from the log', () => {
    expect(report.hashes.live).toMatch(/^[0-9a-f]{16,}$/);
    expect(report.hashesEqual).toBe(true);
    expect(report.rebuildEvents).toBe(INCIDENTS);
  });
});
