import { randomInt, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { sendHttp, sendRaw, type FuzzAnswer } from './fuzz-http-client.js';
import { isAcceptableText, ROUTE_PARAMETERS } from './fuzz-input-classes.js';
import { API_KEYS, LEAK_MARKERS, NOW, SECRETS, fuzzRequest, routeTemplate, type AppName, type FuzzRequest } from './fuzz-requests.js';

/**
 * Property-based fuzzing of the HTTP API on real servers and real SQLite files: whatever is
 * sent, the answer is never a 5xx; every 4xx is problem+json with status, title and detail and
 * no stack trace or path; nothing is appended unless the answer is a 201 (checked on the file
 * after every request); and the valid writes generated among the rest are answered 201 and
 * appended once (a keyed retry replayed, appending nothing).
 *
 * FUZZ_RUNS (default 1,000) sets how many requests are generated; FUZZ_SEED replays a run
 * (the seed is printed). `npm run test:fuzz` runs 10,000.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(1, 2 ** 31 - 1);

interface AppUnderTest {
  t: TestApp;
  base: URL;
  db: Database.Database;
  initialEvents: number;
  /** Events the 201s account for since the start. */
  acknowledged: number;
  /** Incidents a valid amendment may target: recorded by a valid report, without effects on the pair's state, not retracted. */
  amendable: string[];
  /** Every incident recorded so far. */
  recorded: string[];
  /** Watches created (201) and not deleted since. */
  watches: string[];
}

interface Finding {
  rule: string;
  request: string;
  answer: string;
}

const apps = {} as Record<AppName, AppUnderTest>;
const findings: Finding[] = [];
const statuses = new Map<number | string, number>();
const kinds = new Map<string, number>();
let sent = 0;
let validSent = 0;
let replaysChecked = 0;
let headAnsweredWithContent = 0;
let watchesDeleted = 0;
let elapsedMs = 0;

/**
 * Events of the relation streams: what incident writes append. Watches keep their own streams
 * (`watches`, `watch-<id>`), where alerts are appended whenever a watched pair changes, whatever
 * the request; they are judged by their own invariant instead (see judgeWatches).
 */
const eventsIn = (app: AppUnderTest) => (app.db.prepare("SELECT COUNT(*) AS n FROM events WHERE stream_id LIKE 'relation-%'").get() as { n: number }).n;
const isWatchWrite = (request: FuzzRequest, path: string) => (request.method === 'POST' || request.method === 'DELETE') && /^\/watches(\/|$|\?)/.test(path);

async function startApp(name: AppName): Promise<AppUnderTest> {
  const t = await startTestApp({
    clock: fixedClock(NOW),
    app: {
      requestTimeoutMs: 5_000,
      ...(name === 'keyed' ? { auth: { keys: parseApiKeys(API_KEYS), readsRequireKey: true } } : {}),
    },
  });
  const auth: Record<string, string> = name === 'keyed' ? { authorization: `Bearer ${SECRETS.alice}` } : {};
  const amendable: string[] = [];
  // A few incidents first, so reads, amendments and "nothing appended" start from a non-empty log.
  for (const [actor, target] of [['AZE', 'FRA'], ['FRA', 'AZE'], ['ARM', 'AZE']]) {
    const seeded = await t.request('POST', '/incidents', { type: 'Accusation', actor, target, occurredOn: '2024-05-01', summary: 'Seeded', sources: [{ publisher: 'Wire' }] }, auth);
    expect(seeded.status).toBe(201);
    amendable.push(seeded.json.incidentId);
  }
  const db = new Database(t.file, { readonly: true, fileMustExist: true });
  const app: AppUnderTest = { t, base: new URL(t.url), db, initialEvents: 0, acknowledged: 0, amendable, recorded: [...amendable], watches: [] };
  app.initialEvents = eventsIn(app);
  return app;
}

