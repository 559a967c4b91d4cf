import type { Readable } from 'node:stream';
import streamArray from 'stream-json/streamers/stream-array.js';
import streamValues from 'stream-json/streamers/stream-values.js';
import type { ReadRow } from '../coded-event.js';
import { detectFormat } from './detect-format.js';
import type { EventFormat } from './event-format.js';
import { gdeltRow } from './gdelt-rows.js';
import { icewsRow } from './icews-rows.js';
import { lineChunks } from './line-chunks.js';
import { firstLineOf, openEventFile } from './open-event-file.js';
import { ploverRow } from './plover-records.js';

export interface EventFile {
  path: string;
  format: EventFormat;
  /** The rows, a chunk of the file at a time: the importer's loop takes a promise per chunk, not per row. */
  rowChunks(): AsyncIterable<ReadRow[]>;
  rows(): AsyncIterable<ReadRow>;
}

/** Opens an event file: its format from its first line (UnknownFormatError before any row), its rows as a stream. */
export async function readEventFile(path: string): Promise<EventFile> {
  const format = detectFormat(path, await firstLineOf(path));
  const rowChunks = () => rowChunksOf(path, format);
  return { path, format, rowChunks, rows: () => oneByOne(rowChunks()) };
}

async function* oneByOne(chunks: AsyncIterable<ReadRow[]>): AsyncIterable<ReadRow> {
  for await (const chunk of chunks) yield* chunk;
}

async function* rowChunksOf(path: string, format: EventFormat): AsyncIterable<ReadRow[]> {
  const stream = await openEventFile(path);
  if (format === 'plover-json' || format === 'plover-jsonl') {
    for await (const row of jsonRecords(stream, format)) yield [row];
    return;
  }
  let lineNumber = 0;
  for await (const lines of lineChunks(stream)) {
    const rows: ReadRow[] = [];
    for (const line of lines) {
      lineNumber++;
      if (line.length === 0) continue;
      if (format === 'icews') {
        if (lineNumber > 1) rows.push(icewsRow(line, lineNumber));
      } else {
        rows.push(gdeltRow(line, lineNumber, format));
      }
    }
    yield rows;
  }
}

/** Records of a JSON array or of JSON lines, one at a time (stream-json), numbered from 1. */
async function* jsonRecords(stream: Readable, format: 'plover-json' | 'plover-jsonl'): AsyncIterable<ReadRow> {
  const records = stream.pipe(format === 'plover-json' ? streamArray.withParserAsStream() : streamValues.withParserAsStream());
  let recordNumber = 0;
  for await (const item of records as AsyncIterable<{ value: unknown }>) {
    recordNumber++;
    yield ploverRow(item.value, recordNumber);
  }
}
