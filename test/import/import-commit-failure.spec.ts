import { jest } from '@jest/globals';
import type { Clock } from '../../src/clock.js';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, StoredEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { EventImporter } from '../../src/import/event-importer.js';
import type { IncidentDirectory } from '../../src/incidents/incident-directory.port.js';
import { RelationCommandHandler } from '../../src/incidents/relation-command-handler.js';
import { UuidV7Generator } from '../../src/incidents/uuid-v7.js';
import { temporaryFile } from '../contract/sqlite-fixtures.js';
import { sleep } from '../support/wait.js';

/**
 * The importer decides a batch while the one before it commits. When that commit fails, what was
 * decided on it must vanish: the import fails with the store's error, nothing decided after the
 * failure is appended, and the handler — which the API shares — remembers only what is durable,
 * so importing again with the store healthy ends exactly as one clean run. On a real SQLite file,
 * through a store that fails one append of its choosing.
 */

const SAMPLE = 'test/fixtures/import/gdelt2-sample.CSV';
const BATCH_ROWS = 10;
const FAILING_APPEND = 6;
const clock: Clock = { now: () => new Date('2026-01-05T10:00:00.000Z') };
const noDirectory: IncidentDirectory = { streamOfIncident: () => undefined, streamOfEvent: () => undefined };

/** The real store, except that its `failing`th append is refused (after a pause, as a slow failing commit would be). */
class StoreFailingOneAppend implements EventStore {
  appends = 0;
  failing: number | undefined;
  /** Set once the failing append has been answered. */
  failedAt: { decisionsBefore: number; decisionsWhenFailed: number } | undefined;
  appendsAfterFailure = 0;

  constructor(
    readonly real: SqliteEventStore,
    private readonly decisions: () => number,
  ) {}

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const number = ++this.appends;
    if (this.failedAt) this.appendsAfterFailure++;
    if (number !== this.failing) return this.real.append(streamId, events, expectedRevision);
    const decisionsBefore = this.decisions();
    // Long enough for the importer to read and decide the next batch meanwhile.
    await sleep(200);
    this.failedAt = { decisionsBefore, decisionsWhenFailed: this.decisions() };
    throw new Error('disk I/O error (injected)');
  }

  readStream = (streamId: string, fromRevision?: number, maxCount?: number) => this.real.readStream(streamId, fromRevision, maxCount);
  readAll = (after: string | null, limit: number) => this.real.readAll(after, limit);
  subscribeToAll: EventStore['subscribeToAll'] = (options) => this.real.subscribeToAll(options);
  comparePositions = (a: string, b: string) => this.real.comparePositions(a, b);
  isPosition = (value: string) => this.real.isPosition(value);
  close = () => this.real.close();
}

const opened: { store: EventStore; removeDirectory(): void }[] = [];

afterEach(async () => {
  for (const { store, removeDirectory } of opened.splice(0)) {
    await store.close();
    removeDirectory();
  }
});

function importerOn(makeStore: (real: SqliteEventStore, decisions: () => number) => EventStore) {
  const { file, removeDirectory } = temporaryFile();
  const real = new SqliteEventStore({ file, pollIntervalMs: 20 });
  let handler: RelationCommandHandler | undefined;
  const decideBatch = () => handler!.decideBatch as unknown as jest.Mock;
  const store = makeStore(real, () => decideBatch().mock.calls.length);
  handler = new RelationCommandHandler(store, noDirectory, new UuidV7Generator());
  jest.spyOn(handler, 'decideBatch');
  opened.push({ store, removeDirectory });
  return { store, real, handler, importer: new EventImporter(handler, clock) };
}

async function allEvents(store: EventStore): Promise<StoredEvent[]> {
  return (await store.readAll(null, 100_000)).events;
}

/** Every stream's events in order: what a clean run and a failed-then-repeated run must agree on. */
function byStream(events: StoredEvent[]): Record<string, string[]> {
  const streams: Record<string, string[]> = {};
  for (const event of events) (streams[event.streamId] ??= [])[event.revision] = `${event.eventId} ${event.type} ${JSON.stringify(event.data)}`;
  return streams;
}

it('fails with the commit error, appends nothing decided after it, and remembers only durable state', async () => {
  const clean = importerOn((real) => real);
  await clean.importer.importFile(SAMPLE, { batchRows: BATCH_ROWS });
  const cleanRun = byStream(await allEvents(clean.store));

  const failing = importerOn((real, decisions) => new StoreFailingOneAppend(real, decisions));
  const store = failing.store as StoreFailingOneAppend;
  store.failing = FAILING_APPEND;
  const committed: string[][] = [];
  const real = store.real;
  const append = real.append.bind(real);
  jest.spyOn(real, 'append').mockImplementation(async (streamId, events, expected) => {
    const result = await append(streamId, events, expected);
    committed.push(result.events.map((event) => event.eventId));
    return result;
  });

  await expect(failing.importer.importFile(SAMPLE, { batchRows: BATCH_ROWS })).rejects.toThrow('disk I/O error (injected)');

  // The next batch was decided while the failing one committed…
  expect(store.failedAt!.decisionsWhenFailed).toBeGreaterThan(store.failedAt!.decisionsBefore);
  // …and nothing was appended after the failure; the log holds exactly the appends that were answered.
  expect(store.appendsAfterFailure).toBe(0);
  const logged = await allEvents(store);
  expect(logged.map((event) => event.eventId).sort()).toEqual(committed.flat().sort());
  expect(logged.length).toBeLessThan(Object.values(cleanRun).flat().length);

  // The same handler (its cache is what the API would decide on) with the store healthy again:
  // had it kept any decision of the discarded batch, those rows would count as recorded and be missing.
  store.failing = undefined;
  const again = await failing.importer.importFile(SAMPLE, { batchRows: BATCH_ROWS });
  expect(again.alreadyRecorded).toBe(logged.length);
  expect(byStream(await allEvents(store))).toEqual(cleanRun);
});
