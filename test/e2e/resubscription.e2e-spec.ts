import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { backoffDelay } from '../../src/projections/retry-backoff.js';
import { freshRebuild } from '../support/fresh-rebuild.js';
import { captureLogLines, type LogLine } from '../support/log-lines.js';
import { injectSubscriptionFaults, type SubscriptionFaults } from '../support/subscription-faults.js';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';
import { postAccusation } from '../support/accusation.js';

/**
 * When the store's subscription errors or ends, the read model must not freeze: the runner
 * subscribes again from its checkpoint, with backoff, for as long as it takes, says so once when
 * the outage begins and once when it ends, and applies every event exactly once across it.
 */

const clock = fixedClock('2023-12-28T12:00:00.000Z');
/** Fast retries, so a test sees many attempts: 10 ms doubling to 80 ms. */
const backoff = { initialDelayMs: 10, maxDelayMs: 80 };

const post = postAccusation;

const outageLines = (lines: LogLine[]) => lines.filter((line) => line.context === 'ProjectionRunner' && /^Log subscription (stopped|resumed)/.test(line.message));

let apps: TestApp[];
let dir: string | undefined;

beforeEach(() => {
  apps = [];
});

afterEach(async () => {
  for (const app of apps.reverse()) await app.close({ keep: true });
  jest.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Another instance on the file (its subscription is not wrapped), then this one, whose subscriptions the faults wrap. */
async function startPair(): Promise<{ app: TestApp; writer: TestApp; faults: SubscriptionFaults; runner: ProjectionRunner }> {
  const writer = await startTestApp({ clock });
  dir = writer.dir;
  apps.push(writer);
  const faults = injectSubscriptionFaults();
  const app = await startTestApp({ file: writer.file, clock, app: { resubscribeBackoff: backoff } });
  apps.push(app);
  return { app, writer, faults, runner: app.app.get(ProjectionRunner) };
}

const stops: [string, (faults: SubscriptionFaults) => Promise<void> | void][] = [
  ['fails mid-stream', (faults) => faults.failNext(new Error('14 UNAVAILABLE: Connection dropped'))],
  ['ends cleanly', (faults) => faults.endAll()],
];

describe.each(stops)('a log subscription that %s', (_, stop) => {
  it('is resubscribed with backoff until the store is back; one line for the outage, one for the recovery; every incident applied exactly once', async () => {
    const { app, writer, faults, runner } = await startPair();
    const lines = captureLogLines();
    const announced: string[] = [];
    runner.updates$.subscribe((update) => announced.push(update.position));
    const before = [await post(app, 'EST', 'RUS'), await post(app, 'LVA', 'RUS')];

    // The store goes away: the live subscription stops and new ones are refused for a while.
    faults.refuse(new Error('14 UNAVAILABLE: No connection established'));
    await stop(faults);
    // Written by another instance while this one is cut off; the first is what a failing subscription fails on.
    const during = [await post(writer, 'LTU', 'RUS'), await post(writer, 'FIN', 'RUS')];
    await waitFor(() => runner.following.state === 'down' && faults.refused >= 8, 'eight refused attempts to resubscribe');
    const down = runner.following;
    const health = await app.request('GET', '/health');
    // Back, and handing over again everything from the start of the log (an at-least-once store).
    faults.accept({ redeliverFrom: null });
    await waitFor(() => runner.position === during[1].position, 'the read model to catch up with what was written during the outage');
    const after = [await post(app, 'POL', 'RUS'), await post(app, 'NOR', 'RUS')];
    await waitFor(() => runner.following.state === 'following', 'the outage to be declared over');

    expect(down).toMatchObject({ state: 'down', attempts: expect.any(Number) });
    expect(health.status).toBe(200);
    const outage = outageLines(lines);
    expect(outage).toHaveLength(2);
    expect(outage[0]).toMatchObject({ level: 'error', message: expect.stringMatching(new RegExp(`^Log subscription stopped at checkpoint ${before[1].position}: .+\\. The read model no longer follows the log`)) });
    expect(outage[1]).toMatchObject({ level: 'log', message: expect.stringMatching(/^Log subscription resumed at checkpoint \d+ after \d+\.\d s down \((\d+) attempts\)/) });
    expect(Number(/\((\d+) attempts\)/.exec(outage[1].message)![1])).toBeGreaterThanOrEqual(8);
    // Every event of the log announced once, in order: nothing applied twice, nothing skipped.
    const log = (await app.request('GET', '/events?limit=1000')).json.events.map((event: { position: string }) => event.position);
    expect(log).toHaveLength(6);
    expect(announced).toEqual(log);
    const fresh = await freshRebuild(app.file);
    const served = (await app.request('GET', '/admin/projections')).json.projections[0];
    expect(served).toMatchObject({ hash: fresh.hash, events: countEvents(app.file), checkpoint: after[1].position });
    for (const { incidentId } of [...before, ...during, ...after]) expect((await app.request('GET', `/incidents/${incidentId}`)).status).toBe(200);
  });
});

describe('a rebuild asked for during an outage', () => {
  it('swaps in a model built up to the live checkpoint; the runner then follows on from there once, applying nothing twice', async () => {
    const { app, writer, faults, runner } = await startPair();
    const announced: string[] = [];
    runner.updates$.subscribe((update) => announced.push(update.position));
    const before = await post(app, 'EST', 'RUS');
    faults.refuse(new Error('14 UNAVAILABLE: No connection established'));
    await faults.endAll();
    const during = await post(writer, 'LVA', 'RUS');
    await waitFor(() => faults.refused >= 2, 'two refused attempts to resubscribe');

    const rebuilt = await app.request('POST', '/admin/projections/rebuild', '', { 'content-type': 'application/json' });
    const stillDown = runner.following.state;
    faults.accept();
    const after = await post(writer, 'LTU', 'RUS');
    await waitFor(() => runner.position === after.position && runner.following.state === 'following', 'the runner to follow the log again');

    expect(rebuilt.status).toBe(200);
    expect(rebuilt.json).toMatchObject({ events: 1, checkpoint: before.position });
    expect(stillDown).toBe('down');
    // Each event announced once, by the model that was live when it was applied.
    expect(announced).toEqual([before.position, during.position, after.position]);
    expect((await app.request('GET', '/admin/projections')).json.projections[0]).toMatchObject({ hash: (await freshRebuild(app.file)).hash, events: 3 });
  });
});

describe('a real fault in the SQLite file', () => {
  it('stops the subscription on a row it cannot read, keeps trying while it is there, and follows the log again once it is repaired', async () => {
    const app = await startTestApp({ clock, app: { resubscribeBackoff: backoff } });
    dir = app.dir;
    apps.push(app);
    const runner = app.app.get(ProjectionRunner);
    const lines = captureLogLines();
    const first = await post(app, 'EST', 'RUS');
    // Another program sharing the file writes a row whose data is not JSON (a faulty import).
    const other = new Database(app.file);
    try {
      const { lastInsertRowid } = other
        .prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, 0, ?, ?, ?, ?)')
        .run('import-1', randomUUID(), 'ImportNote', '{"note": "cut sh', '{}');
      await waitFor(() => runner.following.state === 'down', 'the subscription to stop on the unreadable row');
      const ready = await app.request('GET', '/health/ready');
      // Reported during the outage: recorded (201), though the read model cannot show it yet.
      const during = await post(app, 'LVA', 'RUS');
      const attempts = runner.following.state === 'down' ? runner.following.attempts : 0;
      other.prepare('UPDATE events SET data = ? WHERE position = ?').run('{"note": "repaired"}', lastInsertRowid);
      await waitFor(() => runner.following.state === 'following', 'the subscription to follow the log again');
      const after = await post(app, 'LTU', 'RUS');

      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ reason: 'subscription-down', detail: expect.stringContaining('JSON') });
      expect(attempts).toBeGreaterThan(1);
      const outage = outageLines(lines);
      expect(outage.map((line) => line.level)).toEqual(['error', 'log']);
      expect(outage[0].message).toMatch(new RegExp(`^Log subscription stopped at checkpoint ${first.position}: .*JSON`));
      expect((await app.request('GET', `/incidents/${during.incidentId}`)).status).toBe(200);
      expect((await app.request('GET', `/incidents/${after.incidentId}`)).status).toBe(200);
      expect((await app.request('GET', '/admin/projections')).json.projections[0]).toMatchObject({ hash: (await freshRebuild(app.file)).hash, checkpoint: after.position, events: 3 });
    } finally {
      other.close();
    }
  });
});

describe('the delay between attempts', () => {
  it('doubles from the first delay up to the cap, each between half and all of its step', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 30_000 };
    const steps = [100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 30_000, 30_000, 30_000];

    const lowest = steps.map((_, attempt) => backoffDelay(attempt, options, () => 0));
    const highest = steps.map((_, attempt) => backoffDelay(attempt, options, () => 1));

    expect(lowest).toEqual(steps.map((step) => step / 2));
    expect(highest).toEqual(steps);
    expect(backoffDelay(10_000, options, () => 0.5)).toBe(22_500);
  });
});
