/**
 * `node dist/bench/import-profile.js --file GDELT.CSV [--store DB] [--out import.cpuprofile] [--no-profile]`
 *
 * The import phase of bench/import.bench.ts alone, for finding where its time goes: the same app
 * (heap tuned, read model paused, fresh SQLite store unless `--store`), with the CPU profiler on around importFile
 * only (not the app's start), and each thread's CPU read from /proc/self/task, so the main
 * thread, the SQLite writer and V8's GC helpers are told apart. Summarise a CPU profile with
 * bench/cpu-profile-summary.ts; `--allocations` writes a sampling heap profile instead (every
 * allocation, garbage included), which Chrome DevTools opens (name it *.heapprofile) and
 * bench/heap-profile-summary.ts summarises. Make the file with `node dist/bench/import.bench.js --rows N --dir D --keep`.
 * `--store DB` imports into that SQLite store, kept afterwards, rather than a fresh one: given a
 * store the file was imported into before, it profiles a re-import (docs/importing.md).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { EventImporter } from '../src/import/event-importer.js';
import { tuneHeapForImport } from '../src/import/import-heap.js';

const { values: flags } = parseArgs({
  options: {
    file: { type: 'string' },
    out: { type: 'string', default: 'import.cpuprofile' },
    'no-profile': { type: 'boolean', default: false },
    /** Sample allocations (garbage included) instead of CPU: writes a .heapprofile. */
    allocations: { type: 'boolean', default: false },
    store: { type: 'string' },
  },
});
if (!flags.file) throw new Error('--file GDELT.CSV is required');
const dir = flags.store ? undefined : mkdtempSync(join(tmpdir(), 'demarche-import-profile-'));

tuneHeapForImport();
// The read model as `npm run import` starts it, empty and paused: on a fresh store the same as (b)'s
// started and paused, and on an existing one not built from its log, which the CLI does not do either.
const app = await createApp({ eventStore: { kind: 'sqlite', file: flags.store ?? join(dir!, 'demarche.db') }, logger: ['error', 'warn'], searchIndex: false, readModel: false });
const rssAtStart = process.memoryUsage().rss;

const session = new Session();
const profiling = !flags['no-profile'];
if (profiling) session.connect();
if (profiling && flags.allocations) {
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
} else if (profiling) {
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const threadsBefore = threadCpu();
const elu = performance.eventLoopUtilization();
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const cpu = process.cpuUsage();
const started = performance.now();
const report = await app.get(EventImporter).importFile(flags.file);
const wallMs = performance.now() - started;
clearInterval(sampler);
const cpuUsed = process.cpuUsage(cpu);
const idle = performance.eventLoopUtilization(elu);
const threadsAfter = threadCpu();
if (profiling) {
  const { profile } = flags.allocations ? await session.post('HeapProfiler.stopSampling') : await session.post('Profiler.stop');
  writeFileSync(flags.out, JSON.stringify(profile));
}
await app.close();
if (dir) rmSync(dir, { recursive: true, force: true });

console.log(`${report.rowsRead} rows → ${report.incidentsCreated} incidents + ${report.corroborations} corroborations; ${report.alreadyRecorded} already recorded`);
console.log(
  `wall ${(wallMs / 1000).toFixed(1)} s; CPU ${((cpuUsed.user + cpuUsed.system) / 1e6).toFixed(1)} s; main thread idle ${(idle.idle / 1000).toFixed(1)} s; ` +
    `RSS at the start ${Math.round(rssAtStart / 2 ** 20)} MB, peak RSS ${Math.round(peakRss / 2 ** 20)} MB (process maxRSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`,
);
console.log('CPU by thread (s):');
for (const [name, ms] of [...threadsAfter].map(([name, ms]) => [name, ms - (threadsBefore.get(name) ?? 0)] as const).sort((a, b) => b[1] - a[1])) {
  if (ms > 50) console.log(`  ${name.padEnd(24)} ${(ms / 1000).toFixed(1)}`);
}

/** CPU milliseconds of each thread of this process, by name and id. */
function threadCpu(): Map<string, number> {
  const ticksPerSecond = 100;
  const byName = new Map<string, number>();
  for (const task of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      // The main thread is the one whose id is the process's; workers are named as node names them.
      const name = task === String(process.pid) ? 'main' : `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))} ${task}`;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
      byName.set(name, (byName.get(name) ?? 0) + ms);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byName;
}
