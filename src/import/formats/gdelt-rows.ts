import { MalformedRow, type CodedEventRow, type ReadRow } from '../coded-event.js';

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

/** One GDELT line as a coded row, or why it cannot be read. */
export function gdeltRow(line: string, lineNumber: number, version: 'gdelt1' | 'gdelt2'): ReadRow {
  const cells = line.replace(/\r$/, '').split('\t');
  const expected = version === 'gdelt2' ? [61] : [57, 58];
  if (!expected.includes(cells.length)) return new MalformedRow(lineNumber, `${cells.length} columns, expected ${expected.join(' or ')}`);
  const id = cells[COLUMN.globalEventId];
  const date = cells[COLUMN.sqlDate];
  const cameo = cells[COLUMN.eventCode];
  if (!/^\d+$/.test(id)) return new MalformedRow(lineNumber, `GLOBALEVENTID "${id}" is not a number`);
  if (!/^\d{8}$/.test(date)) return new MalformedRow(lineNumber, `SQLDATE "${date}" is not YYYYMMDD`);
  if (!/^\d{2,4}$/.test(cameo)) return new MalformedRow(lineNumber, `EventCode "${cameo}" is not a CAMEO code`);
  const url = cells[SOURCE_URL[version]] ?? '';
  const row: CodedEventRow = {
    line: lineNumber,
    rowKey: id,
    actorCountry: cells[COLUMN.actor1CountryCode],
    targetCountry: cells[COLUMN.actor2CountryCode],
    cameo,
    occurredOn: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
    ...(/^https?:\/\//.test(url) ? { sourceUrl: url } : {}),
  };
  return row;
}
