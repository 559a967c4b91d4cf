import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import cliProgress from 'cli-progress';
import { systemClock } from '../clock.js';
import { appOptionsFromEnv } from '../config.js';
import { countryName } from '../domain/countries.js';
import { pairFaults } from '../domain/relation-pair.js';
import { InvalidOccurrenceError, parseOccurrence } from '../domain/occurrence.js';
import type { RelationView } from '../domain/relation-view.js';
import { openEventStore, type EventStoreConfig } from '../event-store/event-store.config.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { perspectiveOf } from '../time/perspective.js';

/**
 * `npm run replay [-- --pair AZE-FRA [--as-of DATE] [--known-at DATE]]`
 *
 * Rebuilds the read model from the whole log of the store the server would open (DATA_DIR,
 * EVENT_STORE, … — see src/config.ts), persists it where the server restores it from, and prints
 * how many events were replayed, how fast, and the read model's hash (the one GET
 * /admin/projections shows). With --pair, then prints that relation's state as a table, as of
 * and/or as known at the dates given (end of that day, month or year, as in the HTTP API).
 *
 * It builds the projection runner directly on the store: no Nest application, no HTTP server.
 */

const USAGE = `Usage: npm run replay -- [--pair AZE-FRA] [--as-of DATE] [--known-at DATE]

  --pair AAA-BBB    after the rebuild, print the state of this relation (ISO 3166-1 alpha-3 codes)
  --as-of DATE      only incidents that had occurred by the end of DATE, scored then
  --known-at DATE   only what had been recorded by the end of DATE
  --help            print this help

DATE is YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 timestamp with a UTC offset.
The store comes from the environment, as for the server (DATA_DIR, EVENT_STORE, ...).`;

/** How often progress is printed as a plain line when stdout is not a terminal. */
const PLAIN_PROGRESS_EVERY_MS = 2_000;

export class UsageError extends Error {}

export interface ReplayRequest {
  help: boolean;
  pair?: [string, string];
  asOf?: string;
  knownAt?: string;
}

export function parseReplayArgs(argv: string[]): ReplayRequest {
  let values: { pair?: string; 'as-of'?: string; 'known-at'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        pair: { type: 'string' },
        'as-of': { type: 'string' },
        'known-at': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // Node's first sentence says it ("Unknown option '--colour'"); the rest is advice about '--' that does not apply here.
    const message = String((error as { message?: unknown })?.message ?? error);
    throw new UsageError(message.split(/\. (?=[A-Z])/)[0]);
  }
  if (values.help) return { help: true };

  const request: ReplayRequest = { help: false };
  if (values.pair !== undefined) request.pair = parsePair(values.pair);
  for (const [flag, value] of [['as-of', values['as-of']], ['known-at', values['known-at']]] as const) {
    if (value === undefined) continue;
    try {
      parseOccurrence(value);
    } catch (error) {
      if (error instanceof InvalidOccurrenceError) throw new UsageError(`--${flag}: ${error.message}`);
      throw error;
    }
  }
  request.asOf = values['as-of'];
  request.knownAt = values['known-at'];
  if ((request.asOf !== undefined || request.knownAt !== undefined) && !request.pair) {
    throw new UsageError('--as-of and --known-at choose when to look at the relation given by --pair; add e.g. --pair AZE-FRA');
  }
  return request;
}

function parsePair(text: string): [string, string] {
  const codes = text.toUpperCase().split('-');
  if (codes.length !== 2 || codes.some((code) => !/^[A-Z]{3}$/.test(code))) {
    throw new UsageError(`--pair must be two ISO 3166-1 alpha-3 country codes joined by a dash, e.g. AZE-FRA; got '${text}'`);
  }
  const faults = pairFaults(codes[0], codes[1]);
  const unknown = codes.filter((_code, i) => (i === 0 ? faults?.firstUnknown : faults?.secondUnknown));
  if (unknown.length > 0) throw new UsageError(`--pair: ${unknown.join(' and ')} ${unknown.length > 1 ? 'are not' : 'is not an'} ISO 3166-1 alpha-3 code${unknown.length > 1 ? 's' : ''}`);
  if (faults?.sameCountry) throw new UsageError('--pair must name two different countries');
  return [codes[0], codes[1]];
}

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ReplayIo {
  env: NodeJS.ProcessEnv;
  stdout: Output;
  stderr: Output;
}

