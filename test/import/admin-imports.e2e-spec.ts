import Database from 'better-sqlite3';
import { readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import { eventIdOfRow } from '../../src/import/row-command.js';
import { sharedDataFile } from '../support/shared-data.js';
import { sleep } from '../support/wait.js';
import { countEvents, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * POST /admin/imports on the real app, a real HTTP server and a real SQLite file: the shared
 * samples (GDELT plain, ICEWS gzipped) give the figures `npm run import` gives
 * (docs/importing.md), an upload again appends nothing, and bad uploads are refused before
 * anything is appended.
 */
const SECRETS = { alice: 'alice-secret-0123456789', ops: 'ops-secret-0123456789abc' };
const bearer = (name: keyof typeof SECRETS) => ({ authorization: `Bearer ${SECRETS[name]}` });
const GDELT = readFileSync(sharedDataFile('gdelt-20150218230000.export.first-half.CSV'));
const ICEWS = readFileSync(sharedDataFile('icews-events.2018-06-01.tab'));
const LIMIT_BYTES = 1024 * 1024;
const ICEWS_HEADER = ICEWS.toString('utf8', 0, 1000).split('\n')[0].split('\t');
const ICEWS_STORY = ICEWS_HEADER.indexOf('Story ID');
const ICEWS_SENTENCE = ICEWS_HEADER.indexOf('Sentence Number');

/** The event ids appended after the first `count` events, read from the file on disk. */
function eventIdsAfter(file: string, count: number): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT event_id FROM events ORDER BY position LIMIT -1 OFFSET ?').all(count) as { event_id: string }[]).map((row) => row.event_id);
  } finally {
    db.close();
  }
}

let t: TestApp;
/** The first GDELT job's address, asked for again after a restart. */
let gdeltJob = '';
const APP_OPTIONS = {
  auth: { keys: parseApiKeys(`alice:reporter:${SECRETS.alice},ops:admin:${SECRETS.ops}`), readsRequireKey: false },
  importUploads: { limitBytes: LIMIT_BYTES },
};
/** Set once the app has been restarted on the same file, which the test then removes itself. */
let restartedDir: string | undefined;

beforeAll(async () => {
  t = await startTestApp({ app: APP_OPTIONS });
});

afterAll(async () => {
  await t?.close();
  if (restartedDir) rmSync(restartedDir, { recursive: true, force: true });
});

async function upload(body: Buffer, contentType = 'application/octet-stream') {
  return t.request('POST', '/admin/imports', body, { ...bearer('ops'), 'content-type': contentType });
}

/** Polls the job at `location` until it has finished or failed. */
async function finished(location: string): Promise<any> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const response = await t.request('GET', location, undefined, bearer('ops'));
    expect(response.status).toBe(200);
    if (response.json.state === 'finished' || response.json.state === 'failed') return response.json;
    await sleep(50);
  }
  throw new Error(`job ${location} never finished`);
}

it('imports the GDELT sample as the CLI does: 202 with the job, polled to its figures', async () => {
  const accepted = await upload(GDELT, 'text/tab-separated-values');
  expect(accepted.status).toBe(202);
  expect(accepted.json).toMatchObject({ format: 'gdelt2', bytes: GDELT.length, error: null });
  expect(['queued', 'running', 'finished']).toContain(accepted.json.state);
  const location = accepted.headers.get('location')!;
  expect(location).toBe(`/admin/imports/${accepted.json.jobId}`);
  gdeltJob = location;

  const job = await finished(location);
  expect(job).toMatchObject({
    state: 'finished',
    rowsRead: 1135,
    interstateRows: 234,
    accepted: 234,
    incidentsCreated: 125,
    corroborations: 109,
    alreadyRecorded: 0,
    error: null,
  });
  expect(job.skipped['actor-not-a-state'].count).toBe(705);
  expect(job.skipped['target-not-a-state'].count).toBe(177);
  expect(job.skipped.domestic.count).toBe(19);
  expect(job.skipped['actor-not-a-state'].firstLines).toHaveLength(5);
  expect(job.malformedLines).toEqual([]);
  expect(Date.parse(job.endedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt));
});

