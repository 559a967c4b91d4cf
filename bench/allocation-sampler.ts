/**
 * Preloaded into the real server (`node --import dist/bench/allocation-sampler.js dist/src/main.js`)
 * to find which code allocates what grows V8's heap, garbage included: V8's sampling heap profiler
 * started at once, keeping samples of objects the collector has freed too (so a read that only
 * makes garbage still shows). On SIGWINCH it writes the top allocating functions (self bytes, with
 * their callers' chain) to ALLOCATION_LOG and starts sampling afresh.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const file = process.env.ALLOCATION_LOG ?? '/tmp/allocation-log.txt';
const session = new Session();
session.connect();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));

const start = () => post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
void post('HeapProfiler.enable').then(start);

function frame(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
}

/** Self bytes per allocating stack, keeping the last few frames of ours so the caller is named. */
function summarise(root: ProfileNode): string {
  const byStack = new Map<string, number>();
  const walk = (node: ProfileNode, path: string[]) => {
    const here = [...path, frame(node)];
    if (node.selfSize > 0) {
      const key = here.slice(-6).join(' < ');
      byStack.set(key, (byStack.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(root, []);
  const total = [...byStack.values()].reduce((a, b) => a + b, 0);
  const top = [...byStack.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  return [`sampled ${(total / 2 ** 20).toFixed(0)} MB allocated`, ...top.map(([stack, bytes]) => `${(bytes / 2 ** 20).toFixed(1).padStart(7)} MB  ${stack.split(' < ').reverse().join(' < ')}`)].join('\n');
}

process.on('SIGWINCH', () => {
  void post('HeapProfiler.stopSampling').then((result) => {
    writeFileSync(file, summarise((result as { profile: { head: ProfileNode } }).profile.head) + '\n');
    return start();
  });
});
