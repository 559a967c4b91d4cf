import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { StoredEvent } from '../event-store/event-store.port.js';

/**
 * A persisted copy of the read model with the log position it reflects, so a restart replays
 * only what came after. It is a cache of the log: anything odd about it means "rebuild".
 */
export interface ReadModelSnapshot {
  version: number;
  /** Id of the first event of the log, so a snapshot is never applied to another store. */
  logFingerprint: string;
  checkpoint: string;
  savedAt: string;
  events: StoredEvent[];
}

export function loadSnapshot(file: string): ReadModelSnapshot | undefined {
  try {
    const snapshot = deserialize(readFileSync(file)) as ReadModelSnapshot;
    return typeof snapshot?.version === 'number' && Array.isArray(snapshot.events) ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed, so a crash mid-write leaves the previous snapshot intact. */
export function saveSnapshot(file: string, snapshot: ReadModelSnapshot): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, serialize(snapshot));
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
