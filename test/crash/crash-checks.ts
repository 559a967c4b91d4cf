/**
 * What the crash trial checks once the writes are done, against the servers over HTTP and
 * against the store itself (CrashLog), and the HTTP helpers the writers share.
 */
import type { CrashLog, LoggedEvent } from './crash-log.js';
import type { CrashTrialReport, Operation } from './crash-harness.js';
import { sleep, type ServerProcess } from './server-process.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export class Timeout extends Error {}

export async function send(base: string, method: string, path: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  try {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw new Timeout(`${method} ${path} timed out`);
    throw error;
  }
}

/** A read that must succeed: retried on connection errors (the server may be starting). */
export async function read(server: ServerProcess, method: string, path: string): Promise<HttpAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Writes say application/json even without a body (the server refuses anything a form could send).
      return await send(await server.url(), method, path, undefined, method === 'GET' ? {} : { 'content-type': 'application/json' }, 60_000);
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(100);
    }
  }
}

/** Waits until the server's read model has applied everything in the log. */
export async function caughtUp(server: ServerProcess, eventLog: CrashLog, problems: string[], when: string): Promise<void> {
  const last = await eventLog.lastPosition();
  const until = Date.now() + 10_000;
  for (;;) {
    const health = await read(server, 'GET', '/health');
    if (health.json?.readModel?.position === last) return;
    if (Date.now() > until) {
      problems.push(`${when}: the read model stays at position ${health.json?.readModel?.position} while ${eventLog.where} ends at ${last}`);
      return;
    }
    await sleep(50);
  }
}

/** The live read-model hash of each server, once it has followed the log to its end. */
export async function liveHashes(servers: ServerProcess[], eventLog: CrashLog, problems: string[]): Promise<string[]> {
  const hashes: string[] = [];
  for (const [i, server] of servers.entries()) {
    await caughtUp(server, eventLog, problems, `server ${i + 1} after the writes`);
    hashes.push((await read(server, 'GET', '/admin/projections')).json?.projections?.[0]?.hash ?? '');
  }
  return hashes;
}

