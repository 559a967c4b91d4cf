import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../../src/cli/replay.js';
import { loadSnapshot } from '../../src/projections/read-model-snapshot.js';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { fixedClock, startTestApp } from '../support/test-app.js';

/**
 * `npm run replay`: rebuilds the read model of the store named by the environment, says how it
 * went, and prints a relation's state at a chosen time. Run in-process on a temporary DATA_DIR.
 */

let dir: string;
/** What the app served for the seed story, to compare the CLI's figures with. */
let served: { hash: string; asOf: any; knownAt: any };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demarche-replay-'));
  const app = await startTestApp({ file: join(dir, 'demarche.db'), clock: fixedClock('2023-12-28T12:00:00.000Z') });
  await loadSeeds(app.app);
  served = {
    hash: (await app.request('GET', '/admin/projections')).json.projections[0].hash,
    asOf: (await app.request('GET', '/relations/AZE/FRA?asOf=2023-12-27')).json,
    knownAt: (await app.request('GET', '/relations/AZE/FRA?asOf=2023-12-27&knownAt=2023-12-28T13:00:00Z')).json,
  };
  await app.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function replay(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runReplay(argv, {
    env: { DATA_DIR: dir },
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('npm run replay', () => {
  it('rebuilds from the whole log, prints events, duration, rate and the hash the server shows, and persists the result', async () => {
    const { code, stdout, stderr } = await replay();

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Replayed 15 events in \d+\.\d\d s \([\d,]+ events\/s\)$/m);
    expect(stdout).toMatch(/^Read model: 15 incidents in 3 relations, checkpoint 15$/m);
    expect(stdout).toContain(`Hash: ${served.hash}\n`);
    expect(stdout).toContain(`Persisted to ${join(dir, 'read-model.snapshot')}`);
    expect(loadSnapshot(join(dir, 'read-model.snapshot'))).toMatchObject({ log: { checkpoint: { position: '15' } } });
  });

  it('prints the pair’s state as of a date as a table, with the figures the API gives', async () => {
    const { code, stdout } = await replay('--as-of', '2023-12-27', '--pair', 'FRA-AZE');
    const view = served.asOf;
    const row = (label: string) => stdout.split('\n').find((line) => line.startsWith(label))?.split(/\s{2,}/);

    expect(code).toBe(0);
    expect(stdout).toContain('AZE–FRA  Azerbaijan – France\nas of 2023-12-27 (2023-12-27T23:59:59.999Z), with everything recorded so far');
    expect(row('Score')).toEqual(['Score', `${view.escalation.score} / 100`]);
    expect(row('Level')).toEqual(['Level', view.escalation.level]);
    expect(row('Trend')?.[1]).toMatch(new RegExp(`^${view.escalation.trend.direction}, `));
    expect(row('Relations')).toEqual(['Relations', view.relations]);
    expect(row(' '.repeat(10))?.slice(1)).toEqual(['AZE', 'FRA']);
    expect(row('Diplomats it expelled')).toEqual(['Diplomats it expelled', String(view.sides[0].diplomatsExpelled), String(view.sides[1].diplomatsExpelled)]);
    expect(row('…still unanswered')).toEqual(['…still unanswered', String(view.sides[0].unansweredExpulsions), String(view.sides[1].unansweredExpulsions)]);
    expect(row('Sanctions it has in force')).toEqual(['Sanctions it has in force', '—', '—']);
    for (const [type, count] of Object.entries(view.countsByType)) expect(row(type)).toEqual([type, String(count)]);
    // Recorded on the 28th, France's answer counts from the 27th: nothing stands as of the end of the 27th.
    expect(view.escalation.conditions).toEqual([]);
    expect(stdout).toContain('Standing conditions: none');
    const contributors = stdout.slice(stdout.indexOf('Top contributors'));
    for (const contributor of view.escalation.topContributors) expect(contributors).toContain(contributor.occurredOn);
    expect(contributors.split('\n').filter((line) => line.trim())).toHaveLength(1 + view.escalation.topContributors.length);
  });

  it('prints the pair as known at a date', async () => {
    const before = await replay('--pair', 'AZE-FRA', '--as-of', '2023-12-27', '--known-at', '2023-12-28T11:00:00Z');
    const after = await replay('--pair', 'AZE-FRA', '--as-of', '2023-12-27', '--known-at', '2023-12-28T13:00:00Z');

    expect(before.stdout).toContain('as of 2023-12-27 (2023-12-27T23:59:59.999Z), as known at 2023-12-28T11:00:00Z');
    expect(before.stdout).toMatch(/^Incidents\s+0$/m);
    expect(before.stdout).toContain('Top contributors: none');
    // As of the 26th, France had not answered yet (its answer counts from the 27th): the expulsion stands, with its points.
    const standing = await replay('--pair', 'AZE-FRA', '--as-of', '2023-12-26');
    expect(standing.stdout).toMatch(/^Azerbaijan's expulsion of 2 diplomats of France on 26 Dec 2023, not answered yet\s{2,}\d+\.\d$/m);
    expect(after.stdout).toMatch(new RegExp(`^Incidents\\s+${served.knownAt.incidentCount}, from `, 'm'));
    expect(after.stdout).toMatch(new RegExp(`^Score\\s+${served.knownAt.escalation.score} / 100$`, 'm'));
  });

  it('exits 1 with a message for a pair with no incidents', async () => {
    const { code, stderr } = await replay('--pair', 'AZE-JPN');

    expect(code).toBe(1);
    expect(stderr).toBe('replay: no incidents are recorded between AZE and JPN\n');
  });

  it.each([
    [['--pair', 'AZE'], "--pair must be two ISO 3166-1 alpha-3 country codes joined by a dash, e.g. AZE-FRA; got 'AZE'"],
    [['--pair', 'AZE-XXX'], '--pair: XXX is not an ISO 3166-1 alpha-3 code'],
    [['--pair', 'FRA-FRA'], '--pair must name two different countries'],
    [['--pair', 'AZE-FRA', '--as-of', '2023-02-30'], '--as-of: 2023-02-30 is not a calendar date'],
    [['--pair', 'AZE-FRA', '--known-at', '27/12/2023'], '--known-at: 27/12/2023 is not a date'],
    [['--as-of', '2023-12-27'], '--as-of and --known-at choose when to look at the relation given by --pair'],
    [['--colour', 'red'], "Unknown option '--colour'"],
    [['--pair'], "Option '--pair <value>' argument missing"],
    [['AZE-FRA'], "Unexpected argument 'AZE-FRA'"],
  ])('refuses %j with exit code 2, saying why, and touches nothing', async (argv, message) => {
    const persisted = loadSnapshot(join(dir, 'read-model.snapshot'))?.savedAt;

    const { code, stdout, stderr } = await replay(...argv);

    expect(persisted).toEqual(expect.any(String));
    expect(loadSnapshot(join(dir, 'read-model.snapshot'))?.savedAt).toBe(persisted);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`replay: ${message}`);
    expect(stderr).toContain('Usage: npm run replay');
  });

  it('prints its usage with --help', async () => {
    const { code, stdout } = await replay('--help');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run replay -- \[--pair AZE-FRA\]/);
  });
});
