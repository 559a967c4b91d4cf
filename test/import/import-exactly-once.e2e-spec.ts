import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildServer } from '../support/build-server.js';

/**
 * Exactly once, with the real CLI (`npm run import`) as a child process: an import SIGKILLed
 * midway and run again ends with the same streams as one clean run, and importing a file again
 * appends nothing. The file is the real GDELT sample repeated with new event ids and dates one day
 * apart, so rows both create incidents and corroborate them.
 */
jest.setTimeout(180_000);

const COPIES = 120;
let dir: string;
let file: string;
let build: Awaited<ReturnType<typeof buildServer>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demarche-import-once-'));
  file = join(dir, 'gdelt-repeated.CSV');
  const sample = readFileSync('test/fixtures/import/gdelt2-sample.CSV', 'utf8').trim().split('\n');
  const out: string[] = [];
  for (let copy = 0; copy < COPIES; copy++) {
    for (const line of sample) {
      const cells = line.split('\t');
      cells[0] = String(Number(cells[0]) + copy * 10_000_000);
      const day = new Date(Date.UTC(Number(cells[1].slice(0, 4)), Number(cells[1].slice(4, 6)) - 1, Number(cells[1].slice(6, 8))) + (copy % 7) * 86_400_000);
      cells[1] = day.toISOString().slice(0, 10).replaceAll('-', '');
      out.push(cells.join('\t'));
    }
  }
  writeFileSync(file, out.join('\n') + '\n');
  build = await buildServer('import-cli-e2e-build', 'src/cli/import.ts');
});

afterAll(() => {
  build?.remove();
  rmSync(dir, { recursive: true, force: true });
});

function runImport(dataDir: string): { exited: Promise<number | null>; kill(): void } {
  const child = spawn(process.execPath, [build.main, file], { env: { ...process.env, DATA_DIR: dataDir, IMPORT_BATCH_ROWS: '100' }, stdio: 'ignore' });
  return { exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), kill: () => child.kill('SIGKILL') };
}

/** Every stream's events in order, without the instant each run recorded them at. */
function streams(dataDir: string): Map<string, string[]> {
  const db = new Database(join(dataDir, 'demarche.db'), { readonly: true });
  try {
    const result = new Map<string, string[]>();
    for (const row of db.prepare('SELECT stream_id, revision, event_id, type, data FROM events ORDER BY stream_id, revision').all() as any[]) {
      const { recordedAt: _differsPerRun, ...data } = JSON.parse(row.data);
      const events = result.get(row.stream_id) ?? [];
      events.push(`${row.revision} ${row.event_id} ${row.type} ${JSON.stringify(data)}`);
      result.set(row.stream_id, events);
    }
    return result;
  } finally {
    db.close();
  }
}

function eventCount(dataDir: string): number {
  try {
    const db = new Database(join(dataDir, 'demarche.db'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

it('ends a SIGKILLed import, run again, with exactly what one clean run records; a third run appends nothing', async () => {
  const clean = join(dir, 'clean');
  expect(await runImport(clean).exited).toBe(0);
  const expected = streams(clean);
  const total = [...expected.values()].reduce((sum, events) => sum + events.length, 0);
  expect(total).toBeGreaterThan(2000);
  expect([...expected.values()].flat().some((event) => event.includes(' IncidentCorroborated '))).toBe(true);

  const killed = join(dir, 'killed');
  const first = runImport(killed);
  while (eventCount(killed) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  first.kill();
  await first.exited;
  const atKill = eventCount(killed);
  expect(atKill).toBeLessThan(total);

  expect(await runImport(killed).exited).toBe(0);
  expect(streams(killed)).toEqual(expected);

  expect(await runImport(clean).exited).toBe(0);
  expect(eventCount(clean)).toBe(total);
});
