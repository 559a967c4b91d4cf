import { UnknownFormatError, type EventFormat } from './event-format.js';

/** ICEWS files open with this header (Harvard Dataverse release, 20 columns). */
const ICEWS_HEADER = /^Event ID\tEvent Date\tSource Name\t/;

/**
 * The format of an event file from its first line (text already decompressed): JSON by its first
 * character, ICEWS by its header, GDELT by its number of tab-separated columns — 61 for 2.0
 * exports, 57 (historical backfile) or 58 (daily files, with SOURCEURL) for 1.0, per the GDELT
 * codebooks. The file name is only used in the error.
 */
export function detectFormat(file: string, firstLine: string): EventFormat {
  const line = firstLine.replace(/^\uFEFF/, '').replace(/\r$/, '');
  const trimmed = line.trimStart();
  if (trimmed.startsWith('[')) return 'plover-json';
  if (trimmed.startsWith('{')) return 'plover-jsonl';
  if (ICEWS_HEADER.test(line)) return 'icews';
  const columns = line.split('\t').length;
  if (columns === 61) return 'gdelt2';
  if (columns === 57 || columns === 58) return 'gdelt1';
  if (line.length === 0) throw new UnknownFormatError(file, 'the file is empty');
  throw new UnknownFormatError(file, columns > 1 ? `${columns} tab-separated columns in the first line` : 'the first line is neither JSON nor tab-separated');
}
