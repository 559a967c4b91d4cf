import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { LOG_PAGE_SIZE, ProjectionRunner } from '../../src/projections/projection-runner.js';
import { loadSnapshot, saveSnapshot } from '../../src/projections/read-model-snapshot.js';
import { READ_MODEL_VERSION } from '../../src/projections/relations.read-model.js';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { freshRebuild } from '../support/fresh-rebuild.js';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The read model is a cache of the log: a rebuild from the log gives the same model as the one
 * kept live, a restart restores the persisted copy and replays only what came after it, and a
 * persisted copy that cannot be trusted is thrown away and rebuilt.
 */

const clock = fixedClock('2023-12-28T12:00:00.000Z');

/** The app on `dir`'s SQLite file, persisting its read model in `dir` as the server does (DATA_DIR). */
const startApp = (dir: string) =>
  startTestApp({ file: join(dir, 'demarche.db'), clock, app: { readModelFile: join(dir, 'read-model.snapshot') } });

const status = async (app: TestApp) => {
  const response = await app.request('GET', '/admin/projections');
  expect(response.status).toBe(200);
  return response.json.projections[0];
};

/** What readers see; a rebuild or a restart must not change a byte of it. */
const VIEWS = [
  '/relations',
  '/relations/AZE/FRA',
  '/relations/AZE/FRA?knownAt=2023-12-28T12:00:00Z',
  '/relations/AZE/FRA?asOf=2023-12-01',
  '/relations/AZE/FRA/timeline?from=2023-09-01&to=2023-12-31',
  '/incidents?limit=500',
];
const views = (app: TestApp) => Promise.all(VIEWS.map(async (path) => (await app.request('GET', path)).text));

async function post(app: TestApp, at: string, path: string, body: Record<string, unknown>) {
  clock.set(at);
  const response = await app.request('POST', path, body);
  expect(response.status).toBe(201);
  return response.json;
}

const report = (overrides: Record<string, unknown>) => ({
  type: 'Accusation',
  actor: 'RUS',
  target: 'EST',
  occurredOn: '2023-12-20',
  summary: 'Moscow accuses Tallinn of discrimination',
  sources: [{ publisher: 'Wire service' }],
  ...overrides,
});

/** The seed story (SEEDS reports), two reports, a correction and a retraction: MIX events. */
const SEEDS = (JSON.parse(readFileSync(new URL('../../seeds/2023-12-azerbaijan-france.json', import.meta.url), 'utf8')) as { incidents: unknown[] }).incidents.length;
/** Events recordAMix writes. */
const MIX = SEEDS + 4;
async function recordAMix(app: TestApp): Promise<void> {
  clock.set('2023-12-28T12:00:00Z');
  await loadSeeds(app.app);
  const expulsion = await post(app, '2023-12-29T09:00:00Z', '/incidents', report({ type: 'DiplomatsExpelled', actor: 'EST', target: 'RUS', details: { diplomats: 1 } }));
  await post(app, '2023-12-29T10:00:00Z', '/incidents', report({ occurredOn: '2023-10-02', summary: 'A late report of an October accusation' }));
  await post(app, '2023-12-29T11:00:00Z', `/incidents/${expulsion.incidentId}/correction`, { occurredOn: '2023-12-18', details: { diplomats: 2 }, reason: 'Two were named' });
  const seedSummons = (await app.request('GET', '/incidents?pair=AZE-FRA&type=AmbassadorSummoned&limit=1')).json.items[0];
  await post(app, '2023-12-29T12:00:00Z', `/incidents/${seedSummons.incidentId}/retraction`, { reason: 'Confused with an earlier summons' });
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'demarche-rebuild-'));
});

afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /admin/projections/rebuild', () => {
  it('rebuilds a read model that hashes and reads the same as the live one, before and after a restart', async () => {
    const first = await startApp(dir);
    await recordAMix(first);
    const live = await status(first);
    const before = await views(first);

    const rebuilt = await first.request('POST', '/admin/projections/rebuild', undefined, { 'content-type': 'application/json' });

    expect(rebuilt.status).toBe(200);
    expect(rebuilt.json).toEqual({
      events: MIX,
      durationMs: expect.any(Number),
      eventsPerSecond: expect.any(Number),
      hash: live.hash,
      checkpoint: live.checkpoint,
    });
    expect(live).toMatchObject({ version: READ_MODEL_VERSION, events: MIX, incidents: SEEDS + 2, checkpoint: String(MIX), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(countEvents(join(dir, 'demarche.db'))).toBe(MIX);
    const afterRebuild = await status(first);
    expect(afterRebuild).toMatchObject({ hash: live.hash, checkpoint: live.checkpoint, lastSnapshot: { checkpoint: live.checkpoint } });
    expect(await views(first)).toEqual(before);

    // Live again after the rebuild: more amendments, then a restart.
    const estonia = (await first.request('GET', '/incidents?pair=EST-RUS&type=Accusation')).json.items[0];
    await post(first, '2023-12-30T09:00:00Z', `/incidents/${estonia.incidentId}/retraction`, { reason: 'Withdrawn by the agency' });
    await post(first, '2023-12-30T10:00:00Z', '/incidents', report({ type: 'AmbassadorSummoned', actor: 'EST', target: 'RUS', occurredOn: '2023-12-30' }));
    const liveAgain = await status(first);
    const beforeRestart = await views(first);
    await first.close();

    const second = await startApp(dir);
    try {
      const restarted = await status(second);
      const rebuiltAgain = await second.request('POST', '/admin/projections/rebuild', undefined, { 'content-type': 'application/json' });

      expect(liveAgain.hash).not.toBe(live.hash);
      expect(restarted).toMatchObject({ hash: liveAgain.hash, checkpoint: String(MIX + 2), events: MIX + 2 });
      expect(await views(second)).toEqual(beforeRestart);
      expect(rebuiltAgain.json).toMatchObject({ events: MIX + 2, hash: liveAgain.hash, checkpoint: String(MIX + 2) });
    } finally {
      await second.close();
    }
  });
});

