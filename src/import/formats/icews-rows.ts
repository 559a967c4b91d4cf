import { MalformedRow, type ReadRow } from '../coded-event.js';

/** Columns of the ICEWS coded event data .tab files (Harvard Dataverse, 20 columns, header row). */
const COLUMN = {
  eventId: 0,
  eventDate: 1,
  sourceCountry: 4,
  eventText: 5,
  cameoCode: 6,
  targetCountry: 10,
  storyId: 11,
  sentenceNumber: 12,
  publisher: 13,
} as const;
const COLUMNS = 20;

/**
 * One ICEWS line as a coded row. ICEWS event ids are not unique across releases (documented by
 * its users), so the row key joins the event id with the story and sentence it was coded from.
 */
export function icewsRow(line: string, lineNumber: number): ReadRow {
  const cells = line.replace(/\r$/, '').split('\t');
  if (cells.length !== COLUMNS) return new MalformedRow(lineNumber, `${cells.length} columns, expected ${COLUMNS}`);
  const date = cells[COLUMN.eventDate];
  const cameo = cells[COLUMN.cameoCode];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return new MalformedRow(lineNumber, `Event Date "${date}" is not YYYY-MM-DD`);
  if (!/^\d{2,4}$/.test(cameo)) return new MalformedRow(lineNumber, `CAMEO Code "${cameo}" is not a CAMEO code`);
  const publisher = cells[COLUMN.publisher];
  return {
    line: lineNumber,
    rowKey: `${cells[COLUMN.eventId]}/${cells[COLUMN.storyId]}/${cells[COLUMN.sentenceNumber]}`,
    actorCountry: cells[COLUMN.sourceCountry],
    targetCountry: cells[COLUMN.targetCountry],
    cameo,
    occurredOn: date,
    text: cells[COLUMN.eventText],
    ...(publisher && publisher !== 'NA' ? { publisher } : {}),
  };
}
