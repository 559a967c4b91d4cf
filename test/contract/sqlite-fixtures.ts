import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore, type SqliteEventStoreOptions } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

/** What the SQLite specs (inline writer and writer thread) share: events, temporary files, the contract run. */

export const newEvent = (data: NewEvent['data'] = {}): NewEvent => ({ eventId: randomUUID(), type: 'TestEventRecorded', data });

/** A file path in a fresh temporary directory (under `subdirectory`, which the store must create). */
export function temporaryFile(subdirectory = ''): { file: string; removeDirectory(): void } {
  const directory = mkdtempSync(join(tmpdir(), 'demarche-sqlite-'));
  return { file: join(directory, subdirectory, 'events.db'), removeDirectory: () => rmSync(directory, { recursive: true, force: true }) };
}

/** The shared EventStore contract against a SqliteEventStore on a fresh file, opened with `options`. */
export function sqliteContract(name: string, options: () => Omit<SqliteEventStoreOptions, 'file'> = () => ({})): void {
  eventStoreContract(name, async () => {
    const { file, removeDirectory } = temporaryFile('nested');
    const store = new SqliteEventStore({ file, pollIntervalMs: 20, ...options() });
    return {
      store,
      cleanup: async () => {
        await store.close();
        removeDirectory();
      },
    };
  });
}
