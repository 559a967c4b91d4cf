import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';

/** A column of an export: its header and how to read the cell from a row. */
export interface CsvColumn<Row> {
  header: string;
  cell(row: Row): string | number | boolean | null | undefined;
}

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"): a cell
 * starting with one gets a leading apostrophe, which Excel, LibreOffice and Sheets show as text.
 * Numbers are written as numbers, so a score of -4.5 stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCell(value: string | number | boolean | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, quote or line break. */
export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  return stringify(
    rows.map((row) => columns.map((column) => safeCell(column.cell(row)))),
    { header: true, columns: columns.map((column) => column.header), record_delimiter: 'windows', quoted_match: QUOTED },
  );
}

const QUOTED = /^\s|\s$/;
/** Text gathered before it is handed on, as streamed JSON lists gather theirs. */
const CSV_CHUNK_CHARS = 64 * 1024;

/**
 * toCsv's text, byte for byte, in pieces of about 64 KB, each row written as it is read: the export
 * of every pair of a large store without the whole of it in memory. Quoting is decided per field,
 * so a row written alone is the row written among the others.
 */
export async function* csvChunks<Row>(columns: readonly CsvColumn<Row>[], rows: AsyncIterable<Row>): AsyncGenerator<string> {
  const options = { columns: columns.map((column) => column.header), record_delimiter: 'windows', quoted_match: QUOTED } as const;
  let pending = stringify([], { ...options, header: true });
  for await (const row of rows) {
    pending += stringify([columns.map((column) => safeCell(column.cell(row)))], { ...options, header: false });
    if (pending.length >= CSV_CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  yield pending;
}

/** `?format=csv`, or an Accept header that prefers text/csv to JSON. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.findIndex((type) => type === 'application/json' || type === 'application/*' || type === '*/*');
  return csv >= 0 && (json < 0 || csv < json);
}

/** Sends a CSV body as a download named `filename`. */
export function sendCsv(reply: FastifyReply, filename: string, csv: string): string {
  csvHeaders(reply, filename);
  return csv;
}

/** The headers of a CSV export named `filename`, whether its text is sent whole or as it is written. */
export function csvHeaders(reply: FastifyReply, filename: string): void {
  reply
    .header('content-type', 'text/csv; charset=utf-8; header=present')
    .header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
}

export const EXPORT_FORMATS = ['json', 'csv'] as const;
/** How a `format` query parameter that offers CSV describes itself in the API document. */
export const FORMAT_DESCRIPTION = 'csv: RFC 4180 CSV with a header row (as does Accept: text/csv)';
