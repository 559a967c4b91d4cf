import { eventIdOfRow, incidentIdOfRow } from '../../src/import/row-command.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MalformedRow, type CodedEventRow, type ReadRow } from '../../src/import/coded-event.js';
import { detectFormat } from '../../src/import/formats/detect-format.js';
import { UnknownFormatError } from '../../src/import/formats/event-format.js';
import { readEventFile } from '../../src/import/formats/read-event-file.js';
import { interstateDyad, stateCode } from '../../src/import/interstate-dyad.js';

const fixture = (name: string) => join('test/fixtures/import', name);

async function all(path: string): Promise<{ format: string; rows: ReadRow[] }> {
  const file = await readEventFile(path);
  const rows: ReadRow[] = [];
  for await (const row of file.rows()) rows.push(row);
  return { format: file.format, rows };
}

const coded = (rows: ReadRow[]) => rows.filter((row): row is CodedEventRow => !(row instanceof MalformedRow));

describe('reading event files', () => {
  it('detects GDELT 2.0 by its 61 columns and reads the codebook fields', async () => {
    const { format, rows } = await all(fixture('gdelt2-sample.CSV'));
    expect(format).toBe('gdelt2');
    expect(rows).toHaveLength(200);
    expect(rows[1]).toEqual(expect.objectContaining({ line: 2, rowKey: '410412348', cameo: '042', occurredOn: '2014-02-18', actorCountry: '', targetCountry: 'IND' }));
    expect((rows[1] as CodedEventRow).sourceUrl).toMatch(/^http:\/\/timesofindia/);
  });

  it('reads the same rows from a zip archive as from the plain file', async () => {
    const plain = await all(fixture('gdelt2-sample.CSV'));
    const zipped = await all(fixture('gdelt2-sample.CSV.zip'));
    expect(zipped).toEqual(plain);
  });

  it('detects ICEWS by its header, skips the header and reads gzip by its magic bytes', async () => {
    const plain = await all(fixture('icews-sample.tab'));
    const gzipped = await all(fixture('icews-sample.tab.gz'));
    expect(plain.format).toBe('icews');
    expect(gzipped).toEqual(plain);
    expect(plain.rows).toHaveLength(200);
    expect(plain.rows[0]).toEqual(expect.objectContaining({
      line: 2, rowKey: '32889836/47400351/2', actorCountry: 'Bangladesh', targetCountry: 'Vietnam', cameo: '040', publisher: 'Vietnam News Agency Bulletin',
    }));
  });

  it('reads PLOVER as a JSON array and as JSON lines alike, mapping its categories to CAMEO', async () => {
    const array = await all(fixture('plover-sample.json'));
    const lines = await all(fixture('plover-sample.jsonl'));
    expect(array.format).toBe('plover-json');
    expect(lines.format).toBe('plover-jsonl');
    expect(lines.rows).toEqual(array.rows);
    expect(array.rows[0]).toEqual(expect.objectContaining({ rowKey: 'PLOVER-GSR01-DOCUMENT-0001', cameo: '' }));
    expect(array.rows[1]).toEqual(expect.objectContaining({ rowKey: 'PLOVER-GSR01-AGREE-0001', cameo: '03', actorCountry: 'HUN' }));
  });

  it('keeps reading past a malformed line and names its line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-read-'));
    const good = 'x\t'.repeat(60).split('\t');
    const line = (id: string, code: string) => [id, '20150218', ...good.slice(2, 26), code, ...good.slice(27)].join('\t');
    writeFileSync(join(dir, 'g.csv'), [line('1', '043'), 'short\tline', line('3', 'abc'), line('4', '190')].join('\n'));
    const { rows } = await all(join(dir, 'g.csv'));
    expect(rows.map((row) => (row instanceof MalformedRow ? `bad@${row.line}` : row.rowKey))).toEqual(['1', 'bad@2', 'bad@3', '4']);
  });

  it('refuses a file of no known format before reading any row', () => {
    expect(() => detectFormat('notes.txt', 'just some text')).toThrow(UnknownFormatError);
    expect(() => detectFormat('ten.tsv', 'a\tb\tc\td\te\tf\tg\th\ti\tj')).toThrow(/10 tab-separated columns/);
    expect(detectFormat('old.csv', Array(58).fill('x').join('\t'))).toBe('gdelt1');
    expect(detectFormat('older.csv', Array(57).fill('x').join('\t'))).toBe('gdelt1');
  });
});

describe('interstate dyads', () => {
  it('resolves CAMEO codes and ICEWS names to ISO alpha-3 states, and nothing else', () => {
    expect(stateCode('FRA')).toBe('FRA');
    expect(stateCode('ROM')).toBe('ROU');
    expect(stateCode('EUR')).toBeUndefined();
    expect(stateCode('IGO')).toBeUndefined();
    expect(stateCode('Russian Federation')).toBe('RUS');
    expect(stateCode('Vietnam')).toBe('VNM');
    expect(stateCode('NA')).toBeUndefined();
  });

  it('skips regions, organisations and domestic events by reason', () => {
    const row = (actorCountry: string, targetCountry: string): CodedEventRow => ({ line: 1, rowKey: 'k', actorCountry, targetCountry, cameo: '111', occurredOn: '2020-01-01' });
    expect(interstateDyad(row('EUR', 'RUS'))).toEqual({ skip: 'actor-not-a-state' });
    expect(interstateDyad(row('RUS', 'IGO'))).toEqual({ skip: 'target-not-a-state' });
    expect(interstateDyad(row('India', 'India'))).toEqual({ skip: 'domestic' });
    expect(interstateDyad(row('USA', 'Russian Federation'))).toEqual({ actor: 'USA', target: 'RUS' });
  });
});

describe('row ids', () => {
  it('are the UUID v5s every earlier import gave the same rows (so a re-import appends nothing)', () => {
    expect(eventIdOfRow('gdelt2', '410412347')).toBe('640657eb-bdc1-592f-a872-7190444b8140');
    expect(incidentIdOfRow('gdelt2', '410412347')).toBe('7ca9ac14-8a63-5e06-8ef0-1228d6535039');
  });
});
