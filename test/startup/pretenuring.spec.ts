import { spawnSync } from 'node:child_process';
import { NO_PRETENURING, stopPretenuring } from '../../src/startup/pretenuring.js';

/**
 * A process that first keeps every object one literal allocates (so V8 judges the place
 * long-lived and pretenures it), then, still holding them, lets it allocate 1.5M more as garbage:
 * how much the old generation grew meanwhile, in MB. With the flag set at run time, as the server
 * sets it, the garbage stays young.
 */
const PROBE = `
import v8 from 'node:v8';
const flag = process.argv[1];
if (flag) v8.setFlagsFromString(flag);
const make = (i) => ({ i, next: i + 1, label: 'incident' });
const kept = [];
for (let i = 0; i < 400_000; i++) kept.push(make(i));
const oldSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_used_size;
const before = oldSpace();
let last;
for (let i = 0; i < 1_500_000; i++) last = make(i);
console.log(JSON.stringify({ grewMB: (oldSpace() - before) / 1048576, last: last.i, kept: kept.length }));
`;

function oldGenerationGrowthMB(flag: string | undefined): number {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, ...(flag === undefined ? [] : [flag])], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the probe failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { grewMB: number }).grewMB;
}

describe('stopPretenuring: short-lived objects stay in the young generation', () => {
  it('is turned off when set at run time, as the server sets it: garbage from a place once judged long-lived no longer fills the old generation', () => {
    const pretenured = oldGenerationGrowthMB(undefined);
    const young = oldGenerationGrowthMB(NO_PRETENURING);

    // 1.5M garbage objects of ~40 bytes: 50–57 MB measured when they go to the old generation, 4 MB when they die young.
    expect(pretenured).toBeGreaterThan(20);
    expect(young).toBeLessThan(pretenured / 4);
  });

  it("leaves a setting given on node's command line alone", () => {
    expect(stopPretenuring(['--allocation-site-pretenuring'])).toBe(false);
    expect(stopPretenuring(['--no-allocation-site-pretenuring'])).toBe(false);
    expect(stopPretenuring(['--allocation_site_pretenuring'])).toBe(false);
  });

  it('turns it off otherwise', () => {
    expect(stopPretenuring(['--enable-source-maps', '--heap-growing-percent=50'])).toBe(true);
  });
});
