import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import streamArray from 'stream-json/streamers/stream-array.js';
import streamValues from 'stream-json/streamers/stream-values.js';
import type { ReadRow } from '../coded-event.js';
import { detectFormat } from './detect-format.js';
import type { EventFormat } from './event-format.js';
import { gdeltRow } from './gdelt-rows.js';
import { icewsRow } from './icews-rows.js';
import { firstLineOf, openEventFile } from './open-event-file.js';
import { ploverRow } from './plover-records.js';

export interface EventFile {
  path: string;
  format: EventFormat;
  rows(): AsyncIterable<ReadRow>;
}

/** Opens an event file: its format from its first line (UnknownFormatError before any row), its rows as a stream. */
export async function readEventFile(path: string): Promise<EventFile> {
  const format = detectFormat(path, await firstLineOf(path));
  return { path, format, rows: () => rowsOf(path, format) };
}

async function* rowsOf(path: string, format: EventFormat): AsyncIterable<ReadRow> {
  const stream = await openEventFile(path);
  if (format === 'plover-json' || format === 'plover-jsonl') {
    yield* jsonRecords(stream, format);
    return;
  }
  let lineNumber = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.length === 0) continue;
    if (format === 'icews') {
      if (lineNumber > 1) yield icewsRow(line, lineNumber);
    } else {
      yield gdeltRow(line, lineNumber, format);
    }
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
