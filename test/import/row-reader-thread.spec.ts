import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readEventFile } from '../../src/import/formats/read-event-file.js';
import { emptyReport } from '../../src/import/import-report.js';
import { addSkips, readRowsOf, ROWS_PER_READ, type ReadRows } from '../../src/import/read-rows.js';
import { rowsReadOnThread } from '../../src/import/row-reader-thread.js';
import { buildServer } from '../support/build-server.js';
import { sharedDataFile } from '../support/shared-data.js';

/**
 * The import's reading thread gives exactly what reading inline gives, stretch by stretch and in
 * order, for every format; a reading error reaches the importer; an importer that stops taking
 * ends the thread. A worker thread cannot load TypeScript, so the thread runs a compiled copy of
 * src/import/row-reader-thread.ts built for this suite.
 */

let entry: URL;
let removeBuild: () => void = () => undefined;
let directory: string;
/** A GDELT file of several stretches, with a malformed row every 97. */
let longFile: string;
const longLines: string[] = [];

beforeAll(async () => {
  const build = await buildServer('row-reader-thread-build', 'src/import/row-reader-thread.ts');
  removeBuild = build.remove;
  entry = pathToFileURL(build.main);
  directory = mkdtempSync(join(tmpdir(), 'demarche-row-reader-'));
  const sample = readFileSync('test/fixtures/import/gdelt2-sample.CSV', 'utf8').trim().split('\n');
  for (let i = 0; longLines.length < ROWS_PER_READ * 3 + 17; i++) {
    const cells = sample[i % sample.length].split('\t');
    cells[0] = String(700_000_000 + i);
    longLines.push(i % 97 === 5 ? 'not\ta\tGDELT\trow' : cells.join('\t'));
  }
  longFile = join(directory, 'several-stretches.export.CSV');
  writeFileSync(longFile, longLines.join('\n') + '\n');
}, 180_000);

afterAll(() => {
  removeBuild();
  rmSync(directory, { recursive: true, force: true });
});

async function all(stretches: AsyncIterable<ReadRows>): Promise<ReadRows[]> {
  const taken: ReadRows[] = [];
  for await (const stretch of stretches) taken.push(stretch);
  return taken;
}

const SAMPLES: [string, string, string][] = [
  ['the real GDELT 2.0 export', sharedDataFile('gdelt-20150218230000.export.first-half.CSV'), 'gdelt2'],
  ['the real ICEWS day', sharedDataFile('icews-events.2018-06-01.tab'), 'icews'],
  ['a zipped GDELT sample', 'test/fixtures/import/gdelt2-sample.CSV.zip', 'gdelt2'],
  ['a gzipped ICEWS sample', 'test/fixtures/import/icews-sample.tab.gz', 'icews'],
  ['a PLOVER JSON array', 'test/fixtures/import/plover-sample.json', 'plover'],
];

it.each(SAMPLES)('reads %s on the thread exactly as inline', async (_name, path, dataset) => {
  const inline = await all(readRowsOf(await readEventFile(path), dataset));
  const threaded = await all(rowsReadOnThread(path, dataset, entry));
  expect(threaded).toEqual(inline);
  expect(inline.flatMap((stretch) => stretch.interstate.eventIds).length).toBeGreaterThan(0);
}, 60_000);

it('reads a file of several stretches, with malformed rows, in order and with every skip counted as row by row', async () => {
  const [path, lines] = [longFile, longLines];
  const threaded = await all(rowsReadOnThread(path, 'gdelt2', entry));
  expect(threaded).toEqual(await all(readRowsOf(await readEventFile(path), 'gdelt2')));
  expect(threaded.length).toBeGreaterThanOrEqual(3);
  expect(threaded.at(-1)!.rowsRead).toBe(lines.length);
  const readThrough = threaded.flatMap((stretch) => stretch.interstate.readThrough);
  expect(readThrough).toEqual([...readThrough].sort((a, b) => a - b));
  const report = emptyReport(path, 'gdelt2', 'gdelt2');
  for (const stretch of threaded) addSkips(report, stretch.skipped);
  expect(report.skipped.malformed?.count).toBe(lines.filter((line) => line.startsWith('not\t')).length);
  expect(report.skipped.malformed?.firstLines.map((shown) => shown.line)).toEqual([6, 103, 200, 297, 394]);
}, 60_000);

it('reports a reading error to the importer', async () => {
  const path = join(directory, 'broken.export.CSV.gz');
  // A gzip header and then nothing a gunzip can read.
  writeFileSync(path, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0x01, 0x02, 0x03]));
  const inline = (await readEventFile(path).then((file) => all(readRowsOf(file, 'gdelt2'))).catch((error: unknown) => error)) as Error;
  expect(inline.message).toMatch(/./);
  await expect(all(rowsReadOnThread(path, 'gdelt2', entry))).rejects.toThrow(inline.message);
}, 60_000);

it('ends the thread when the importer stops taking', async () => {
  const stretches = rowsReadOnThread(longFile, 'gdelt2', entry)[Symbol.asyncIterator]();
  const first = await stretches.next();
  expect(first.done).toBe(false);
  // What `for await` does when its body throws or returns: the worker is terminated before this resolves.
  await expect(stretches.return!(undefined)).resolves.toEqual({ done: true, value: undefined });
}, 60_000);
