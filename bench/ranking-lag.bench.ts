/**
 * `npm run bench:ranking-lag [-- --snapshot /tmp/bench1m/read-model.snapshot --passes 8 --slice 3]`
 *
 * How long the timer's re-rank of "now" (src/projections/ranking-ahead.ts) holds the event loop on
 * the 1M store, made in slices of `--slice` ms against the same pass made in one go (a slice with
 * no end: what main did before 3 Dec 2026), alternated in one run. The read model is restored
 * in-process from the snapshot bench:read's server keeps (read, never written). Before each pass
 * a page of the first 50 pairs reads the ranking of a minute ago, so the timer ranks again. A
 * 1 ms interval stands for the requests: its lateness (perf_hooks' event-loop delay) is what a
 * request arriving during the pass would wait. It prints medians; it does not judge.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { ProjectionRunner } from '../src/projections/projection-runner.js';
import { RankingAhead } from '../src/projections/ranking-ahead.js';
import { readSnapshot } from '../src/projections/read-model-snapshot.js';
import type { ReadModelParts } from '../src/projections/incident-rows.js';
import { RelationsReadModel, type Perspective } from '../src/projections/relations.read-model.js';

const { values: flags } = parseArgs({
  options: {
    snapshot: { type: 'string', default: '/tmp/bench1m/read-model.snapshot' },
    passes: { type: 'string', default: '8' },
    slice: { type: 'string', default: '3' },
  },
});

const snapshot = readSnapshot(flags.snapshot);
if (!snapshot) throw new Error(`No read-model snapshot at ${flags.snapshot}: run bench:read (or bench:replay) first`);
const model = new RelationsReadModel(
  (a, b) => Number(a) - Number(b),
  async () => [],
  Object.fromEntries(snapshot.parts as [string, unknown][]) as unknown as ReadModelParts,
);
const startMs = Date.parse('2026-12-03T12:00:00.000Z');
let nowMs = startMs;
const at = (atMs: number): Perspective => ({ atMs, atIso: new Date(atMs).toISOString() });
// The timer is set (so a pass goes on between slices) but fires once an hour: the bench calls check itself.
const ahead = new RankingAhead({ readModel: model } as unknown as ProjectionRunner, { now: () => new Date(nowMs) }, { everyMs: 3_600_000, leadMs: 15_000 });
ahead.onApplicationBootstrap();

const indexing = performance.now();
await model.relationPage({}, at(startMs), { limit: 50, offset: 0 });
console.log(`1M read model restored; first ranking (indexes every pair) ${(performance.now() - indexing).toFixed(0)} ms`);

interface Pass {
  wallMs: number;
  maxLagMs: number;
}
const passes: Record<'one go' | 'slices', Pass[]> = { 'one go': [], slices: [] };
const sliceMs = Number(flags.slice);
for (let n = 0; n < 2 * Number(flags.passes); n++) {
  const mode = n % 2 === 0 ? 'one go' : 'slices';
  nowMs = startMs + (n + 1) * 61_000;
  // A page read the ranking made a minute ago: it lapses within the lead, so the check ranks again.
  await model.relationPage({}, at(nowMs - 15_000), { limit: 50, offset: 0 });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const requests = setInterval(() => undefined, 1);
  delay.enable();
  await sleep(20);
  const began = performance.now();
  const kept = await ahead.check(15_000, mode === 'one go' ? Infinity : sliceMs);
  const wallMs = performance.now() - began;
  await sleep(20);
  delay.disable();
  clearInterval(requests);
  if (!kept) throw new Error(`pass ${n + 1} kept no ranking`);
  passes[mode].push({ wallMs, maxLagMs: delay.max / 1e6 });
}
ahead.onApplicationShutdown();

const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1];
const figures = (mode: keyof typeof passes) => ({
  lag: median(passes[mode].map(({ maxLagMs }) => maxLagMs)),
  worst: Math.max(...passes[mode].map(({ maxLagMs }) => maxLagMs)),
  wall: median(passes[mode].map(({ wallMs }) => wallMs)),
});
const [whole, sliced] = [figures('one go'), figures('slices')];
console.log(`\nbench:ranking-lag — ${flags.passes} passes each, alternated; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| re-rank of now | longest wait of the loop, median ms | worst ms | pass wall time, median ms |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| in one go | ${whole.lag.toFixed(1)} | ${whole.worst.toFixed(1)} | ${whole.wall.toFixed(1)} |`);
console.log(`| in slices of ${sliceMs} ms | ${sliced.lag.toFixed(1)} | ${sliced.worst.toFixed(1)} | ${sliced.wall.toFixed(1)} |`);
console.log(`longest wait in slices / in one go: ${(sliced.lag / whole.lag).toFixed(2)}`);
