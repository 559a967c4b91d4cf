import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../support/build-server.js';
import { runServer } from '../support/server-run.js';

/**
 * A server that cannot start says why in one line naming the setting and the operating system's
 * reason, and exits 1 — no stack trace, no file of ours in the message (issue 11, point 8).
 *
 * Tests run as root, for whom chmod blocks nothing, so the unwritable places are ones that refuse
 * even root: sysfs (/sys/kernel: EACCES), procfs (/proc: no new entries), and a regular file
 * standing where a directory is expected (ENOTDIR).
 */

const ANSI = /\x1b\[[0-9;]*m/g;
let server: Awaited<ReturnType<typeof buildServer>>;
let scratch: string;

beforeAll(async () => {
  server = await buildServer('startup-errors-build');
}, 120_000);

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'demarche-startup-'));
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

afterAll(() => server.remove());

/** Runs the server, expecting it to refuse to start; returns the one error line. */
async function refusal(env: Record<string, string>): Promise<string> {
  const run = await runServer(server.main, { HOST: '127.0.0.1', DATA_DIR: join(scratch, 'data'), ...env });
  const output = run.output.replace(ANSI, '');
  expect(run.exitCode).toBe(1);
  expect(output).not.toMatch(/\n\s+at |node_modules|\.js:\d+/);
  expect(output).not.toContain('Demarche listening on');
  const errors = output.split('\n').filter((line) => /\bERROR\b/.test(line));
  expect(errors).toHaveLength(1);
  return errors[0].replace(/^.*?ERROR \[Demarche\] /, '').trim();
}

describe('DATA_DIR', () => {
  (existsSync('/sys/kernel') ? it : it.skip)('on a file system that refuses even root (sysfs): not writable, EACCES', async () => {
    await expect(refusal({ DATA_DIR: '/sys/kernel' })).resolves.toBe('DATA_DIR=/sys/kernel is not writable: EACCES permission denied');
  }, 30_000);

  it('under a regular file: cannot be created, ENOTDIR', async () => {
    writeFileSync(join(scratch, 'a-file'), 'not a directory');
    const dir = join(scratch, 'a-file', 'data');

    await expect(refusal({ DATA_DIR: dir })).resolves.toBe(`DATA_DIR=${dir} cannot be created: ENOTDIR not a directory (a file stands where a directory is expected)`);
  }, 30_000);

  it('that is itself a regular file: not a directory', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a directory');

    await expect(refusal({ DATA_DIR: file })).resolves.toBe(`DATA_DIR=${file} is not a directory: ENOTDIR not a directory`);
  }, 30_000);

  it('under /proc, where nothing can be created (and a recursive mkdir never returns): ENOENT, promptly', async () => {
    await expect(refusal({ DATA_DIR: '/proc/demarche-data' })).resolves.toBe('DATA_DIR=/proc/demarche-data cannot be created: ENOENT no such file or directory');
  }, 30_000);

  it('whose demarche.db cannot be opened: names the file and the reason', async () => {
    const dir = join(scratch, 'data');
    mkdirSync(join(dir, 'demarche.db'), { recursive: true });

    await expect(refusal({ DATA_DIR: dir })).resolves.toBe(`DATA_DIR=${dir}: demarche.db cannot be opened for reading and writing: EISDIR illegal operation on a directory`);
  }, 30_000);
});

describe('PORT', () => {
  let holder: Server;

  afterEach(async () => {
    await new Promise((resolve) => holder?.close(resolve));
  });

  it('in use by another process: EADDRINUSE, naming PORT', async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;

    const line = await refusal({ PORT: String(port) });

    expect(line).toBe(`PORT=${port} is in use on 127.0.0.1 (EADDRINUSE): another process is listening there; stop it or choose another PORT`);
  }, 30_000);
});

describe('a bad setting', () => {
  it.each([
    [{ PORT: 'eighty' }, "PORT must be a whole number from 0 to 65535, got 'eighty'"],
    [{ RATE_LIMIT_PER_MINUTE: 'ten' }, "RATE_LIMIT_PER_MINUTE must be a positive whole number, got 'ten'"],
    [{ HEAP_GROWING_PERCENT: '0' }, "HEAP_GROWING_PERCENT must be a whole number from 1 to 100, or unset for V8's own growth, got '0'"],
    [{ COLLECT_AT_REST: 'sometimes' }, "COLLECT_AT_REST must be on, off, or a growth of the heap in whole MB from 1 to 999999, got 'sometimes'"],
    [{ TRUST_PROXY: '10.0.0.5' }, 'TRUST_PROXY needs API_KEYS: without keys this server accepts writes only from this machine, never through a proxy (see docs/guarantees.md)'],
    [{ API_KEYS: 'bob:admin:correct horse battery staple' }, "API_KEYS entry 1 ('bob'): the secret contains whitespace (character 8), so no client could ever present this key; use e.g. openssl rand -hex 24"],
    [{ API_KEYS: 'anonymous:admin:0123456789abcdef0123' }, "API_KEYS entry 1: the name 'anonymous' is reserved (anonymous and loopback name callers without a key)"],
  ])('%j: one line naming it, no secret echoed', async (env, message) => {
    const line = await refusal(env);

    expect(line).toBe(message);
    expect(line).not.toContain('horse battery');
    expect(line).not.toContain('0123456789abcdef0123');
  }, 30_000);
});
