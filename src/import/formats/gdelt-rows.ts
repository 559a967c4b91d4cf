import { MalformedRow, type CodedEventRow, type ReadRow } from '../coded-event.js';
import { TabCells } from './tab-cells.js';

/**
 * Columns of a GDELT event record (GDELT Event Codebook V2.0, 2015, and V1.03, 2013): the first
 * 35 are the same in both; 2.0 adds ADM2Code to each of the three geography blocks, so the
 * trailing DATEADDED and SOURCEURL move from 56/57 to 59/60.
 */
const COLUMN = {
  globalEventId: 0,
  sqlDate: 1,
  actor1CountryCode: 7,
  actor2CountryCode: 17,
  eventCode: 26,
} as const;

const SOURCE_URL = { gdelt2: 60, gdelt1: 57 } as const;
const EXPECTED_COLUMNS = { gdelt2: [61], gdelt1: [57, 58] } as const;

/**
 * The cells' patterns, made once: a regular expression literal is a new object each time it is
 * evaluated, and four per line were about half of what reading a GDELT row allocated.
 */
const DIGITS = /^\d+$/;
const SQL_DATE = /^\d{8}$/;
const CAMEO_CODE = /^\d{2,4}$/;
const WEB_URL = /^https?:\/\//;

/** Reused for every line: rows are read one at a time. */
const cells = new TabCells();

/** YYYYMMDD → YYYY-MM-DD, one string per day shared by every row of that day (incidents keep it). */
const days = new Map<string, string>();

function isoDay(date: string): string {
  let day = days.get(date);
  if (day === undefined) {
    if (days.size >= 100_000) days.clear();
    days.set(date, (day = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`));
  }
  return day;
}

/** One GDELT line as a coded row, or why it cannot be read. */
export function gdeltRow(line: string, lineNumber: number, version: 'gdelt1' | 'gdelt2'): ReadRow {
  cells.read(line);
  const expected: readonly number[] = EXPECTED_COLUMNS[version];
  if (!expected.includes(cells.count)) return new MalformedRow(lineNumber, `${cells.count} columns, expected ${expected.join(' or ')}`);
  const id = cells.cell(COLUMN.globalEventId);
  const date = cells.cell(COLUMN.sqlDate);
  const cameo = cells.cell(COLUMN.eventCode);
  if (!DIGITS.test(id)) return new MalformedRow(lineNumber, `GLOBALEVENTID "${id}" is not a number`);
  if (!SQL_DATE.test(date)) return new MalformedRow(lineNumber, `SQLDATE "${date}" is not YYYYMMDD`);
  if (!CAMEO_CODE.test(cameo)) return new MalformedRow(lineNumber, `EventCode "${cameo}" is not a CAMEO code`);
  const url = cells.cell(SOURCE_URL[version]);
  // One literal of one shape, the URL's absence an undefined: spreading an optional field in
  // made a second object and grew the row's property store, for each of a file's rows.
  return {
    line: lineNumber,
    rowKey: id,
    actorCountry: cells.cell(COLUMN.actor1CountryCode),
    targetCountry: cells.cell(COLUMN.actor2CountryCode),
    cameo: sharedCode(cameo),
    occurredOn: isoDay(date),
    sourceUrl: WEB_URL.test(url) ? url : undefined,
  };
}

/** One string per CAMEO code (at most 11,110 of 2–4 digits), shared by the rows, commands and events that carry it until their batch commits. */
const codes = new Map<string, string>();

function sharedCode(cameo: string): string {
  let code = codes.get(cameo);
  if (code === undefined) codes.set(cameo, (code = cameo));
  return code;
}