function describeRequest(request: FuzzRequest, path: string): string {
  if (request.raw) return `${request.app} raw ${JSON.stringify(request.raw.toString('latin1').slice(0, 300))}`;
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value.length > 80 ? `${value.slice(0, 80)}…(${value.length})` : value}`);
  const body = request.body === undefined ? '' : ` body(${request.body.length}) ${JSON.stringify(request.body.toString('utf8').slice(0, 300))}`;
  return `${request.app} ${request.method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path} [${headers.join(' | ')}]${body}`;
}

function requestText(request: FuzzRequest, path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // keep it encoded
  }
  return [path, decoded, JSON.stringify(request.headers), request.body?.toString('latin1') ?? '', request.raw?.toString('latin1') ?? ''].join('\n');
}

function judge(request: FuzzRequest, path: string, answer: FuzzAnswer, appended: number, app: AppUnderTest): void {
  sent++;
  const key = answer.noAnswer ? (request.kind === 'raw: CONNECT' ? 'CONNECT closed' : 'no answer') : answer.status;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const report = (rule: string) =>
    findings.push({ rule, request: describeRequest(request, path), answer: answer.noAnswer ? answer.noAnswer : `${answer.status} ${answer.headers['content-type'] ?? '(no content type)'} ${answer.body.slice(0, 400)}` });

  // Node closes a CONNECT (a proxy tunnel request) without an answer when nothing listens for it: no proxy here, nothing leaks.
  const tunnelRefused = answer.noAnswer !== undefined && request.kind === 'raw: CONNECT';
  if (answer.noAnswer && !tunnelRefused) report('an answer (any status) to every request');
  if (answer.status >= 500) report('no 5xx');
  if (answer.status >= 400) {
    if (!/^application\/problem\+json/.test(answer.headers['content-type'] ?? '')) report('every 4xx is application/problem+json');
    else if (request.method !== 'HEAD') {
      let problem: any;
      try {
        problem = JSON.parse(answer.body);
      } catch {
        problem = undefined;
      }
      const complete = problem && problem.status === answer.status && typeof problem.title === 'string' && problem.title !== '' && typeof problem.detail === 'string' && problem.detail !== '';
      if (!complete) report('a problem has status (= the HTTP status), title and detail');
    }
  }
  const asked = requestText(request, path);
  const leaks = LEAK_MARKERS.filter((marker) => answer.body.includes(marker) && !asked.includes(marker));
  if (leaks.length > 0) report(`no stack trace or path in answers (found ${leaks.map((l) => JSON.stringify(l)).join(', ')})`);

  const wrongParameter = answer.status >= 200 && answer.status < 300 ? parameterNotTaken(request, path) : undefined;
  if (wrongParameter) report(`a query parameter the route does not take, or a limit not in decimal digits, is never answered 2xx (${wrongParameter})`);

  const created = answer.status === 201;
  const replayed = created && answer.headers['idempotent-replayed'] === 'true';
  // A watch is no incident: its 201 appends nothing to the relation streams.
  const expected = created && !replayed && !isWatchWrite(request, path) ? 1 : 0;
  if (appended !== expected) report(`${created ? 'a 201 appends exactly one event' : 'nothing appended unless 201'} (appended ${appended})`);
  app.acknowledged += expected;
  if (request.valid && !created) report('a valid write is answered 201');
  if (created && !isWatchWrite(request, path)) {
    const body = JSON.parse(answer.body);
    if (body.recordedType === 'IncidentRetracted') app.amendable = app.amendable.filter((id) => id !== body.incidentId);
    else if (body.recordedType !== 'IncidentCorrected' && !replayed) {
      app.recorded.push(body.incidentId);
      if (request.valid && body.recordedType !== 'SanctionsImposed') app.amendable.push(body.incidentId);
      if (answer.headers.location !== `/incidents/${body.incidentId}`) report('a report answers with the Location of its incident');
    }
  }
}

/** The first query parameter an API route should have refused: one it does not take, or a limit that is not plain decimal. */
function parameterNotTaken(request: FuzzRequest, path: string): string | undefined {
  const [bare, query] = [path.split('?')[0], path.split('?').slice(1).join('?')];
  const route = routeTemplate(bare);
  // The writes take no parameters; GET routes take their own.
  const taken = request.method === 'GET' ? ROUTE_PARAMETERS[route] : request.method === 'POST' && /^\/incidents(\/\{id\}\/\{action\})?$/.test(route) ? [] : undefined;
  if (taken === undefined || query === '') return undefined;
  for (const [name, value] of new URLSearchParams(query)) {
    if (!taken.includes(name)) return `${name}=${value.slice(0, 20)}`;
    if (name === 'limit' && !/^[0-9]+$/.test(value)) return `limit=${value.slice(0, 20)}`;
  }
  return undefined;
}

async function send(app: AppUnderTest, request: FuzzRequest, path: string): Promise<{ answer: FuzzAnswer; appended: number }> {
  const before = eventsIn(app);
  let answer = request.raw ? await sendRaw(app.base, request.raw) : await sendHttp(app.base, request.method, path, request.headers, request.body);
  if (request.method === 'HEAD' && /Data after `Connection: close`/.test(answer.noAnswer ?? '')) {
    // Node's client refuses an answer to HEAD that carries content. The server's parser-level error
    // answers (431 for oversized headers) do carry their problem document, not knowing the method:
    // read the same request's answer off a socket and judge it by the same rules.
    headAnsweredWithContent++;
    answer = await sendRaw(app.base, rawBytes(app.base, request, path));
  }
  return { answer, appended: eventsIn(app) - before };
}

function rawBytes(base: URL, request: FuzzRequest, path: string): Buffer {
  const headers = { host: base.host, ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}), connection: 'close' };
  const head = `${request.method} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), request.body ?? Buffer.alloc(0)]);
}

