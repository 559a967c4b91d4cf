import { jest } from '@jest/globals';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { loadSnapshot, saveSnapshot } from '../../src/projections/read-model-snapshot.js';
import { READ_MODEL_VERSION } from '../../src/projections/relations.read-model.js';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { freshRebuild } from '../support/fresh-rebuild.js';
import { captureLogLines, type LogLine } from '../support/log-lines.js';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { postAccusation } from '../support/accusation.js';

/**
 * The persisted read model is a cache of one log at one point of it. A snapshot that does not
 * belong to the log beside it (an older copy of the database, another instance's), that is
 * damaged, cut short or from another version is discarded with one log line saying why, and the
 * read model is rebuilt from the log: it never shows what the log does not hold, never half-loads,
 * and never turns reads into 500s.
 */

const clock = fixedClock('2023-12-28T12:00:00.000Z');
const DB = 'demarche.db';
const SNAPSHOT = 'read-model.snapshot';
/** The seed incidents: the first events of every log here, so later positions count from them. */
const SEEDS = (JSON.parse(readFileSync(new URL('../../seeds/2023-12-azerbaijan-france.json', import.meta.url), 'utf8')) as { incidents: unknown[] }).incidents.length;

let dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'demarche-snapshot-'));
  dirs.push(dir);
  return dir;
};

/** The app on `dir`'s SQLite file, persisting its read model in `dir` as the server does (DATA_DIR). */
const startApp = (dir: string) => startTestApp({ file: join(dir, DB), clock, app: { readModelFile: join(dir, SNAPSHOT) } });

const post = postAccusation;

/** Copies the SQLite file (with its WAL, if any) from one directory to another. */
function copyDatabase(from: string, to: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(join(to, DB + suffix), { force: true });
  copyFileSync(join(from, DB), join(to, DB));
  if (existsSync(join(from, `${DB}-wal`))) copyFileSync(join(from, `${DB}-wal`), join(to, `${DB}-wal`));
}

const discardLines = (lines: LogLine[]) => lines.filter((line) => /discarded/.test(line.message));
const readyLine = (lines: LogLine[]) => lines.find((line) => line.message.startsWith('Read model ready'))?.message;

/** What an operator checks after a start: the reads answer, and the model hashes like a fresh rebuild of the log beside it. */
async function expectRebuiltFromTheLog(app: TestApp, pair = '/relations/AZE/FRA'): Promise<void> {
  for (const path of ['/relations', pair, '/admin/projections']) expect((await app.request('GET', path)).status).toBe(200);
  const served = (await app.request('GET', '/admin/projections')).json.projections[0];
  const fresh = await freshRebuild(app.file);
  expect(served).toMatchObject({ hash: fresh.hash, checkpoint: fresh.checkpoint, events: countEvents(app.file) });
}

