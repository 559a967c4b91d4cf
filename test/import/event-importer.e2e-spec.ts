import { EventImporter } from '../../src/import/event-importer.js';
import { UnknownFormatError } from '../../src/import/formats/event-format.js';
import { eventIdOfRow, incidentIdOfRow } from '../../src/import/row-command.js';
import { sleep } from '../support/wait.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The importer in the real app on a real SQLite file: figures per file, evidence served per incident, nothing appended twice. */
let app: TestApp;
let importer: EventImporter;

beforeAll(async () => {
  app = await startTestApp();
  importer = app.app.get(EventImporter);
});

afterAll(async () => {
  await app.close();
});

async function incident(id: string): Promise<any> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await app.request('GET', `/incidents/${id}`);
    if (response.status === 200) return response.json;
    await sleep(20);
  }
  throw new Error(`incident ${id} never appeared`);
}

it('imports the GDELT sample: interstate rows only, duplicates as corroborations, skipped rows by reason with their lines', async () => {
  const report = await importer.importFile('test/fixtures/import/gdelt2-sample.CSV', { batchRows: 50 });
  expect(report).toMatchObject({ format: 'gdelt2', dataset: 'gdelt2', rowsRead: 200, alreadyRecorded: 0 });
  const skipped = Object.values(report.skipped).reduce((sum, entry) => sum + entry!.count, 0);
  expect(report.interstateRows + skipped).toBe(200);
  expect(report.incidentsCreated + report.corroborations).toBe(report.interstateRows);
  expect(report.corroborations).toBeGreaterThan(0);
  expect(report.skipped['actor-not-a-state']!.firstLines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
});

it('serves an imported incident with its provenance and its independent sources', async () => {
  const body = await app.request('GET', '/incidents?limit=100');
  expect(body.status).toBe(200);
  const imported = body.json.items.filter((item: any) => item.evidence.reportedBy === 'import');
  expect(imported.length).toBeGreaterThan(0);
  const corroborated = imported.find((item: any) => item.evidence.importedRows.length > 1);
  expect(corroborated).toBeDefined();
  const [own] = corroborated.evidence.importedRows as string[];
  expect(corroborated.incidentId).toBe(incidentIdOfRow('gdelt2', own.split('/')[1]));
  const served = await incident(corroborated.incidentId);
  expect(served.evidence.independentSources).toBeGreaterThanOrEqual(1);
  expect(served.evidence.independentSources).toBeLessThanOrEqual(served.evidence.importedRows.length);
  expect(served.eventId).toBe(eventIdOfRow('gdelt2', own.split('/')[1]));
});

it('appends nothing when the same file is imported again', async () => {
  const before = (await app.request('GET', '/events?limit=1000')).json;
  const report = await importer.importFile('test/fixtures/import/gdelt2-sample.CSV');
  expect(report.incidentsCreated + report.corroborations).toBe(0);
  expect(report.alreadyRecorded).toBe(report.interstateRows);
  expect((await app.request('GET', '/events?limit=1000')).json).toEqual(before);
});

it('refuses a file of no known format before appending anything', async () => {
  await expect(importer.importFile('README.md')).rejects.toThrow(UnknownFormatError);
});