/** The live read model, the one a restart restores, and a rebuild from the log: one hash. */
export async function checkReadModels(server: ServerProcess, eventLog: CrashLog, report: CrashTrialReport, problems: string[], log: (line: string) => void): Promise<void> {
  const projection = async (when: string) => {
    const answer = await read(server, 'GET', '/admin/projections');
    if (answer.status !== 200) problems.push(`${when}: GET /admin/projections answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    return answer.json?.projections?.[0] as { hash: string; checkpoint: string | null; events: number } | undefined;
  };

  await caughtUp(server, eventLog, problems, 'after the writes');
  const live = await projection('live');
  report.hashes.live = live?.hash ?? '';

  log('restarting once more (SIGKILL) to compare the restored read model');
  await server.kill();
  server.spawn();
  await caughtUp(server, eventLog, problems, 'after the last restart');
  const restored = await projection('after the last restart');
  report.hashes.afterRestart = restored?.hash ?? '';

  const rebuild = await read(server, 'POST', '/admin/projections/rebuild');
  if (rebuild.status !== 200) problems.push(`POST /admin/projections/rebuild answered ${rebuild.status}: ${rebuild.text.slice(0, 300)}`);
  report.hashes.rebuild = rebuild.json?.hash ?? '';
  report.rebuildEvents = rebuild.json?.events ?? 0;
  report.hashes.afterRebuild = (await projection('after the rebuild'))?.hash ?? '';

  const { live: h1, afterRestart: h2, rebuild: h3, afterRebuild: h4 } = report.hashes;
  report.hashesEqual = h1 !== '' && h1 === h2 && h2 === h3 && h3 === h4;
  if (!report.hashesEqual) problems.push(`projection hashes differ: live ${h1}, after restart ${h2}, rebuild ${h3}, after rebuild ${h4}`);
  if (live && restored && live.checkpoint !== restored.checkpoint) problems.push(`checkpoint live ${live.checkpoint} but ${restored.checkpoint} after the restart`);
}

/** GET /incidents/{id} for every acknowledged incident: there, and the one that was sent. */
export async function checkIncidentsOverHttp(server: ServerProcess, operations: Operation[], concurrency: number, problems: string[]): Promise<void> {
  const wrong: string[] = [];
  let next = 0;
  const reader = async () => {
    while (next < operations.length) {
      const operation = operations[next++];
      if (!operation.ack) continue;
      const answer = await read(server, 'GET', `/incidents/${operation.ack.incidentId}`);
      const incident = answer.json;
      if (answer.status !== 200) wrong.push(`#${operation.index}: GET /incidents/${operation.ack.incidentId} answered ${answer.status}`);
      else if (incident.eventId !== operation.ack.eventId || incident.summary !== operation.body.summary || incident.actor !== operation.body.actor || incident.target !== operation.body.target) {
        wrong.push(`#${operation.index}: GET /incidents/${operation.ack.incidentId} shows event ${incident.eventId} "${incident.summary}", acknowledged ${operation.ack.eventId}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, reader));
  listProblems(problems, 'acknowledged incidents not served as acknowledged', wrong);
}

/** The log itself, after the last SIGKILL: integrity, one event per key, every acknowledgement in it once. */
export async function checkLog(eventLog: CrashLog, operations: Operation[], report: CrashTrialReport, problems: string[]): Promise<void> {
  report.integrityCheck = await eventLog.integrityCheck();
  if (report.integrityCheck !== 'ok') problems.push(`integrity check of ${eventLog.where}: ${report.integrityCheck}`);
  const rows = await eventLog.events();
  report.eventsInFile = rows.length;

  const byKey = new Map<string, LoggedEvent[]>();
  const byEventId = new Map<string, number>();
  const byIncidentId = new Map<string, number>();
  const revisions = new Map<string, number[]>();
  const withoutKey: string[] = [];
  for (const row of rows) {
    const key = JSON.parse(row.metadata).idempotencyKey as string | undefined;
    if (key === undefined) withoutKey.push(`position ${row.position}`);
    else byKey.set(key, [...(byKey.get(key) ?? []), row]);
    byEventId.set(row.event_id, (byEventId.get(row.event_id) ?? 0) + 1);
    const incidentId = JSON.parse(row.data).incidentId as string;
    byIncidentId.set(incidentId, (byIncidentId.get(incidentId) ?? 0) + 1);
    revisions.set(row.stream_id, [...(revisions.get(row.stream_id) ?? []), row.revision]);
  }

  listProblems(problems, 'events without an Idempotency-Key (none of the writers sent one)', withoutKey);
  listProblems(problems, 'keys that produced more than one event', [...byKey].filter(([, found]) => found.length > 1).map(([key, found]) => `${key}: positions ${found.map((r) => r.position).join(', ')}`));
  listProblems(problems, 'incident ids recorded more than once', [...byIncidentId].filter(([, n]) => n > 1).map(([id, n]) => `${id} × ${n}`));
  listProblems(problems, 'streams whose revisions are not 0, 1, 2, … in log order', [...revisions].filter(([, rs]) => rs.some((r, i) => r !== i)).map(([stream]) => stream));

  const known = new Set(operations.map((o) => o.key));
  listProblems(problems, 'events under keys no writer used', [...byKey.keys()].filter((key) => !known.has(key)));
  const mismatches: string[] = [];
  for (const operation of operations) {
    const found = byKey.get(operation.key) ?? [];
    if (found.length !== 1) {
      mismatches.push(`#${operation.index} (key ${operation.key}): ${found.length} events${operation.ack ? ', acknowledged' : ''}`);
      continue;
    }
    const [row] = found;
    const data = JSON.parse(row.data);
    if (data.summary !== operation.body.summary) mismatches.push(`#${operation.index}: the event under its key says "${data.summary}"`);
    if (!operation.ack) continue;
    if (byEventId.get(operation.ack.eventId) !== 1) mismatches.push(`#${operation.index}: acknowledged event ${operation.ack.eventId} is in the log ${byEventId.get(operation.ack.eventId) ?? 0} times`);
    if (row.event_id !== operation.ack.eventId || data.incidentId !== operation.ack.incidentId || String(row.position) !== operation.ack.position || row.stream_id !== operation.ack.streamId) {
      mismatches.push(`#${operation.index}: acknowledged ${operation.ack.eventId}/${operation.ack.incidentId} at ${operation.ack.position}, the log has ${row.event_id}/${data.incidentId} at ${row.position}`);
    }
  }
  listProblems(problems, 'operations whose key does not map to exactly their acknowledged event', mismatches);
}

export function listProblems(problems: string[], what: string, items: string[]): void {
  if (items.length === 0) return;
  const shown = items.slice(0, 10).join('; ');
  problems.push(`${what}: ${items.length} — ${shown}${items.length > 10 ? `; … and ${items.length - 10} more` : ''}`);
}