/** Runs the command; resolves to the process exit code (0 ok, 1 failure, 2 bad usage). */
export async function runReplay(argv: string[], io: ReplayIo): Promise<number> {
  let request: ReplayRequest;
  try {
    request = parseReplayArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`replay: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (request.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const options = appOptionsFromEnv(io.env);
  const store = await openEventStore(options.eventStore);
  const runner = new ProjectionRunner(store, options.readModelFile);
  try {
    const progress = progressPrinter(io.stdout, countEvents(options.eventStore));
    let rebuilt: Awaited<ReturnType<ProjectionRunner['rebuild']>>;
    try {
      rebuilt = await runner.rebuild(({ events }) => progress.update(events));
    } finally {
      progress.stop();
    }
    const status = runner.status();
    const seconds = rebuilt.ms / 1000;
    io.stdout.write(
      [
        `Replayed ${formatCount(rebuilt.events)} events in ${seconds.toFixed(2)} s (${formatCount(Math.round(rebuilt.events / Math.max(seconds, 1e-6)))} events/s)`,
        `Read model: ${formatCount(status.incidents)} incidents in ${formatCount(status.pairs)} relations, checkpoint ${status.checkpoint ?? 'none (empty log)'}`,
        `Hash: ${rebuilt.hash}`,
        options.readModelFile ? `Persisted to ${options.readModelFile}` : 'Not persisted (READ_MODEL_SNAPSHOTS=off)',
      ].join('\n') + '\n',
    );

    if (!request.pair) return 0;
    const [a, b] = request.pair;
    const perspective = perspectiveOf({ asOf: request.asOf, knownAt: request.knownAt }, systemClock);
    const view = await runner.readModel.relation(a, b, perspective);
    if (!view) {
      io.stderr.write(`replay: no incidents are recorded between ${a} and ${b}\n`);
      return 1;
    }
    io.stdout.write(`\n${formatRelation(view, request)}\n`);
    return 0;
  } finally {
    await runner.onApplicationShutdown();
    await store.close();
  }
}

/** Events in the log, for the progress bar's total; only the SQLite file can say cheaply. */
function countEvents(config: EventStoreConfig): number | undefined {
  if (config.kind !== 'sqlite') return undefined;
  const db = new Database(config.file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS count FROM events').get() as { count: number }).count;
  } finally {
    db.close();
  }
}

interface ProgressPrinter {
  update(events: number): void;
  stop(): void;
}

/** A live bar on a terminal; elsewhere (a pipe, a CI log) a plain line every couple of seconds. */
function progressPrinter(stdout: Output, total: number | undefined): ProgressPrinter {
  const started = performance.now();
  const rate = (events: number) => formatCount(Math.round(events / Math.max((performance.now() - started) / 1000, 1e-3)));
  const ofTotal = (events: number) => (total ? ` / ${formatCount(total)} events (${Math.floor((100 * events) / Math.max(total, 1))}%)` : ' events');

  if (stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stdout as NodeJS.WriteStream,
        format: total
          ? 'Replaying |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}'
          : 'Replaying | {value} events | {rate} events/s',
        hideCursor: true,
        etaBuffer: 50,
        formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? formatCount(value) : String(value)),
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total || 1, 0, { rate: '0' });
    return {
      update: (events) => bar.update(events, { rate: rate(events) }),
      stop: () => bar.stop(),
    };
  }

  let lastPrinted = started;
  return {
    update(events) {
      const now = performance.now();
      if (now - lastPrinted < PLAIN_PROGRESS_EVERY_MS) return;
      lastPrinted = now;
      stdout.write(`replay: ${formatCount(events)}${ofTotal(events)}, ${rate(events)} events/s\n`);
    },
    stop: () => undefined,
  };
}

/** The relation's state as aligned tables: the escalation, each side, the incidents by type, the top contributors. */
export function formatRelation(view: RelationView, request: Pick<ReplayRequest, 'asOf' | 'knownAt'>): string {
  const [a, b] = view.pair;
  const { escalation } = view;
  const when = [
    request.asOf ? `as of ${request.asOf} (${view.at})` : `now (${view.at})`,
    request.knownAt ? `as known at ${request.knownAt}` : 'with everything recorded so far',
  ].join(', ');
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
  const status = (text: string) => text.replace('_', ' ');

  const overview = table(
    [
      ['Score', `${escalation.score} / 100`],
      ['Level', escalation.level],
      ['Trend', `${escalation.trend.direction}, ${signed(escalation.trend.change)} over ${escalation.trend.windowDays} days (was ${escalation.trend.scoreThen})`],
      ['Relations', view.relations],
      ['Pressure', `${escalation.pressure}: standing conditions ${escalation.tension} + momentum ${escalation.momentum} (conflict ${escalation.conflict}, cooperation ${escalation.cooperation})`],
      ['Incidents', `${view.incidentCount}${view.firstIncident ? `, from ${view.firstIncident.occurredOn} to ${view.lastIncident!.occurredOn}` : ''}`],
    ],
    ['left', 'left'],
  );

  const [sideA, sideB] = view.sides;
  const sides = table(
    [
      ['', a, b],
      ['Its ambassador to the other', status(sideA.ambassador), status(sideB.ambassador)],
      ['Expulsions it made', String(sideA.expulsions), String(sideB.expulsions)],
      ['Diplomats it expelled', String(sideA.diplomatsExpelled), String(sideB.diplomatsExpelled)],
      ['…still unanswered', String(sideA.unansweredExpulsions), String(sideB.unansweredExpulsions)],
      ['Sanctions it has in force', sideA.sanctionsInForce.join(', ') || '—', sideB.sanctionsInForce.join(', ') || '—'],
    ],
    ['left', 'left', 'left'],
  );

  const counts = Object.entries(view.countsByType).sort(([x, n], [y, m]) => m - n || x.localeCompare(y));
  const byType = table([['Incidents by type', 'Count'], ...counts.map(([type, n]) => [type, String(n)])], ['left', 'right']);

  const conditions = escalation.conditions.length
    ? table([['Standing conditions', 'Points'], ...escalation.conditions.map((c) => [c.description, c.points.toFixed(1)])], ['left', 'right'])
    : 'Standing conditions: none';

  const contributors = escalation.topContributors.length
    ? table(
        [
          ['Top contributors', 'Points', 'Left', 'Occurred', 'Who', 'Summary'],
          ...escalation.topContributors.map((c) => [
            c.type,
            signed(c.points),
            `${Math.round(c.remaining * 100)}%`,
            c.occurredOn,
            `${c.actor}→${c.target}`,
            truncate(c.summary, 60),
          ]),
        ],
        ['left', 'right', 'right', 'left', 'left', 'left'],
      )
    : 'Top contributors: none';

  return [`${a}–${b}  ${countryName(a)} – ${countryName(b)}`, when, '', overview, '', sides, '', byType, '', conditions, '', contributors].join('\n');
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: string[][], align: ('left' | 'right')[]): string {
  const widths = align.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => {
          const pad = ' '.repeat(widths[column] - [...cell].length);
          return align[column] === 'right' ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runReplay(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`replay: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
