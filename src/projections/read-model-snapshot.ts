import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/**
 * A persisted copy of the read model with the log position it reflects, so a restart replays
 * only what came after. It is a cache of the log: anything odd about it means "rebuild".
 *
 * On disk it is a sequence of length-prefixed v8-serialised frames: the header, the read model's
 * parts (mostly typed arrays, about 70 MB per million incidents), and a trailer with their count.
 * So a snapshot of another version or log is turned down from its header alone, and a truncated
 * file is noticed.
 */
export interface SnapshotHeader {
  version: number;
  /** Id of the first event of the log, so a snapshot is never applied to another store. */
  logFingerprint: string;
  checkpoint: string;
  savedAt: string;
}

export interface ReadModelSnapshot extends SnapshotHeader {
  parts: unknown[];
}

const LENGTH_BYTES = 4;

/**
 * The snapshot's header, and a reader of its parts (which throws if the file turns out to be
 * damaged); undefined when there is no readable snapshot.
 */
export function openSnapshot(file: string): { header: SnapshotHeader; parts(): unknown[] } | undefined {
  let header: unknown;
  try {
    header = withFrames(file, (next) => next());
  } catch {
    return undefined;
  }
  if (!isHeader(header)) return undefined;
  return { header, parts: () => partsOf(file) };
}

/** The whole snapshot (for tools and tests; the runner checks the header before reading the parts). */
export function loadSnapshot(file: string): ReadModelSnapshot | undefined {
  const snapshot = openSnapshot(file);
  if (!snapshot) return undefined;
  try {
    return { ...snapshot.header, parts: snapshot.parts() };
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed, so a crash mid-write leaves the previous snapshot intact. */
export function saveSnapshot(file: string, snapshot: SnapshotHeader & { parts: Iterable<unknown> }): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const { parts, ...header } = snapshot;
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeFrame(fd, header);
      let count = 0;
      for (const part of parts) {
        writeFrame(fd, { part });
        count++;
      }
      writeFrame(fd, { count });
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function partsOf(file: string): unknown[] {
  return withFrames(file, (next) => {
    next(); // the header
    const parts: unknown[] = [];
    for (let frame = next(); ; frame = next()) {
      if (frame === undefined) throw new Error('the snapshot ends before its trailer');
      if (typeof frame === 'object' && frame !== null && 'part' in frame) {
        parts.push(frame.part);
        continue;
      }
      if ((frame as { count?: unknown }).count !== parts.length) throw new Error('the snapshot does not hold the parts its trailer counts');
      return parts;
    }
  });
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