/** The ids GET /watches lists (read with a reader's key where reads need one). */
async function listedWatches(app: AppUnderTest, request: FuzzRequest): Promise<string[]> {
  const auth: Record<string, string> = request.app === 'keyed' ? { authorization: `Bearer ${SECRETS.viewer}` } : {};
  const answer = await sendHttp(app.base, 'GET', '/watches', auth, undefined);
  return answer.status === 200 ? (JSON.parse(answer.body).items as { watchId: string }[]).map((watch) => watch.watchId).sort() : [`GET /watches answered ${answer.status}`];
}

/**
 * Watches by their own invariant: a 201 to POST /watches is listed by GET /watches at once (and
 * its Location names it); a 200 to DELETE /watches/{id} leaves it gone from the list, its delivery
 * log 404; any other answer leaves the list as it was.
 */
async function judgeWatches(app: AppUnderTest, request: FuzzRequest, path: string, answer: FuzzAnswer, before: string[]): Promise<void> {
  const after = await listedWatches(app, request);
  const report = (rule: string, detail: string) => findings.push({ rule, request: describeRequest(request, path), answer: `${answer.status} ${answer.body.slice(0, 200)} → ${detail}` });
  const id = answer.status === 201 || answer.status === 200 ? (JSON.parse(answer.body) as { watchId?: string }).watchId : undefined;
  if (request.method === 'POST' && answer.status === 201 && id) {
    if (!after.includes(id) || after.length !== before.length + 1) report('a watch answered 201 is listed, and only it is added', `listed ${after.length} (was ${before.length})`);
    if (answer.headers.location !== `/watches/${id}`) report('a watch answered 201 is listed, and only it is added', `Location ${answer.headers.location}`);
    app.watches.push(id);
  } else if (request.method === 'DELETE' && answer.status === 200 && id) {
    const log = await sendHttp(app.base, 'GET', `/watches/${id}/deliveries`, request.app === 'keyed' ? { authorization: `Bearer ${SECRETS.viewer}` } : {}, undefined);
    if (after.includes(id) || after.length !== before.length - 1 || log.status !== 404) report('a watch deleted (200) is gone: unlisted, its log 404', `listed ${after.includes(id)}, log ${log.status}`);
    app.watches = app.watches.filter((watch) => watch !== id);
    watchesDeleted++;
  } else if (JSON.stringify(after) !== JSON.stringify(before)) {
    report('a watch write not answered 201/200 changes no watch', `listed ${after.length} (was ${before.length})`);
  }
}

async function exercise(request: FuzzRequest): Promise<void> {
  const app = apps[request.app];
  kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
  const pool = request.valid ? app.amendable : app.recorded;
  const incident = pool.length > 0 ? pool[request.pick % pool.length] : randomUUID();
  const watch = app.watches.length > 0 ? app.watches[request.pick % app.watches.length] : randomUUID();
  const path = request.path.split('{incident}').join(incident).split('{watch}').join(watch);
  const watchesBefore = isWatchWrite(request, path) ? await listedWatches(app, request) : undefined;
  // An amendment with nothing left to amend (all retracted so far) is no longer valid; it is still judged by the other rules.
  if (request.valid && request.path.includes('{incident}') && pool.length === 0) request = { ...request, valid: false, kind: `${request.kind} (nothing to amend)` };
  if (request.valid) validSent++;

  const first = await send(app, request, path);
  judge(request, path, first.answer, first.appended, app);
  if (watchesBefore) await judgeWatches(app, request, path, first.answer, watchesBefore);

  if (first.answer.status === 201 && !watchesBefore) await checkRecordedIncident(app, request, path, JSON.parse(first.answer.body).incidentId);

  if (request.repeat && first.answer.status === 201) {
    // The same request under the same key: the first answer again, nothing appended.
    const again = await send(app, request, path);
    judge({ ...request, valid: false }, path, again.answer, again.appended, app);
    replaysChecked++;
    const same = again.answer.status === 201 && again.answer.headers['idempotent-replayed'] === 'true' && again.answer.body === first.answer.body;
    if (!same) findings.push({ rule: 'a retry under the same Idempotency-Key replays the first answer', request: describeRequest(request, path), answer: `${again.answer.status} ${again.answer.body.slice(0, 300)}` });
  }
}

