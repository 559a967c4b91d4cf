import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshSeed, seededRandom, type SeededRandom } from './seeded-random.js';
import { ServerProcess, sleep } from './server-process.js';
import { checkIncidentsOverHttp, checkLog, checkReadModels, listProblems, liveHashes, send, Timeout, type HttpAnswer } from './crash-checks.js';
import { postgresCrashLog, sqliteCrashLog, type CrashLog } from './crash-log.js';

/**
 * Crash-safety trial: the real server as a child process on a real SQLite file, N concurrent
 * writers reporting incidents under Idempotency-Keys, the server SIGKILLed K times at random
 * moments (under load, or while it starts) and started again. Writers treat every unknown
 * outcome (connection error, timeout, 5xx, 408, 409, 429) as "retry the same request with the
 * same key", across restarts, until they get a definitive answer. Every operation uses a type
 * without relation rules, so the only correct definitive answer is 201.
 *
 * Then it checks what docs/guarantees.md promises: every acknowledged incident is there exactly
 * once (over HTTP and in the file), no key produced two events, the file passes
 * `PRAGMA integrity_check`, and the live read model equals the one a restart restores and the
 * one a rebuild from the log produces.
 *
 * On PostgreSQL (`store: { kind: 'postgres' }`) several server processes share the database:
 * writers spread their attempts over them, each kill hits one of them, and the database server
 * itself can be restarted once mid-load (`restartDatabase`).
 *
 * The seed fixes the operations (bodies, keys) and the kill plan (when, under load or at start,
 * how long after); process timing is not reproducible, so a seed replays the plan, not the
 * interleaving.
 */

export interface CrashTrialOptions {
  /** Built server entry (dist/src/main.js or a test build of it). */
  main: string;
  /** Default: a fresh one, printed. */
  seed?: number;
  kills: number;
  incidents: number;
  writers?: number;
  /** Share of kills aimed at a server that is still starting (catching up, writing its snapshot). */
  startupKillShare?: number;
  /** Client-side timeout of one attempt. */
  attemptTimeoutMs?: number;
  /** The whole trial fails (with what was seen so far) after this long. */
  deadlineMs?: number;
  /** Where the events go; default a SQLite file in the data directory. */
  store?: CrashTrialStore;
  /** Server processes sharing the store (PostgreSQL only); default 1. */
  servers?: number;
  /** Keep the data directory (its path is in the report). */
  keepData?: boolean;
  /** Progress lines (kills, phases); default: none. */
  log?: (line: string) => void;
}

export type CrashTrialStore =
  | { kind: 'sqlite' }
  /** An empty database; `restartDatabase` restarts the PostgreSQL server once, mid-load. */
  | { kind: 'postgres'; databaseUrl: string; restartDatabase?: () => Promise<void> };

export interface CrashTrialReport {
  seed: number;
  store: 'sqlite' | 'postgres';
  servers: number;
  /** Restarts of the database server itself (PostgreSQL), under load. */
  databaseRestarts: number;
  /** Requests the writers had sent and not yet had answered when the database restart began. */
  requestsInFlightAtDatabaseRestart: number;
  dataDir: string;
  writers: number;
  incidents: number;
  acknowledged: number;
  attempts: number;
  retries: number;
  /** Retries answered 201 with Idempotent-Replayed: the first attempt had been recorded, its answer lost. */
  replays: number;
  maxAttemptsForOneIncident: number;
  unknownOutcomes: {
    connectionErrors: number;
    timeouts: number;
    serverErrors5xx: number;
    conflicts409: number;
    requestTimeouts408: number;
    rateLimited429: number;
  };
  kills: number;
  killsUnderLoad: number;
  killsDuringStartup: number;
  /** Requests the writers had sent and not yet had answered, summed over the kills. */
  requestsInFlightAtKills: number;
  /** Server processes started after the first (every kill's restart, plus the one before the restore check). */
  restarts: number;
  writePhaseMs: number;
  durationMs: number;
  eventsInFile: number;
  integrityCheck: string;
  hashes: { live: string; afterRestart: string; rebuild: string; afterRebuild: string };
  hashesEqual: boolean;
  rebuildEvents: number;
  /** Everything that contradicts a guarantee; empty when the trial passed. */
  problems: string[];
}

