import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../support/build-server.js';

/**
 * The server as started by `npm start` collects its garbage once it falls quiet
 * (src/startup/collect-at-rest.ts) and says so in its log; COLLECT_AT_REST=off turns that off, a
 * number of MB sets the growth worth collecting.
 */

const ANSI = /\x1b\[[0-9;]*m/g;
const COLLECTED = /Collected garbage at rest in \d+ ms: heap (\d+) → (\d+) MB, RSS (\d+) → (\d+) MB/;
let server: Awaited<ReturnType<typeof buildServer>>;
let scratch: string;

beforeAll(async () => {
  server = await buildServer('collect-at-rest-build');
  scratch = mkdtempSync(join(tmpdir(), 'demarche-at-rest-'));
}, 120_000);

afterAll(() => {
  server?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts the built server with the seed story, leaves it alone for `restMs` once it listens, stops it; its output. */
function runQuietly(env: Record<string, string>, restMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [server.main, '--seed'], {
      env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', READ_MODEL_SNAPSHOTS: 'off', DATA_DIR: join(scratch, env.COLLECT_AT_REST ?? 'on'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let resting = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!resting && /listening on/.test(output)) {
        resting = true;
        setTimeout(() => child.kill('SIGTERM'), restMs);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(output.replace(ANSI, ''));
    });
    child.once('error', reject);
  });
}

// The seed story's server holds about 55 MB after start-up, under the default growth of 64 MB: 16 is asked for.
it('once quiet after start-up, collects once and logs what it gave back', async () => {
  const output = await runQuietly({ COLLECT_AT_REST: '16' }, 5_000);

  const lines = output.split('\n').filter((line) => COLLECTED.test(line));
  expect(lines).toHaveLength(1);
  const [, heapBefore, heapAfter] = COLLECTED.exec(lines[0])!.map(Number);
  expect(heapAfter).toBeLessThan(heapBefore);
}, 90_000);

it('COLLECT_AT_REST=off: never', async () => {
  const output = await runQuietly({ COLLECT_AT_REST: 'off' }, 5_000);

  expect(output).toMatch(/listening on/);
  expect(output).not.toMatch(/Collected garbage at rest/);
}, 90_000);
