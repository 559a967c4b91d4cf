/**
 * `node dist/bench/cpu-profile-summary.js <file.cpuprofile> [--top 25]`
 *
 * What a `--cpu-prof` profile of the server (bench:read --profile) says: the functions with the
 * most self time, as a share of the busy samples (idle, program and GC listed apart), so
 * docs/read-performance.md can quote where time goes with figures rather than impressions.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<string, number>();
let totalMs = 0;
const special = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const node = byId.get(id)!;
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  const { functionName, url, lineNumber } = node.callFrame;
  if (['(idle)', '(program)', '(garbage collector)'].includes(functionName)) {
    special.set(functionName, (special.get(functionName) ?? 0) + ms);
    if (functionName === '(idle)') return;
  }
  totalMs += ms;
  const where = url ? `${url.replace(/^.*node_modules\//, '~/').replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`;
  selfMs.set(key, (selfMs.get(key) ?? 0) + ms);
});
// Inclusive time of our own functions (dist/src): a function's samples and its callees', counted once per sample.
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const inclusiveMs = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
    if (!url.includes('/dist/src/')) continue;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusiveMs.set(key, (inclusiveMs.get(key) ?? 0) + ms);
  }
});
const rows = [...selfMs.entries()].sort((x, y) => y[1] - x[1]).slice(0, Number(values.top));
console.log(`busy ${totalMs.toFixed(0)} ms; idle ${(special.get('(idle)') ?? 0).toFixed(0)} ms; GC ${(special.get('(garbage collector)') ?? 0).toFixed(0)} ms`);
console.log('| self % | self ms | function |\n| ---: | ---: | --- |');
for (const [key, ms] of rows) console.log(`| ${((100 * ms) / totalMs).toFixed(1)} | ${ms.toFixed(0)} | ${key} |`);
console.log('\n| inclusive % | inclusive ms | our function |\n| ---: | ---: | --- |');
for (const [key, ms] of [...inclusiveMs.entries()].sort((x, y) => y[1] - x[1]).slice(0, Number(values.top))) console.log(`| ${((100 * ms) / totalMs).toFixed(1)} | ${ms.toFixed(0)} | ${key} |`);