afterEach(() => {
  jest.restoreAllMocks();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe('a snapshot that does not belong to the log beside it', () => {
  it('an older copy of the database with a newer snapshot: discarded, rebuilt; no incident the log does not hold; new reports readable', async () => {
    const dir = newDir();
    const backup = newDir();
    const first = await startApp(dir);
    await loadSeeds(first.app);
    await first.close();
    copyDatabase(dir, backup);
    const second = await startApp(dir);
    for (const actor of ['EST', 'LVA', 'LTU', 'POL', 'FIN', 'NOR', 'SWE', 'DNK', 'DEU', 'CZE']) await post(second, actor, 'RUS');
    await second.close();
    // The operator restores yesterday's database and leaves today's snapshot beside it.
    copyDatabase(backup, dir);
    const lines = captureLogLines();

    const restored = await startApp(dir);
    try {
      const discarded = discardLines(lines);
      expect(discarded).toHaveLength(1);
      expect(discarded[0]).toMatchObject({
        level: 'warn',
        message: expect.stringMatching(new RegExp(`discarded: its checkpoint event \\(relation-CZE-RUS revision 0, position ${SEEDS + 10}\\) is not in this log, which ends before it .*Rebuilding it from the log\\.$`)),
      });
      expect(readyLine(lines)).toMatch(new RegExp(`^Read model ready: 0 events restored from the snapshot, ${SEEDS} replayed from the log \\(checkpoint ${SEEDS},`));
      const relations = (await restored.request('GET', '/relations')).json;
      // Only the seed story's pairs: none of the ten reports the restored log does not hold.
      expect(relations.items.map((view: { pair: string[] }) => view.pair.join('-'))).toEqual(expect.arrayContaining(['AZE-FRA']));
      expect(relations.items.map((view: { pair: string[] }) => view.pair.join('-'))).not.toContainEqual(expect.stringMatching(/RUS/));
      expect((await restored.request('GET', '/relations/EST/RUS')).status).toBe(404);
      await expectRebuiltFromTheLog(restored);
      const reported = await post(restored, 'EST', 'RUS');
      const read = await restored.request('GET', `/incidents/${reported.incidentId}`);
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ incidentId: reported.incidentId, position: String(SEEDS + 1) });
      expect((await restored.request('GET', '/relations/EST/RUS')).json.incidentCount).toBe(1);
    } finally {
      await restored.close();
    }
  });

  it("another instance's snapshot, of an unrelated log: discarded as built from another log", async () => {
    const [mine, theirs] = [newDir(), newDir()];
    const other = await startApp(theirs);
    await loadSeeds(other.app);
    await other.close();
    const app = await startApp(mine);
    await post(app, 'EST', 'RUS');
    await app.close();
    copyFileSync(join(theirs, SNAPSHOT), join(mine, SNAPSHOT));
    const lines = captureLogLines();

    const restarted = await startApp(mine);
    try {
      expect(discardLines(lines)).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringMatching(/discarded: it was built from another log \(its first event is \S+ at position 1; this log's is \S+ at 1\)/) })]);
      expect((await restarted.request('GET', '/relations/AZE/FRA')).status).toBe(404);
      expect((await restarted.request('GET', '/relations/EST/RUS')).status).toBe(200);
      await expectRebuiltFromTheLog(restarted, '/relations/EST/RUS');
    } finally {
      await restarted.close();
    }
  });

  it("another instance's snapshot, of a log with the same seeds: discarded as another history of the log", async () => {
    const [mine, theirs] = [newDir(), newDir()];
    const other = await startApp(theirs);
    await loadSeeds(other.app);
    await post(other, 'LVA', 'RUS');
    await post(other, 'EST', 'RUS');
    await other.close();
    const app = await startApp(mine);
    await loadSeeds(app.app);
    await post(app, 'EST', 'RUS');
    await post(app, 'POL', 'RUS');
    await app.close();
    copyFileSync(join(theirs, SNAPSHOT), join(mine, SNAPSHOT));
    const lines = captureLogLines();

    const restarted = await startApp(mine);
    try {
      expect(discardLines(lines)).toEqual([
        expect.objectContaining({ message: expect.stringMatching(new RegExp(`discarded: this log holds another event at its checkpoint \\(relation-EST-RUS revision 0: \\S+ at position ${SEEDS + 1}, not \\S+ at ${SEEDS + 2}\\): it was built from another history`)) }),
      ]);
      expect((await restarted.request('GET', '/relations/LVA/RUS')).status).toBe(404);
      await expectRebuiltFromTheLog(restarted);
    } finally {
      await restarted.close();
    }
  });

  it('a snapshot whose checkpoint lies past the end of the log: discarded', async () => {
    const dir = newDir();
    const app = await startApp(dir);
    await loadSeeds(app.app);
    await app.close();
    const snapshot = loadSnapshot(join(dir, SNAPSHOT))!;
    const { checkpoint } = snapshot.log;
    saveSnapshot(join(dir, SNAPSHOT), { ...snapshot, log: { ...snapshot.log, checkpoint: { ...checkpoint, revision: checkpoint.revision + 3, position: String(SEEDS + 3) } } });
    const lines = captureLogLines();

    const restarted = await startApp(dir);
    try {
      expect(discardLines(lines)).toEqual([expect.objectContaining({ message: expect.stringMatching(new RegExp(`discarded: its checkpoint event \\(relation-AZE-FRA revision \\d+, position ${SEEDS + 3}\\) is not in this log, which ends before it`)) })]);
      await expectRebuiltFromTheLog(restarted);
    } finally {
      await restarted.close();
    }
  });
});

describe('a damaged, truncated or foreign-format snapshot', () => {
  let template: string;
  let persisted: Buffer;
  let hash: string;

  beforeAll(async () => {
    template = mkdtempSync(join(tmpdir(), 'demarche-snapshot-template-'));
    const app = await startApp(template);
    await loadSeeds(app.app);
    await post(app, 'EST', 'RUS');
    const retracted = await post(app, 'LVA', 'RUS');
    expect((await app.request('POST', `/incidents/${retracted.incidentId}/retraction`, { reason: 'Withdrawn' })).status).toBe(201);
    hash = (await app.request('GET', '/admin/projections')).json.projections[0].hash;
    await app.close();
    persisted = readFileSync(join(template, SNAPSHOT));
  });

  afterAll(() => rmSync(template, { recursive: true, force: true }));

  /** Offsets of the frames' payloads, as the format lays them out: magic line, u64 length, [u32 length, payload]…, footer. */
  function frames(bytes: Buffer): { start: number; end: number }[] {
    const list: { start: number; end: number }[] = [];
    for (let offset = bytes.indexOf('\n') + 1 + 8; offset < bytes.length - 8; ) {
      const start = offset + 4;
      const end = start + bytes.readUInt32LE(offset);
      list.push({ start, end });
      offset = end;
    }
    return list;
  }

  /** The largest frame: a column of the read model. */
  const largestPart = (bytes: Buffer) => frames(bytes).slice(1).sort((x, y) => y.end - y.start - (x.end - x.start))[0];

  const withFlippedBit = (at: (bytes: Buffer) => number) => (file: string) => {
    const bytes = Buffer.from(persisted);
    bytes[at(bytes)] ^= 0x10;
    writeFileSync(file, bytes);
  };

  /** Rewrites the CRC in the footer, so that only the deeper checks can catch what was changed. */
  const withRightChecksum = (bytes: Buffer) => {
    const footerAt = bytes.length - 8;
    bytes.writeUInt32LE(crc32(bytes.subarray(bytes.indexOf('\n') + 1 + 8, footerAt)) >>> 0, footerAt + 4);
    return bytes;
  };

  const cases: { name: string; reason: RegExp; spoil(file: string): void }[] = [
    { name: 'a bit flipped in the magic line', reason: /it is not a snapshot of this format/, spoil: withFlippedBit(() => 3) },
    { name: 'a bit flipped in the length field', reason: /it is (truncated|damaged) \(/, spoil: withFlippedBit((bytes) => bytes.indexOf('\n') + 2) },
    { name: 'a bit flipped in the header', reason: /it is damaged \(its checksum does not match its bytes\)/, spoil: withFlippedBit((bytes) => frames(bytes)[0].start + 20) },
    { name: 'a bit flipped in the middle of a part', reason: /it is damaged \(its checksum/, spoil: withFlippedBit((bytes) => Math.floor((largestPart(bytes).start + largestPart(bytes).end) / 2)) },
    { name: 'a bit flipped in the last part', reason: /it is damaged \(its checksum/, spoil: withFlippedBit((bytes) => bytes.length - 8 - 3) },
    { name: 'a bit flipped in the footer’s count', reason: /it holds \d+ parts where its footer counts \d+/, spoil: withFlippedBit((bytes) => bytes.length - 8) },
    { name: 'a bit flipped in the footer’s checksum', reason: /it is damaged \(its checksum/, spoil: withFlippedBit((bytes) => bytes.length - 1) },
    ...[0, 10, 40, 1 / 3, -8, -1].map((length) => ({
      name: `truncated to ${length === 1 / 3 ? 'a third' : length < 0 ? `${-length} bytes short` : `${length} bytes`}`,
      reason: /it is truncated \(\d+( of its \d+)? bytes\)|it is not a snapshot of this format/,
      spoil(file: string) {
        writeFileSync(file, persisted);
        truncateSync(file, length === 1 / 3 ? Math.floor(persisted.length / 3) : length < 0 ? persisted.length + length : length);
      },
    })),
    {
      name: 'in the format of the previous version (no magic line, no checksum)',
      reason: /it is not a snapshot of this format \(written by an older version/,
      spoil(file) {
        const snapshot = loadSnapshot(file)!;
        const frame = (value: unknown) => {
          const payload = serialize(value);
          const length = Buffer.alloc(4);
          length.writeUInt32LE(payload.length, 0);
          return [length, payload];
        };
        const header = { version: READ_MODEL_VERSION, logFingerprint: snapshot.log.first.eventId, checkpoint: snapshot.log.checkpoint.position, savedAt: snapshot.savedAt };
        writeFileSync(file, Buffer.concat([...frame(header), ...snapshot.parts.flatMap((part) => frame({ part })), ...frame({ count: snapshot.parts.length })]));
      },
    },
    {
      name: 'written by another version of the read-model code',
      reason: new RegExp(`it was written by read-model code v${READ_MODEL_VERSION - 1} and this is v${READ_MODEL_VERSION}`),
      spoil(file) {
        const snapshot = loadSnapshot(file)!;
        saveSnapshot(file, { ...snapshot, version: READ_MODEL_VERSION - 1 });
      },
    },
    {
      name: 'with a frame that cannot be deserialised (its checksum right)',
      reason: /its frame \d+ cannot be deserialised/,
      spoil(file) {
        const bytes = Buffer.from(persisted);
        const part = largestPart(bytes);
        bytes.fill(0xff, part.start, part.start + 16);
        writeFileSync(file, withRightChecksum(bytes));
      },
    },
    {
      name: 'with parts that fail the read model’s consistency checks (its checksum right)',
      reason: /its parts are inconsistent: row 0 belongs to pair 999 of 5/,
      spoil(file) {
        const snapshot = loadSnapshot(file)!;
        const parts = snapshot.parts.map(([name, value]: any) => [name, name === 'pairOfRow' ? new Uint16Array(value.length).fill(999) : value]);
        saveSnapshot(file, { ...snapshot, parts });
      },
    },
    {
      name: 'missing a column (its checksum right)',
      reason: /its parts are inconsistent: the flags column is missing/,
      spoil(file) {
        const snapshot = loadSnapshot(file)!;
        saveSnapshot(file, { ...snapshot, parts: snapshot.parts.filter(([name]: any) => name !== 'flags') });
      },
    },
  ];

  it.each(cases)('$name: discarded with one line saying why, rebuilt from the log, reads answer', async ({ reason, spoil }) => {
    const dir = newDir();
    copyDatabase(template, dir);
    writeFileSync(join(dir, SNAPSHOT), persisted);
    spoil(join(dir, SNAPSHOT));
    const lines = captureLogLines();

    const app = await startApp(dir);
    try {
      const discarded = discardLines(lines);
      expect(discarded).toHaveLength(1);
      expect(discarded[0].level).toBe('warn');
      expect(discarded[0].message).toMatch(/^Persisted read model \S+ discarded: /);
      expect(discarded[0].message).toMatch(reason);
      expect(readyLine(lines)).toMatch(new RegExp(`^Read model ready: 0 events restored from the snapshot, ${SEEDS + 3} replayed from the log`));
      expect((await app.request('GET', '/admin/projections')).json.projections[0].hash).toBe(hash);
      await expectRebuiltFromTheLog(app);
    } finally {
      await app.close();
    }
    // The replacement was persisted: the next start restores it.
    expect(loadSnapshot(join(dir, SNAPSHOT))).toMatchObject({ version: READ_MODEL_VERSION, log: { checkpoint: { position: String(SEEDS + 3) } } });
  });

  it('the undamaged snapshot is restored whole, replaying nothing', async () => {
    const dir = newDir();
    copyDatabase(template, dir);
    writeFileSync(join(dir, SNAPSHOT), persisted);
    const lines = captureLogLines();

    const app = await startApp(dir);
    try {
      expect(discardLines(lines)).toEqual([]);
      expect(readyLine(lines)).toMatch(new RegExp(`^Read model ready: ${SEEDS + 3} events restored from the snapshot, 0 replayed from the log`));
      expect((await app.request('GET', '/admin/projections')).json.projections[0].hash).toBe(hash);
    } finally {
      await app.close();
    }
  });
});
