/**
 * `node --expose-gc dist/bench/read-memory.bench.js [snapshot]` (default /tmp/bench1m/read-model.snapshot):
 * what the read side keeps in the heap, step by step — the read model restored from its snapshot,
 * then the indexed beliefs of every pair that a ranking of "now" builds and keeps, then the kept
 * ranking. Heap after a full GC, and RSS, at each step. It reads the snapshot file and nothing else.
 */
import { loadSnapshot } from '../src/projections/read-model-snapshot.js';
import { RelationsReadModel, type ReadModelParts } from '../src/projections/relations.read-model.js';

const file = process.argv[2] ?? '/tmp/bench1m/read-model.snapshot';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0).padStart(6);

function measure(step: string): void {
  gc!();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  process.stdout.write(`${step.padEnd(58)} heap ${mb(heapUsed)} MB   array buffers ${mb(arrayBuffers)} MB   RSS ${mb(rss)} MB\n`);
}

measure('nothing loaded');
const snapshot = loadSnapshot(file);
if (!snapshot) throw new Error(`no usable snapshot at ${file}`);
const parts = Object.fromEntries(snapshot.parts as [string, unknown][]) as unknown as ReadModelParts;
const model = new RelationsReadModel(
  (a, b) => Number(a) - Number(b),
  async () => [],
  parts,
);
snapshot.parts.length = 0;
measure(`read model restored (${model.pairCount} pairs, ${model.incidentCount} incidents)`);
const now = Date.now();
const perspective = { atMs: now, atIso: new Date(now).toISOString() };
const started = performance.now();
await model.relationPage({}, perspective, { limit: 0, offset: 0 });
const ranked = performance.now() - started;
measure(`+ every pair's beliefs indexed, ranking kept (${ranked.toFixed(0)} ms)`);
const again = performance.now();
await model.relationPage({}, perspective, { limit: 0, offset: 0 });
process.stdout.write(`a second page at the same instant: ${(performance.now() - again).toFixed(1)} ms\n`);
