import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { StoredEvent } from '../event-store/event-store.port.js';

/**
 * A persisted copy of the read model with the log position it reflects, so a restart replays
 * only what came after. It is a cache of the log: anything odd about it means "rebuild".
 *
 * On disk it is a sequence of length-prefixed v8-serialised frames: the header, the events a few
 * thousand at a time, and a trailer with their count. So neither saving nor restoring holds the
 * whole file in memory (about 0.6 GB per million events), a snapshot of another version or log
 * is turned down from its header alone, and a truncated file is noticed.
 */
export interface SnapshotHeader {
  version: number;
  /** Id of the first event of the log, so a snapshot is never applied to another store. */
  logFingerprint: string;
  checkpoint: string;
  savedAt: string;
}

export interface ReadModelSnapshot extends SnapshotHeader {
  events: StoredEvent[];
}

const EVENTS_PER_FRAME = 10_000;
const LENGTH_BYTES = 4;

/**
 * The snapshot's header, and a one-pass reader of its events (which throws if the file turns out
 * to be damaged); undefined when there is no readable snapshot.
 */
export function openSnapshot(file: string): { header: SnapshotHeader; events(): Generator<StoredEvent> } | undefined {
  let header: unknown;
  try {
    header = withFrames(file, (next) => next());
  } catch {
    return undefined;
  }
  if (!isHeader(header)) return undefined;
  return { header, events: () => eventsOf(file) };
}

/** The whole snapshot in memory (for tools and tests; the runner streams it with openSnapshot). */
export function loadSnapshot(file: string): ReadModelSnapshot | undefined {
  const snapshot = openSnapshot(file);
  if (!snapshot) return undefined;
  try {
    return { ...snapshot.header, events: [...snapshot.events()] };
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed, so a crash mid-write leaves the previous snapshot intact. */
export function saveSnapshot(file: string, snapshot: SnapshotHeader & { events: Iterable<StoredEvent> }): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const { events, ...header } = snapshot;
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeFrame(fd, header);
      let frame: StoredEvent[] = [];
      let count = 0;
      for (const event of events) {
        frame.push(event);
        count++;
        if (frame.length === EVENTS_PER_FRAME) {
          writeFrame(fd, frame);
          frame = [];
        }
      }
      if (frame.length > 0) writeFrame(fd, frame);
      writeFrame(fd, { count });
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function* eventsOf(file: string): Generator<StoredEvent> {
  const fd = openSync(file, 'r');
  try {
    const next = frameReader(fd);
    next(); // the header
    let count = 0;
    for (let frame = next(); ; frame = next()) {
      if (frame === undefined) throw new Error('the snapshot ends before its trailer');
      if (!Array.isArray(frame)) {
        if ((frame as { count?: unknown }).count !== count) throw new Error('the snapshot does not hold the events its trailer counts');
        return;
      }
      count += frame.length;
      yield* frame as StoredEvent[];
    }
  } finally {
    closeSync(fd);
  }
}

function withFrames<T>(file: string, read: (next: () => unknown) => T): T {
  const fd = openSync(file, 'r');
  try {
    return read(frameReader(fd));
  } finally {
    closeSync(fd);
  }
}

/** Reads the frames of `fd` one by one; undefined at the end of the file; throws on a damaged frame. */
function frameReader(fd: number): () => unknown {
  const size = fstatSync(fd).size;
  let offset = 0;
  const lengthBuffer = Buffer.alloc(LENGTH_BYTES);
  return () => {
    if (offset === size) return undefined;
    if (readSync(fd, lengthBuffer, 0, LENGTH_BYTES, offset) !== LENGTH_BYTES) throw new Error('truncated frame length');
    const length = lengthBuffer.readUInt32LE(0);
    if (offset + LENGTH_BYTES + length > size) throw new Error('truncated frame');
    const payload = Buffer.allocUnsafe(length);
    if (readSync(fd, payload, 0, length, offset + LENGTH_BYTES) !== length) throw new Error('truncated frame');
    offset += LENGTH_BYTES + length;
    return deserialize(payload);
  };
}

function writeFrame(fd: number, value: unknown): void {
  const payload = serialize(value);
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32LE(payload.length, 0);
  writeSync(fd, length);
  writeSync(fd, payload);
}

function isHeader(value: unknown): value is SnapshotHeader {
  const header = value as Partial<SnapshotHeader> | undefined;
  return (
    typeof header?.version === 'number' &&
    typeof header.logFingerprint === 'string' &&
    typeof header.checkpoint === 'string' &&
    typeof header.savedAt === 'string'
  );
}
