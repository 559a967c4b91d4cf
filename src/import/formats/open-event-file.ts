import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';

export type Compression = 'none' | 'gzip' | 'zip';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** The compression of a file from its first bytes, whatever its name says (GDELT serves .CSV.zip, mirrors re-gzip). */
export async function compressionOf(path: string): Promise<Compression> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    const starts = (magic: number[]) => bytesRead >= magic.length && magic.every((byte, i) => buffer[i] === byte);
    if (starts(GZIP_MAGIC)) return 'gzip';
    if (starts(ZIP_MAGIC)) return 'zip';
    return 'none';
  } finally {
    await handle.close();
  }
}

/**
 * The file's content as a stream of bytes, decompressed on the fly: a .gz through zlib, a .zip's
 * first file entry through yauzl (GDELT's archives hold one CSV). Never the whole file in memory.
 */
export async function openEventFile(path: string): Promise<Readable> {
  const compression = await compressionOf(path);
  if (compression === 'gzip') return createReadStream(path).pipe(createGunzip());
  if (compression === 'zip') return firstZipEntry(path);
  return createReadStream(path);
}

function firstZipEntry(path: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error(`${path}: cannot open the zip archive`));
      zip.on('error', reject);
      zip.on('end', () => reject(new Error(`${path}: the zip archive holds no file`)));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => (streamError || !stream ? reject(streamError) : resolve(stream)));
      });
      zip.readEntry();
    });
  });
}

/** The first line of the decompressed content (at most 64 KiB of it), to detect the format. */
export async function firstLineOf(path: string): Promise<string> {
  const stream = await openEventFile(path);
  let head = '';
  try {
    for await (const chunk of stream) {
      head += (chunk as Buffer).toString('utf8');
      const newline = head.indexOf('\n');
      if (newline >= 0) return head.slice(0, newline);
      if (head.length >= 65_536) break;
    }
    return head;
  } finally {
    stream.destroy();
  }
}