/**
 * What a 201 recorded must leave the incident valid as a report: a write that slipped past
 * validation (a null where a value was optional, say) is in the log for good.
 */
async function checkRecordedIncident(app: AppUnderTest, request: FuzzRequest, path: string, incidentId: string): Promise<void> {
  const auth: Record<string, string> = request.app === 'keyed' ? { authorization: `Bearer ${SECRETS.viewer}` } : {};
  const answer = await sendHttp(app.base, 'GET', `/incidents/${incidentId}`, auth, undefined);
  const incident = answer.status === 200 ? JSON.parse(answer.body) : undefined;
  const isText = (value: unknown, max: number) => typeof value === 'string' && value.length > 0 && value.length <= max;
  // Stored text is as the server stores it: already normalised (NFC, trimmed) and acceptable.
  const isStoredText = (value: unknown, max: number, lines?: 'several lines') => isAcceptableText(value, max, lines) && value === (value as string).normalize('NFC').trim();
  const isCleanUrl = (value: unknown) => typeof value === 'string' && !/[\p{White_Space}\p{Cc}\p{Cs}\p{Default_Ignorable_Code_Point}]/u.test(value);
  const textProblems = (incident: any): string[] => [
    !isStoredText(incident.summary, 280) && `summary ${JSON.stringify(incident.summary)}`,
    ...(Array.isArray(incident.sources) ? incident.sources : []).flatMap((source: any, i: number) => [
      source?.publisher !== undefined && !isStoredText(source.publisher, 200) && `sources[${i}].publisher ${JSON.stringify(source.publisher)}`,
      source?.title !== undefined && !isStoredText(source.title, 500) && `sources[${i}].title ${JSON.stringify(source.title)}`,
      source?.url !== undefined && !isCleanUrl(source.url) && `sources[${i}].url ${JSON.stringify(source.url)}`,
      source?.publishedOn !== undefined && !(source.publishedOn <= NOW.slice(0, 10)) && `sources[${i}].publishedOn ${JSON.stringify(source.publishedOn)} is after ${NOW.slice(0, 10)}`,
    ]),
    ...Object.entries(incident.details ?? {}).map(
      ([name, value]) => typeof value === 'string' && name !== 'inResponseTo' && !isStoredText(value, 2_000, name === 'quote' ? 'several lines' : undefined) && `details.${name} ${JSON.stringify(value)}`,
    ),
  ].filter((problem): problem is string => typeof problem === 'string');
  const problems = !incident
    ? [`GET /incidents/${incidentId} answered ${answer.status}`]
    : [
        !isText(incident.summary, 280) && `summary ${JSON.stringify(incident.summary)}`,
        !isText(incident.occurredOn, 40) && `occurredOn ${JSON.stringify(incident.occurredOn)}`,
        !(Array.isArray(incident.sources) && incident.sources.length >= 1 && incident.sources.length <= 20) && `sources ${JSON.stringify(incident.sources)?.slice(0, 100)}`,
        Array.isArray(incident.sources) && incident.sources.some((source: any) => !isText(source?.url, 2_000) && !isText(source?.publisher, 400)) &&
          `a source with neither url nor publisher: ${JSON.stringify(incident.sources.find((source: any) => !isText(source?.url, 2_000) && !isText(source?.publisher, 400))).slice(0, 200)}`,
        (incident.details === null || typeof incident.details !== 'object' || Array.isArray(incident.details)) && `details ${JSON.stringify(incident.details)}`,
        ...textProblems(incident),
      ].filter(Boolean);
  if (problems.length > 0) findings.push({ rule: 'what a 201 records leaves the incident a valid report', request: describeRequest(request, path), answer: `GET /incidents/${incidentId}: ${problems.join('; ')}` });
}