const COUNTRIES = [
  'AZE', 'FRA', 'ARM', 'DEU', 'GBR', 'USA', 'RUS', 'CHN', 'IND', 'PAK', 'TUR', 'GRC', 'IRN', 'ISR',
  'EGY', 'JPN', 'KOR', 'PRK', 'BRA', 'ARG', 'CAN', 'MEX', 'AUS', 'NZL', 'ZAF', 'NGA', 'KEN', 'ETH',
  'SAU', 'ARE', 'QAT', 'UKR', 'POL', 'LTU', 'SRB', 'HRV', 'ESP', 'ITA', 'NLD', 'BEL',
] as const;
/** Types no relation rule can refuse, so every operation must end 201. */
const TYPES = ['Accusation', 'PublicCondemnation', 'TalksHeld'] as const;

interface ReportBody {
  type: (typeof TYPES)[number];
  actor: string;
  target: string;
  occurredOn: string;
  summary: string;
  sources: { publisher: string; url: string }[];
  details?: Record<string, string>;
}

export interface Operation {
  index: number;
  key: string;
  body: ReportBody;
  attempts: number;
  ack?: { incidentId: string; eventId: string; position: string; streamId: string; replayed: boolean };
  failure?: string;
}

interface Kill {
  phase: 'load' | 'startup';
  /**
   * Under load: kill the moment a writer next receives a 201, when other appends of the same
   * group commit may be durable but not yet answered (the window where retries must replay).
   */
  onNextAnswer: boolean;
  /** Under load: once this many operations have been started. */
  afterOperations: number;
  /** Under load: after the threshold; at startup: after the spawn. */
  delayMs: number;
  /** Which server process is killed (they take turns). */
  server: number;
}

