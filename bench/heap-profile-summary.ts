/**
 * `node dist/bench/heap-profile-summary.js <file.heapprofile> [--top 25]`
 *
 * What a sampling heap profile (bench/import-profile.ts --allocations) says: the functions that
 * allocated the most, in MB, garbage included, and the total. A built-in (a string's `split`, a
 * typed array's `subarray`, `postMessage`) is listed with the function of ours that called it,
 * since "subarray" alone does not say which code to change. docs/importing.md quotes these figures.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as { head: HeapNode };

const bytesBySite = new Map<string, number>();
let totalBytes = 0;

function nameOf({ callFrame: { functionName, url, lineNumber } }: HeapNode): string {
  const where = url ? ` ${url.replace(/^.*node_modules\//, '~/').replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where}`;
}

/** A built-in or node's own code: named with the nearest caller of ours. */
function isBuiltIn(node: HeapNode): boolean {
  return node.callFrame.url === '' || node.callFrame.url.startsWith('node:');
}

function visit(node: HeapNode, caller: HeapNode | undefined): void {
  const site = isBuiltIn(node) && caller ? `${nameOf(node)} ← ${nameOf(caller)}` : nameOf(node);
  totalBytes += node.selfSize;
  bytesBySite.set(site, (bytesBySite.get(site) ?? 0) + node.selfSize);
  for (const child of node.children) visit(child, isBuiltIn(node) ? caller : node);
}

visit(profile.head, undefined);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
console.log(`allocated ${mb(totalBytes)} MB (sampled)`);
console.log('| MB | % | site |\n| ---: | ---: | --- |');
for (const [site, bytes] of [...bytesBySite].sort((x, y) => y[1] - x[1]).slice(0, Number(values.top))) {
  console.log(`| ${mb(bytes)} | ${((100 * bytes) / totalBytes).toFixed(1)} | ${site} |`);
}