describe('a rebuild while the app is live', () => {
  it('keeps serving and following the log meanwhile, and swaps in a model that announced every event exactly once', async () => {
    const app = await startApp(dir);
    try {
      await recordAMix(app);
      const runner = app.app.get(ProjectionRunner);
      const announced: string[] = [];
      const subscription = runner.updates$.subscribe((update) => announced.push(update.position));
      // Hold the rebuild's first page (the runner reads LOG_PAGE_SIZE events a page; the live subscription fewer).
      const store = app.app.get<EventStore>(EVENT_STORE);
      const readAll = store.readAll.bind(store);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      jest.spyOn(store, 'readAll').mockImplementation(async (after, limit) => {
        if (limit === LOG_PAGE_SIZE) await held;
        return readAll(after, limit);
      });

      const rebuilding = app.request('POST', '/admin/projections/rebuild', undefined, { 'content-type': 'application/json' });
      const during = await post(app, '2023-12-30T09:00:00Z', '/incidents', report({ actor: 'LVA', target: 'RUS', summary: 'Riga accuses Moscow' }));
      const servedDuring = await app.request('GET', '/relations/LVA/RUS');
      release();
      const rebuilt = await rebuilding;
      const after = await post(app, '2023-12-30T10:00:00Z', '/incidents', report({ actor: 'LTU', target: 'RUS', summary: 'Vilnius accuses Moscow' }));
      subscription.unsubscribe();
      const fromScratch = await freshRebuild(join(dir, 'demarche.db'));

      expect(servedDuring.status).toBe(200);
      expect(servedDuring.json.incidentCount).toBe(1);
      expect(rebuilt.json).toMatchObject({ events: MIX + 1, checkpoint: during.position });
      expect(announced).toEqual([during.position, after.position]);
      expect(await status(app)).toMatchObject({ hash: fromScratch.hash, checkpoint: after.position, events: MIX + 2 });
      expect((await app.request('GET', '/relations/LTU/RUS')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('restarting', () => {
  it('restores the persisted read model and replays nothing from the log', async () => {
    const first = await startApp(dir);
    await recordAMix(first);
    const { hash } = await status(first);
    const before = await views(first);
    await first.close();
    const persisted = loadSnapshot(join(dir, 'read-model.snapshot'))!;
    const logLines: string[] = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation(function (this: Logger, message: unknown) {
      logLines.push(String(message));
    });

    const second = await startApp(dir);
    try {
      expect(persisted).toMatchObject({ version: READ_MODEL_VERSION, log: { checkpoint: { position: String(MIX) } } });
      expect(Object.fromEntries(persisted.parts as [string, unknown][])).toMatchObject({ events: MIX });
      expect(logLines).toContainEqual(expect.stringMatching(new RegExp(`^Read model ready: ${MIX} events restored from the snapshot, 0 replayed from the log`)));
      // Nothing was replayed, so nothing new was persisted: the snapshot in use is the one the first run saved.
      expect(await status(second)).toMatchObject({ hash, checkpoint: String(MIX), lastSnapshot: { checkpoint: String(MIX), savedAt: persisted.savedAt } });
      expect(await views(second)).toEqual(before);
    } finally {
      await second.close();
    }
  });

  it('replays only the events appended after the snapshot', async () => {
    const first = await startApp(dir);
    await recordAMix(first);
    await first.close();
    // Another process without a persisted read model appends two events while this one is down.
    const other = await startTestApp({ file: join(dir, 'demarche.db'), clock });
    await other.request('POST', '/incidents', report({ actor: 'EST', target: 'RUS', summary: 'Tallinn accuses Moscow' }));
    await other.request('POST', '/incidents', report({ actor: 'LVA', target: 'RUS', summary: 'Riga accuses Moscow' }));
    await other.close();
    const { hash: expected } = await freshRebuild(join(dir, 'demarche.db'));

    const { outcome, status: restarted } = await startRunner();

    expect(outcome).toMatchObject({ restored: MIX, replayed: 2 });
    expect(restarted).toMatchObject({ hash: expected, checkpoint: String(MIX + 2), lastSnapshot: { checkpoint: String(MIX + 2) } });
    expect(loadSnapshot(join(dir, 'read-model.snapshot'))).toMatchObject({ log: { checkpoint: { position: String(MIX + 2) } }, parts: expect.arrayContaining([['events', MIX + 2]]) });
  });

  const untrustworthy: { name: string; spoil(snapshotFile: string): void }[] = [
    {
      name: 'written by another version of the read-model code',
      spoil(file) {
        // Stale and incomplete: were it used, the model would be missing most of its columns.
        const snapshot = loadSnapshot(file)!;
        saveSnapshot(file, { ...snapshot, version: READ_MODEL_VERSION - 1, parts: snapshot.parts.slice(0, 3) });
      },
    },
    {
      name: 'taken from another log',
      spoil(file) {
        const snapshot = loadSnapshot(file)!;
        saveSnapshot(file, { ...snapshot, log: { ...snapshot.log, first: { eventId: '00000000-0000-4000-8000-000000000000', position: '1' } }, parts: snapshot.parts.slice(0, 3) });
      },
    },
    { name: 'that cannot be read', spoil: (file) => writeFileSync(file, 'not a snapshot') },
    {
      name: 'cut short after its header (a damaged disk)',
      spoil(file) {
        const snapshot = loadSnapshot(file)!;
        saveSnapshot(file, snapshot);
        truncateSync(file, statSync(file).size - 100);
      },
    },
  ];

  it.each(untrustworthy)('ignores a snapshot $name, rebuilds from the log and hashes the same', async ({ spoil }) => {
    const first = await startApp(dir);
    await recordAMix(first);
    const { hash, checkpoint } = await status(first);
    const before = await views(first);
    await first.close();
    spoil(join(dir, 'read-model.snapshot'));

    const { outcome, status: restarted } = await startRunner();
    const second = await startApp(dir);
    try {
      expect(outcome).toMatchObject({ restored: 0, replayed: MIX });
      expect(restarted).toMatchObject({ hash, checkpoint, version: READ_MODEL_VERSION });
      // The replacement is persisted, so the next start restores it.
      expect(loadSnapshot(join(dir, 'read-model.snapshot'))).toMatchObject({ version: READ_MODEL_VERSION, log: { checkpoint: { position: checkpoint } } });
      expect(await status(second)).toMatchObject({ hash, checkpoint });
      expect(await views(second)).toEqual(before);
    } finally {
      await second.close();
    }
  });
});

/** A ProjectionRunner on `dir`, started as the app starts it; returns what start() reported and its status. */
async function startRunner() {
  const store = new SqliteEventStore({ file: join(dir, 'demarche.db') });
  const runner = new ProjectionRunner(store, join(dir, 'read-model.snapshot'));
  try {
    const outcome = await runner.start();
    return { outcome, status: runner.status() };
  } finally {
    await runner.onApplicationShutdown();
    await store.close();
  }
}
