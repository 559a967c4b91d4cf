import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { loadSnapshot } from '../../src/projections/read-model-snapshot.js';

/**
 * A snapshot records the log's first event. A store may answer a page with no events before the
 * end of the log (EventStoreDB leaves out its own `$` records, a bounded number per read): the
 * runner must look further rather than take the log for empty and never persist.
 */

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'demarche-log-identity-'));
  Logger.overrideLogger(false);
});

afterEach(() => {
  jest.restoreAllMocks();
  Logger.overrideLogger(['log', 'warn', 'error']);
  rmSync(dir, { recursive: true, force: true });
});

it('finds the first event past pages that hold none, so the read model is persisted with it and restored', async () => {
  const store = new SqliteEventStore({ file: join(dir, 'demarche.db') });
  const snapshotFile = join(dir, 'read-model.snapshot');
  const [first] = (await store.append('import-1', [{ eventId: randomUUID(), type: 'TestEventRecorded', data: {} }], 'no_stream')).events;
  await store.append('import-1', [{ eventId: randomUUID(), type: 'TestEventRecorded', data: {} }], 0);
  // The first page of the log holds only the store's own records: no events, but more to read.
  const readAll = store.readAll.bind(store);
  jest.spyOn(store, 'readAll').mockImplementation(async (after, limit) => (after === null ? { events: [], next: '0' } : readAll(after, limit)));
  try {
    const runner = new ProjectionRunner(store, snapshotFile);
    await runner.start();
    await runner.onApplicationShutdown();
    const restarted = new ProjectionRunner(store, snapshotFile);
    const outcome = await restarted.start();
    await restarted.onApplicationShutdown();

    expect(loadSnapshot(snapshotFile)).toMatchObject({ log: { first: { eventId: first.eventId, position: first.position }, checkpoint: { position: '2' } } });
    expect(outcome).toMatchObject({ replayed: 0 });
    expect(restarted.position).toBe('2');
  } finally {
    await store.close();
  }
});