export async function runCrashTrial(options: CrashTrialOptions): Promise<CrashTrialReport> {
  const seed = options.seed ?? freshSeed();
  const writers = options.writers ?? 16;
  const log = options.log ?? (() => undefined);
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  const started = performance.now();
  const deadline = Date.now() + (options.deadlineMs ?? 30 * 60_000);
  const rng = seededRandom(seed);
  const operations = planOperations(rng, seed, options.incidents);
  const kills = planKills(rng, options.kills, options.incidents, options.startupKillShare ?? 0.2, options.servers ?? 1);
  const dataDir = mkdtempSync(join(tmpdir(), 'demarche-crash-'));
  const store = options.store ?? { kind: 'sqlite' };
  const serverCount = options.servers ?? 1;
  if (store.kind === 'sqlite' && serverCount !== 1) throw new Error('several servers need the PostgreSQL store');
  const eventLog: CrashLog = store.kind === 'sqlite' ? sqliteCrashLog(join(dataDir, 'demarche.db')) : postgresCrashLog(store.databaseUrl);
  const restartDatabase = store.kind === 'postgres' ? store.restartDatabase : undefined;
  const problems: string[] = [];
  const report: CrashTrialReport = {
    seed,
    store: store.kind,
    servers: serverCount,
    databaseRestarts: 0,
    requestsInFlightAtDatabaseRestart: 0,
    dataDir,
    writers,
    incidents: options.incidents,
    acknowledged: 0,
    attempts: 0,
    retries: 0,
    replays: 0,
    maxAttemptsForOneIncident: 0,
    unknownOutcomes: { connectionErrors: 0, timeouts: 0, serverErrors5xx: 0, conflicts409: 0, requestTimeouts408: 0, rateLimited429: 0 },
    kills: 0,
    killsUnderLoad: 0,
    killsDuringStartup: 0,
    requestsInFlightAtKills: 0,
    restarts: 0,
    writePhaseMs: 0,
    durationMs: 0,
    eventsInFile: 0,
    integrityCheck: 'not run',
    hashes: { live: '', afterRestart: '', rebuild: '', afterRebuild: '' },
    hashesEqual: false,
    rebuildEvents: 0,
    problems,
  };
  log(`crash trial: seed ${seed}, ${options.incidents} incidents, ${writers} writers, ${options.kills} kills, ${serverCount} server(s) on ${store.kind}; data in ${dataDir}`);

  const servers = Array.from({ length: serverCount }, (_, i) => {
    const serverDir = serverCount === 1 ? dataDir : join(dataDir, `server-${i}`);
    return new ServerProcess({
      main: options.main,
      dataDir: serverDir,
      env: {
        // The writers are one client address: lift the per-address limits, which are not under test.
        RATE_LIMIT_PER_MINUTE: '1000000000',
        READ_RATE_LIMIT_PER_MINUTE: '1000000000',
        ...(store.kind === 'postgres' ? { EVENT_STORE: 'postgres', DATABASE_URL: store.databaseUrl } : {}),
      },
    });
  });
  const [server] = servers;
  let dispatched = 0;
  let inFlight = 0;
  let killOnNextAnswer: (() => void) | undefined;
  let databaseRestarting = false;

  const perform = async (operation: Operation): Promise<void> => {
    for (;;) {
      if (Date.now() > deadline) {
        operation.failure = `no definitive answer before the deadline after ${operation.attempts} attempts`;
        return;
      }
      let url: string;
      try {
        // A retry goes to the next server, as a load balancer would send it.
        url = await servers[(operation.index + operation.attempts) % servers.length].url();
      } catch {
        operation.failure = 'the server stopped for good';
        return;
      }
      operation.attempts++;
      report.attempts++;
      if (operation.attempts > 1) report.retries++;
      let answer: HttpAnswer;
      inFlight++;
      try {
        answer = await send(url, 'POST', '/incidents', operation.body, { 'idempotency-key': `"${operation.key}"` }, attemptTimeoutMs);
      } catch (error) {
        if (error instanceof Timeout) report.unknownOutcomes.timeouts++;
        else report.unknownOutcomes.connectionErrors++;
        await sleep(backoff(operation.attempts));
        continue;
      } finally {
        inFlight--;
      }
      if (answer.status === 201) {
        killOnNextAnswer?.();
        const replayed = answer.headers.get('idempotent-replayed') === 'true';
        if (replayed) report.replays++;
        operation.ack = { incidentId: answer.json?.incidentId, eventId: answer.json?.eventId, position: answer.json?.position, streamId: answer.json?.streamId, replayed };
        return;
      }
      const retryAfterMs = Math.min(Number(answer.headers.get('retry-after') ?? 0) * 1000, 2_000);
      if (answer.status >= 500) report.unknownOutcomes.serverErrors5xx++;
      else if (answer.status === 409) report.unknownOutcomes.conflicts409++;
      else if (answer.status === 408) report.unknownOutcomes.requestTimeouts408++;
      else if (answer.status === 429) report.unknownOutcomes.rateLimited429++;
      else {
        operation.failure = `answered ${answer.status} on attempt ${operation.attempts}: ${answer.text.slice(0, 300)}`;
        return;
      }
      await sleep(Math.max(retryAfterMs, backoff(operation.attempts)));
    }
  };

  const writer = async (): Promise<void> => {
    while (dispatched < operations.length) {
      const operation = operations[dispatched++];
      await perform(operation);
    }
  };

  const killer = async (): Promise<void> => {
    for (const [i, kill] of kills.entries()) {
      if (Date.now() > deadline) return;
      const server = servers[kill.server];
      if (kill.phase === 'load') {
        await server.url().catch(() => undefined);
        while (dispatched < kill.afterOperations && dispatched < operations.length && Date.now() < deadline) await sleep(5);
      }
      await sleep(kill.delayMs);
      let during = kill.phase === 'load' ? (server.listening ? 'under load' : 'under load, while restarting') : server.listening ? 'at start, already listening' : 'while starting';
      let inFlightAtKill = inFlight;
      if (kill.onNextAnswer && server.listening && dispatched < operations.length) {
        // Sent from the writer's continuation, so the signal leaves before anything else runs here.
        await new Promise<void>((resolve) => {
          const give = setTimeout(() => fire(), 2_000);
          const fire = () => {
            clearTimeout(give);
            killOnNextAnswer = undefined;
            inFlightAtKill = inFlight;
            void server.kill();
            resolve();
          };
          killOnNextAnswer = fire;
        });
        during += ', on a 201';
      }
      report.requestsInFlightAtKills += inFlightAtKill;
      log(`kill ${i + 1}/${kills.length}${servers.length > 1 ? ` (server ${kill.server})` : ''} ${during}: ${dispatched} operations started, ${inFlightAtKill} requests in flight`);
      await server.kill();
      report.kills++;
      if (kill.phase === 'load') report.killsUnderLoad++;
      else report.killsDuringStartup++;
      // A server cannot start while the database restarts (it exits 1 with "cannot open"): wait, as a supervisor's backoff would.
      while (databaseRestarting) await sleep(10);
      server.spawn();
    }
  };

  /** Restarts the database server once, when about half the operations have been started. */
  const databaseRestarter = async (): Promise<void> => {
    if (!restartDatabase) return;
    const threshold = Math.floor(operations.length / 2);
    while ((dispatched < threshold || !servers.every((each) => each.listening)) && Date.now() < deadline) await sleep(5);
    report.requestsInFlightAtDatabaseRestart = inFlight;
    databaseRestarting = true;
    try {
      await restartDatabase();
    } finally {
      databaseRestarting = false;
    }
    report.databaseRestarts++;
    log(`database server restarted under load: ${dispatched} operations started, ${report.requestsInFlightAtDatabaseRestart} requests in flight`);
  };

  try {
    for (const each of servers) each.spawn();
    await Promise.all([killer(), databaseRestarter(), ...Array.from({ length: writers }, writer)]);
    report.writePhaseMs = Math.round(performance.now() - started);
    for (const operation of operations) {
      report.maxAttemptsForOneIncident = Math.max(report.maxAttemptsForOneIncident, operation.attempts);
      if (operation.ack) report.acknowledged++;
    }
    listProblems(problems, 'operations without a 201', operations.filter((o) => !o.ack).map((o) => `#${o.index} (key ${o.key}): ${o.failure ?? 'never answered'}`));
    log(`writes done in ${report.writePhaseMs} ms: ${report.acknowledged}/${operations.length} acknowledged, ${report.retries} retries, ${report.replays} replays`);

    // The other servers first: the first is then restarted and rebuilt by checkReadModels.
    const otherHashes = await liveHashes(servers.slice(1), eventLog, problems);
    await checkReadModels(server, eventLog, report, problems, log);
    const differing = otherHashes.filter((hash) => hash !== report.hashes.live);
    if (differing.length > 0) problems.push(`live read models of the other servers differ from the first's (${report.hashes.live}): ${differing.join(', ')}`);
    await checkIncidentsOverHttp(server, operations, writers, problems);
    await Promise.all(servers.map((each) => each.stop()));
    await checkLog(eventLog, operations, report, problems);
    if (report.eventsInFile !== operations.length) problems.push(`${report.eventsInFile} events in ${eventLog.where} for ${operations.length} operations`);
    if (report.rebuildEvents !== report.eventsInFile) problems.push(`the rebuild read ${report.rebuildEvents} events, ${eventLog.where} holds ${report.eventsInFile}`);
  } catch (error) {
    problems.push(`the trial itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await Promise.all(servers.map((each) => each.stop().catch(() => undefined)));
    report.restarts = servers.reduce((sum, each) => sum + Math.max(0, each.spawns - 1), 0);
    listProblems(problems, 'unexpected server exits', servers.flatMap((each) => each.unexpectedExits));
    report.durationMs = Math.round(performance.now() - started);
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  }
  return report;
}

/** The figures, one per line, as the CLI prints them. */
export function formatCrashReport(report: CrashTrialReport): string {
  const u = report.unknownOutcomes;
  return [
    `seed                      ${report.seed}`,
    `store                     ${report.store}, ${report.servers} server process${report.servers === 1 ? '' : 'es'}${report.store === 'postgres' ? `, ${report.databaseRestarts} database restart(s) under load (${report.requestsInFlightAtDatabaseRestart} requests in flight)` : ''}`,
    `writers                   ${report.writers}`,
    `incidents acknowledged    ${report.acknowledged} / ${report.incidents}`,
    `attempts                  ${report.attempts} (${report.retries} retries; most for one incident: ${report.maxAttemptsForOneIncident})`,
    `replays                   ${report.replays} (retries answered from an append whose first answer was lost)`,
    `unknown outcomes retried  ${u.connectionErrors} connection errors, ${u.timeouts} timeouts, ${u.serverErrors5xx} 5xx, ${u.conflicts409} 409, ${u.requestTimeouts408} 408, ${u.rateLimited429} 429`,
    `kills (SIGKILL)           ${report.kills} (${report.killsUnderLoad} under load, ${report.killsDuringStartup} during start-up; ${report.requestsInFlightAtKills} requests in flight at the kills)`,
    `restarts                  ${report.restarts}`,
    `time                      ${(report.durationMs / 1000).toFixed(1)} s (writes ${(report.writePhaseMs / 1000).toFixed(1)} s)`,
    `events in the log         ${report.eventsInFile}`,
    `integrity check           ${report.integrityCheck}`,
    `projection hashes         live ${report.hashes.live} | after restart ${report.hashes.afterRestart} | rebuild ${report.hashes.rebuild} (${report.rebuildEvents} events) | after rebuild ${report.hashes.afterRebuild}`,
    `hashes equal              ${report.hashesEqual}`,
    `problems                  ${report.problems.length === 0 ? 'none' : `${report.problems.length}:\n  ${report.problems.join('\n  ')}`}`,
  ].join('\n');
}

function planOperations(rng: SeededRandom, seed: number, count: number): Operation[] {
  return Array.from({ length: count }, (_, index) => {
    const actor = rng.pick(COUNTRIES);
    let target = rng.pick(COUNTRIES);
    while (target === actor) target = rng.pick(COUNTRIES);
    const type = rng.pick(TYPES);
    const month = String(rng.int(1, 13)).padStart(2, '0');
    const day = String(rng.int(1, 29)).padStart(2, '0');
    const body: ReportBody = {
      type,
      actor,
      target,
      occurredOn: `${rng.int(2019, 2025)}-${month}-${day}`,
      summary: `Crash trial ${seed}, operation ${index}: ${type} by ${actor} against ${target}`,
      sources: [{ publisher: 'Crash harness', url: `https://example.org/crash/${seed}/${index}` }],
    };
    if (rng.next() < 0.3) body.details = type === 'TalksHeld' ? { place: 'Geneva' } : { speaker: 'Foreign ministry spokesperson' };
    const key = `crash-${seed}-${index}-${rng.int(0, 2 ** 30).toString(36)}`;
    return { index, key, body, attempts: 0 };
  });
}

function planKills(rng: SeededRandom, count: number, incidents: number, startupShare: number, servers: number): Kill[] {
  const thresholds = Array.from({ length: count }, () => Math.floor(incidents * (0.02 + 0.93 * rng.next()))).sort((a, b) => a - b);
  return thresholds.map((afterOperations, i) => {
    // The first kill needs a server that has taken writes; later ones may hit the restart.
    const phase = i > 0 && rng.next() < startupShare ? 'startup' : 'load';
    return { phase, afterOperations, onNextAnswer: phase === 'load' && rng.next() < 0.5, delayMs: phase === 'load' ? rng.int(0, 100) : rng.int(0, 1_500), server: i % servers };
  });
}

function backoff(attempt: number): number {
  return Math.min(10 * 2 ** Math.min(attempt, 6), 400) * (0.5 + Math.random());
}
