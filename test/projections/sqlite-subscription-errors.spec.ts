import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { sleep, waitFor } from '../support/wait.js';

/**
 * What the projection runner relies on to resubscribe: the SQLite subscription reports, through
 * onError, a read of the file that fails while it polls, and reports nothing once it was closed.
 */

let dir: string;
let store: SqliteEventStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'demarche-subscription-errors-'));
  store = new SqliteEventStore({ file: join(dir, 'demarche.db'), pollIntervalMs: 20 });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = () => ({ eventId: randomUUID(), type: 'TestEventRecorded', data: {} });

it('reports a read that fails while it polls (a row another process wrote that does not parse) and delivers nothing more', async () => {
  await store.append('s-1', [event()], 'no_stream');
  const delivered: StoredEvent[] = [];
  const errors: unknown[] = [];
  store.subscribeToAll({ after: null, onEvent: (e) => void delivered.push(e), onError: (error) => void errors.push(error) });
  await waitFor(() => delivered.length === 1, 'the first event');

  const other = new Database(join(dir, 'demarche.db'));
  other.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, 0, ?, ?, ?, ?)').run('import-1', randomUUID(), 'ImportNote', '{"cut', '{}');
  other.close();
  await waitFor(() => errors.length > 0, 'onError');
  await store.append('s-1', [event()], 0);
  await sleep(100);

  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(SyntaxError);
  expect(delivered).toHaveLength(1);
});

it('reports nothing after close(), even when the handler it was awaiting then fails', async () => {
  await store.append('s-1', [event()], 'no_stream');
  const errors: unknown[] = [];
  let fail!: (error: Error) => void;
  let handed = false;
  const subscription = store.subscribeToAll({
    after: null,
    onEvent: () => {
      handed = true;
      return new Promise<void>((_, reject) => (fail = reject));
    },
    onError: (error) => void errors.push(error),
  });
  await waitFor(() => handed, 'the event handed over');

  const closing = subscription.close();
  fail(new Error('the handler failed while the subscription was closing'));
  await closing;
  await sleep(50);

  expect(errors).toEqual([]);
});