it('imports the ICEWS sample gzipped, with the same UUID v5 event ids as the CLI', async () => {
  const before = countEvents(t.file);
  const accepted = await upload(gzipSync(ICEWS), 'application/gzip');
  expect(accepted.status).toBe(202);
  expect(accepted.json.format).toBe('icews');
  const job = await finished(accepted.headers.get('location')!);
  expect(job).toMatchObject({ state: 'finished', rowsRead: 2359, interstateRows: 1164, incidentsCreated: 573, corroborations: 591, alreadyRecorded: 0 });
  expect(job.skipped).toMatchObject({ 'actor-not-a-state': { count: 112 }, 'target-not-a-state': { count: 159 }, domestic: { count: 924 } });
  expect(countEvents(t.file) - before).toBe(573 + 591);

  // Every appended event's id is the UUID v5 the CLI gives its row (ICEWS keys a row by event id, story id and sentence number).
  const rowIds = new Set(
    ICEWS.toString('utf8')
      .split('\n')
      .slice(1)
      .filter((line) => line.length > 0)
      .map((line) => line.split('\t'))
      .map((cells) => eventIdOfRow('icews', `${cells[0]}/${cells[ICEWS_STORY]}/${cells[ICEWS_SENTENCE]}`)),
  );
  const appended = eventIdsAfter(t.file, before);
  expect(appended).toHaveLength(573 + 591);
  expect(appended.filter((id) => !rowIds.has(id))).toEqual([]);
});

it('appends nothing when a file is uploaded again: every row already recorded', async () => {
  const before = countEvents(t.file);
  const job = await finished((await upload(GDELT)).headers.get('location')!);
  expect(job).toMatchObject({ state: 'finished', rowsRead: 1135, interstateRows: 234, accepted: 0, incidentsCreated: 0, corroborations: 0, alreadyRecorded: 234 });
  expect(countEvents(t.file)).toBe(before);
});

it('refuses a file of no known format with 422 problem+json, appending nothing', async () => {
  const before = countEvents(t.file);
  const refused = await upload(Buffer.from('# Notes\n\nThis is not event data.\n'), 'text/plain');
  expect(refused.status).toBe(422);
  expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(refused.json.detail).toMatch(/not a known event-data format/);
  expect(refused.json.errors).toEqual([expect.objectContaining({ field: 'body' })]);
  expect(countEvents(t.file)).toBe(before);
});

it('refuses JSON and other media types on the upload route with 415', async () => {
  const refused = await t.request('POST', '/admin/imports', { rows: [] }, bearer('ops'));
  expect(refused.status).toBe(415);
  expect(refused.json.errors).toEqual([expect.objectContaining({ field: 'Content-Type' })]);
});

it('refuses a reporter (403) and a caller without a key (401), before reading the upload', async () => {
  const before = countEvents(t.file);
  expect((await t.request('POST', '/admin/imports', GDELT, bearer('alice'))).status).toBe(403);
  expect((await t.request('POST', '/admin/imports', GDELT)).status).toBe(401);
  expect((await t.request('GET', '/admin/imports/0b8a3f9e-6c1d-4a57-9e0b-2f4c8d1a7e35', undefined, bearer('alice'))).status).toBe(403);
  expect(countEvents(t.file)).toBe(before);
});

it('refuses an upload above the limit with 413 problem+json, declared or streamed', async () => {
  const before = countEvents(t.file);
  const declared = await upload(Buffer.concat([GDELT, GDELT, GDELT]));
  expect(declared.status).toBe(413);
  expect(declared.json).toMatchObject({ status: 413, errors: [{ field: 'body', message: `must be at most ${LIMIT_BYTES} bytes` }] });

  // Chunked, with no Content-Length: counted while it streams.
  const chunks = [GDELT, GDELT, GDELT];
  const body = new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  const streamed = await fetch(`${t.url}/admin/imports`, { method: 'POST', body, duplex: 'half', headers: { ...bearer('ops'), 'content-type': 'application/octet-stream' } } as RequestInit);
  expect(streamed.status).toBe(413);
  expect(streamed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(countEvents(t.file)).toBe(before);
});

it('answers 404 for a job it does not know and 400 for an id that is no UUID', async () => {
  expect((await t.request('GET', '/admin/imports/0b8a3f9e-6c1d-4a57-9e0b-2f4c8d1a7e35', undefined, bearer('ops'))).status).toBe(404);
  const bad = await t.request('GET', '/admin/imports/nope', undefined, bearer('ops'));
  expect(bad.status).toBe(400);
  expect(bad.json.errors).toEqual([{ field: 'jobId', message: 'must be a UUID' }]);
});

it('keeps every row a job appended across a restart; the job itself, kept in memory, is forgotten', async () => {
  const before = countEvents(t.file);
  const file = t.file;
  restartedDir = t.dir;
  await t.close({ keep: true });
  t = await startTestApp({ file, app: APP_OPTIONS });

  expect(countEvents(t.file)).toBe(before);
  expect((await t.request('GET', gdeltJob, undefined, bearer('ops'))).status).toBe(404);
  const job = await finished((await upload(GDELT)).headers.get('location')!);
  expect(job).toMatchObject({ state: 'finished', accepted: 0, alreadyRecorded: 234 });
  expect(countEvents(t.file)).toBe(before);
});