/** Findings grouped by rule and answer (status, and the error code when there is one), with the routes seen and an example. */
function summarise(): string[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const code = /"code":"([A-Z_]+)"/.exec(finding.answer)?.[1];
    const answer = finding.answer.startsWith('no answer') || !/^\d{3} /.test(finding.answer) ? finding.answer.slice(0, 60) : `${finding.answer.slice(0, 3)}${code ? ` ${code}` : ''}`;
    const group = `${finding.rule} → ${answer}`;
    groups.set(group, [...(groups.get(group) ?? []), finding]);
  }
  const clip = (s: string, n = 500) => (s.length > n ? `${s.slice(0, n)}…` : s);
  return [...groups].map(([group, items]) => {
    const routes = [...new Set(items.map((f) => { const [, method, path] = f.request.split(' '); return method === 'raw' ? `raw ${clip(path, 30)}` : `${method} ${routeTemplate(path)}`; }))];
    return `${group}: ${items.length}× on ${routes.length} routes (${clip(routes.slice(0, 6).join(', '), 200)}${routes.length > 6 ? ', …' : ''}), e.g. ${clip(items[0].request)}\n      → ${clip(items[0].answer, 300)}`;
  });
}

describe(`fuzzing the HTTP API with ${RUNS} generated requests (FUZZ_SEED=${SEED})`, () => {
  beforeAll(async () => {
    apps.open = await startApp('open');
    apps.keyed = await startApp('keyed');
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        await exercise(request);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    elapsedMs = performance.now() - started;
    const distribution = [...statuses].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([status, n]) => `${status}: ${n}`).join(', ');
    console.log(
      [
        `fuzz (FUZZ_SEED=${SEED}): ${sent} requests sent for ${RUNS} generated (${validSent} valid writes, ${replaysChecked} replays checked) in ${(elapsedMs / 1000).toFixed(1)} s`,
        `statuses: ${distribution}${headAnsweredWithContent > 0 ? ` (${headAnsweredWithContent} answers to HEAD carried content: parser-level 431, read off the socket)` : ''}`,
        `watches: ${apps.open.watches.length + apps.keyed.watches.length} in place, ${watchesDeleted} deleted`,
        `events appended: open ${eventsIn(apps.open) - apps.open.initialEvents}, keyed ${eventsIn(apps.keyed) - apps.keyed.initialEvents}`,
        `most generated kinds: ${[...kinds].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([kind, n]) => `${kind} ${n}`).join('; ')}`,
        `findings: ${findings.length === 0 ? 'none' : `${findings.length}\n  ${summarise().join('\n  ')}`}`,
      ].join('\n'),
    );
  }, 120_000 + RUNS * 100);

  afterAll(async () => {
    for (const app of Object.values(apps)) {
      app.db.close();
      await app.t.close();
    }
  });

  const broken = (rule: RegExp) => summarise().filter((group) => rule.test(group));

  it('sent every generated request, valid writes among them', () => {
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    expect(validSent).toBeGreaterThan(RUNS / 40);
  });

  it('answers every request, and none with a 5xx', () => {
    expect(broken(/^(no 5xx|an answer)/)).toEqual([]);
  });

  it('answers every 4xx with problem+json carrying status, title and detail, and no stack trace or path anywhere', () => {
    expect(broken(/^(every 4xx|a problem has|no stack trace)/)).toEqual([]);
  });

  it('appends nothing for a request it rejects, and exactly one event per 201', () => {
    expect(broken(/^(nothing appended|a 201 appends)/)).toEqual([]);
    for (const app of Object.values(apps)) expect(eventsIn(app)).toBe(app.initialEvents + app.acknowledged);
  });

  it('records every valid write generated, and replays its retry', () => {
    expect(broken(/^(a valid write|a retry under|a report answers)/)).toEqual([]);
  });

  it('answers 2xx to no query parameter a route does not take (__proto__, constructor…) nor a limit that is not plain decimal (0x10, 1e2…)', () => {
    expect(broken(/^a query parameter the route does not take/)).toEqual([]);
  });

  it('keeps watches honest: listed after a 201, gone after a DELETE answered 200, untouched by any other answer', () => {
    expect(kinds.get('valid watch') ?? 0).toBeGreaterThan(0);
    if (RUNS >= 1_000) expect(watchesDeleted).toBeGreaterThan(0);
    expect(broken(/^a watch/)).toEqual([]);
  });

  it('leaves every incident a 201 touched a valid report (summary, date, 1–20 sources, details object, text normalised and free of hidden characters)', () => {
    expect(broken(/^what a 201 records/)).toEqual([]);
  });
});
