/**
 * `npm run test:crash -- --kills 20 --incidents 20000 [--writers 16] [--seed N] [--keep-data]`
 *
 * Runs the crash-safety trial (test/crash/crash-harness.ts) against the built server
 * (dist/src/main.js), prints its figures and exits 1 when any guarantee was broken.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCrashReport, runCrashTrial } from '../test/crash/crash-harness.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    incidents: { type: 'string', default: '20000' },
    writers: { type: 'string', default: '16' },
    seed: { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
  },
});

function count(name: string, value: string | undefined, min: number): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return parsed;
}

// Compiled to dist/scripts/; the server it runs is the same build's dist/src/main.js.
const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');
if (!existsSync(main)) {
  console.error(`${main} is missing: run npm run build first (npm run test:crash does)`);
  process.exit(2);
}

const report = await runCrashTrial({
  main,
  kills: count('kills', values.kills, 0),
  incidents: count('incidents', values.incidents, 1),
  writers: count('writers', values.writers, 1),
  seed: values.seed === undefined ? undefined : count('seed', values.seed, 1),
  keepData: values['keep-data'],
  log: (line) => console.log(line),
});
console.log(`\n${formatCrashReport(report)}`);
if (values['keep-data']) console.log(`data kept in ${report.dataDir}`);
console.log(report.problems.length === 0 ? '\nPASS: every guarantee held' : `\nFAIL — reproduce the plan with --seed ${report.seed}`);
process.exit(report.problems.length === 0 ? 0 : 1);
