/**
 * `node dist/bench/startup-memory.bench.js --work /tmp/bench1m-tl [--node-flags=…]`: where the
 * server's start-up footprint comes from. It starts the real server (`dist/src/main.js`) with
 * MEMORY_LOG=1 on the private copy of the 1M store that bench:read made in `--work` (never the
 * original), asks GET /health every half second and prints the memory line each answer logs —
 * RSS, V8 heap used/total, array buffers — at each change of phase: the server answering, the
 * search index being built, the index caught up, and 10 s at rest after it. It reports; it does
 * not judge.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort, peakRss, stop } from './bench-process.js';

const { values: flags } = parseArgs({ options: { work: { type: 'string', default: '/tmp/bench1m-read' }, 'node-flags': { type: 'string' } } });
const serverScript = fileURLToPath(new URL('../src/main.js', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, [...(flags['node-flags']?.split(' ').filter(Boolean) ?? []), serverScript], {
  env: { ...process.env, DATA_DIR: flags.work!, PORT: String(port), HOST: '127.0.0.1', NO_COLOR: '1', EVENT_STORE: 'sqlite', MEMORY_LOG: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
let lastLine = '';
child.stdout!.on('data', (chunk: Buffer) => {
  for (const line of chunk.toString().split('\n')) {
    const memory = /memory (after start-up|after GET \/health 200): (.*)/.exec(line);
    if (memory) lastLine = memory[1] === 'after start-up' ? `start-up done: ${memory[2]}` : memory[2];
  }
});
const started = performance.now();
const at = () => `${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const print = (phase: string) => process.stdout.write(`${at()}  ${phase.padEnd(28)} ${lastLine}  (peak ${peakRss(child)?.toFixed(0)} MB)\n`);

async function status(path: string): Promise<number | undefined> {
  try {
    return (await fetch(`${url}${path}`)).status;
  } catch {
    return undefined;
  }
}

while ((await status('/health')) !== 200) await sleep(500);
print('answering');
let ticks = 0;
while ((await status('/incidents?q=bench&limit=1')) === 503) {
  await status('/health');
  if (++ticks % 10 === 0) print('search index being built');
  await sleep(500);
}
await status('/health');
print('search index caught up');
for (let s = 0; s < 10; s++) await sleep(1000);
await status('/health');
print('10 s at rest');
await stop(child, exited);
