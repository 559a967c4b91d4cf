import { createWriteStream } from 'node:fs';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';

/**
 * A GDELT 2.0 export of `rows` rows with realistic duplication, built from the real sample's rows
 * as templates: each generated event is emitted a geometric number of times (mean `meanCopies`,
 * as GDELT re-emits an event per article), each copy with its own GLOBALEVENTID, a date up to a
 * day later and a source URL from one of 400 publishers.
 */
export async function generateGdeltFile(path: string, rows: number, seed = 1, meanCopies = 3): Promise<void> {
  const templates = readFileSync('test/fixtures/import/gdelt2-sample.CSV', 'utf8').trim().split('\n').map((line) => line.split('\t'));
  const countries = ['USA', 'RUS', 'CHN', 'FRA', 'GBR', 'DEU', 'IRN', 'ISR', 'UKR', 'TUR', 'IND', 'PAK', 'JPN', 'KOR', 'PRK', 'SAU', 'EGY', 'BRA', 'ARM', 'AZE'];
  const codes = ['010', '036', '042', '043', '046', '051', '057', '111', '112', '130', '138', '141', '163', '173', '190', '1823'];
  let state = seed >>> 0;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const out = createWriteStream(path);
  let id = 500_000_000;
  for (let written = 0; written < rows; ) {
    const template = templates[Math.floor(random() * templates.length)];
    // Half the events between two states, the rest as the sample has them (mostly not interstate).
    const interstate = random() < 0.5;
    const actor = countries[Math.floor(random() * countries.length)];
    let target = countries[Math.floor(random() * countries.length)];
    if (target === actor) target = countries[(countries.indexOf(actor) + 1) % countries.length];
    const code = codes[Math.floor(random() * codes.length)];
    const day = 1 + Math.floor(random() * 360);
    for (let copy = 0; written < rows && (copy === 0 || random() > 1 / meanCopies); copy++, written++) {
      const cells = [...template];
      cells[0] = String(id++);
      const date = new Date(Date.UTC(2015, 0, day + (random() < 0.3 ? 1 : 0)));
      cells[1] = date.toISOString().slice(0, 10).replaceAll('-', '');
      if (interstate) {
        cells[7] = actor;
        cells[17] = target;
        cells[26] = code;
      }
      cells[60] = `https://news${Math.floor(random() * 400)}.example.com/${id}`;
      if (!out.write(cells.join('\t') + '\n')) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}
