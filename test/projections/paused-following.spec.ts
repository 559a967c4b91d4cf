import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { JsonObject } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner, type ReadModelUpdate } from '../../src/projections/projection-runner.js';
import { loadSnapshot } from '../../src/projections/read-model-snapshot.js';
import { temporaryFile } from '../contract/sqlite-fixtures.js';
import { anIncident } from '../domain/decider-harness.js';
import { freshRebuild } from '../support/fresh-rebuild.js';
import { sleep, waitFor } from '../support/wait.js';

/**
 * `npm run import` pauses its read model while it appends (it serves nothing meanwhile) and the
 * benchmark catches it up once at the end: a paused model must not move, must catch up with
 * everything appended meanwhile exactly once, and must then follow again; a snapshot saved while
 * paused must hold the paused checkpoint, which the next start catches up from. Since the eleventh
 * pass the CLI starts it paused and empty (startPaused): nothing read, nothing saved.
 */

const STREAM = 'relation-AZE-FRA';
let store: SqliteEventStore;
let file: string;
let removeDirectory: () => void;
let revision = -1;

beforeEach(() => {
  ({ file, removeDirectory } = temporaryFile());
  store = new SqliteEventStore({ file, pollIntervalMs: 10 });
  revision = -1;
  Logger.overrideLogger(false);
});

afterEach(async () => {
  await store.close();
  Logger.overrideLogger(['log', 'warn', 'error']);
  removeDirectory();
});

/** Appends `count` accusations of FRA by AZE on consecutive days; returns the last position. */
async function appendIncidents(count: number, fromDay: number): Promise<string> {
  const events = Array.from({ length: count }, (_, i) => {
    const event = anIncident('Accusation', { incidentId: randomUUID(), occurredOn: `2024-01-${String(fromDay + i).padStart(2, '0')}` });
    return { eventId: randomUUID(), type: event.type, data: event.data as unknown as JsonObject };
  });
  const appended = await store.append(STREAM, events, revision < 0 ? 'no_stream' : revision);
  revision = appended.events.at(-1)!.revision;
  return appended.events.at(-1)!.position;
}

it('stays at its checkpoint while paused, applies the rest once on resuming, announces each, then follows again', async () => {
  const runner = new ProjectionRunner(store);
  const updates: ReadModelUpdate[] = [];
  runner.updates$.subscribe((update) => updates.push(update));
  try {
    const before = await appendIncidents(2, 1);
    await runner.start();
    await runner.pauseFollowing();
    await appendIncidents(3, 3);
    // Several of the store's poll intervals: a following model would have applied them.
    await sleep(100);
    expect(runner.position).toBe(before);
    expect(runner.status().incidents).toBe(2);

    const during = await appendIncidents(1, 6);
    expect(await runner.resumeFollowing()).toBe(4);
    expect(runner.position).toBe(during);
    expect(updates.map((update) => update.position)).toEqual(['3', '4', '5', '6']);

    const after = await appendIncidents(1, 7);
    expect(await runner.waitFor(after, 5_000)).toBe(true);
    expect(updates).toHaveLength(5);
    expect(runner.status().hash).toBe((await freshRebuild(file)).hash);
  } finally {
    await runner.onApplicationShutdown();
  }
});

it('saves the paused checkpoint at shutdown, and the next start catches up with the log that grew under it', async () => {
  const snapshotFile = join(file, '..', 'read-model.snapshot');
  const paused = new ProjectionRunner(store, snapshotFile);
  const checkpoint = await appendIncidents(2, 1);
  await paused.start();
  await paused.pauseFollowing();
  const end = await appendIncidents(5, 3);
  await paused.onApplicationShutdown();
  expect(loadSnapshot(snapshotFile)).toMatchObject({ log: { checkpoint: { position: checkpoint } } });

  const next = new ProjectionRunner(store, snapshotFile);
  try {
    const outcome = await next.start();
    expect(outcome).toMatchObject({ restored: 2, replayed: 5 });
    expect(next.position).toBe(end);
    expect(next.status().hash).toBe((await freshRebuild(file)).hash);
  } finally {
    await next.onApplicationShutdown();
  }
});

it('a rebuild asked for while paused stays paused at the checkpoint it reached', async () => {
  const runner = new ProjectionRunner(store);
  try {
    await appendIncidents(2, 1);
    await runner.start();
    await runner.pauseFollowing();
    const checkpoint = runner.position;
    await appendIncidents(2, 3);
    await runner.rebuild();
    await sleep(100);
    expect(runner.position).toBe(checkpoint);
    await runner.resumeFollowing();
    await waitFor(() => runner.status().incidents === 4, 'the resumed model to apply all four incidents');
  } finally {
    await runner.onApplicationShutdown();
  }
});

it('started paused, as `npm run import` starts it, holds and saves nothing: the snapshot on disk stays, and the next start catches up from it', async () => {
  const snapshotFile = join(file, '..', 'read-model.snapshot');
  const server = new ProjectionRunner(store, snapshotFile);
  await appendIncidents(2, 1);
  await server.start();
  await server.onApplicationShutdown();
  const saved = readFileSync(snapshotFile);

  const importing = new ProjectionRunner(store, snapshotFile);
  importing.startPaused();
  await appendIncidents(3, 3);
  const end = await appendIncidents(2, 6);
  await sleep(100);
  expect(importing.position).toBeNull();
  expect(importing.status().incidents).toBe(0);
  await importing.onApplicationShutdown();
  expect(readFileSync(snapshotFile).equals(saved)).toBe(true);

  const next = new ProjectionRunner(store, snapshotFile);
  try {
    expect(await next.start()).toMatchObject({ restored: 2, replayed: 5 });
    expect(next.position).toBe(end);
    expect(next.status().hash).toBe((await freshRebuild(file)).hash);
  } finally {
    await next.onApplicationShutdown();
  }
});
