import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface ServerProcessOptions {
  /** The built server entry, e.g. dist/src/main.js. */
  main: string;
  dataDir: string;
  /** Further environment for the server (rate limits, snapshots…). */
  env?: Record<string, string>;
  /** How long a start may take before it counts as failed. */
  startTimeoutMs?: number;
}

const LISTENING = /Demarche listening on http:\/\/127\.0\.0\.1:(\d+)/;
const KEEP_OUTPUT_CHARS = 8_000;
/** Starts in a row that fail on their own before the harness gives up on the server. */
const MAX_FAILED_STARTS = 5;

/** One server process, from spawn to exit. */
interface Incarnation {
  child?: ChildProcess;
  killedByHarness: boolean;
  started: boolean;
  listening: Promise<string>;
  exited: Promise<void>;
}

/**
 * The real server (`node dist/src/main.js`) as a child process that the harness can SIGKILL and
 * start again on the same DATA_DIR. Each start listens on a new free port (with PORT=0 the server
 * would not say which); callers ask `url()` for the current one and wait there while it is down.
 *
 * A server that exits without being killed (a crash of its own, a failed start) is a finding: it
 * is recorded in `unexpectedExits` with the end of its output, and started again.
 */
export class ServerProcess {
  /** Processes spawned, the first start included. */
  spawns = 0;
  readonly unexpectedExits: string[] = [];
  private current: Incarnation | undefined;
  private failedStarts = 0;
  private stopped = false;

  constructor(private readonly options: ServerProcessOptions) {}

  /** Starts a server process; `url()` resolves once it listens. */
  spawn(): void {
    if (this.stopped) throw new Error('the server has been stopped for good');
    this.spawns++;
    let markListening!: (url: string) => void;
    let failStart!: (error: Error) => void;
    let markExited!: () => void;
    const incarnation: Incarnation = {
      killedByHarness: false,
      started: false,
      listening: new Promise<string>((resolve, reject) => {
        markListening = resolve;
        failStart = reject;
      }),
      exited: new Promise<void>((resolve) => (markExited = resolve)),
    };
    incarnation.listening.catch(() => undefined);
    this.current = incarnation;

    void freePort().then((port) => {
      if (incarnation.killedByHarness) {
        failStart(new Error('killed before it was started'));
        markExited();
        return;
      }
      let output = '';
      const child = spawn(process.execPath, [this.options.main], {
        env: {
          PATH: process.env.PATH ?? '',
          HOST: '127.0.0.1',
          PORT: String(port),
          DATA_DIR: this.options.dataDir,
          NO_COLOR: '1',
          ...this.options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      incarnation.child = child;
      const startTimeoutMs = this.options.startTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        this.unexpectedExits.push(`server did not listen within ${startTimeoutMs} ms:\n${output}`);
        incarnation.killedByHarness = true;
        this.failedStarts++;
        child.kill('SIGKILL');
        if (this.current === incarnation) this.spawnAgain();
      }, startTimeoutMs);
      const onOutput = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-KEEP_OUTPUT_CHARS);
        const match = incarnation.started ? null : LISTENING.exec(output);
        if (match) {
          incarnation.started = true;
          clearTimeout(timer);
          this.failedStarts = 0;
          markListening(`http://127.0.0.1:${match[1]}`);
        }
      };
      child.stdout!.on('data', onOutput);
      child.stderr!.on('data', onOutput);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        failStart(new Error('the server exited'));
        markExited();
        if (incarnation.killedByHarness || this.current !== incarnation) return;
        // Another process took the port between our probe and the server's listen: not a finding.
        if (!incarnation.started && /EADDRINUSE/.test(output)) {
          this.spawnAgain();
          return;
        }
        this.unexpectedExits.push(`server exited on its own (code ${code}, signal ${signal}) ${incarnation.started ? 'while serving' : 'while starting'}:\n${output}`);
        if (!incarnation.started) this.failedStarts++;
        this.spawnAgain();
      });
    }, (error: unknown) => {
      this.unexpectedExits.push(`no free port: ${String(error)}`);
      failStart(new Error('no free port'));
      markExited();
    });
  }

  /** The URL of the listening server; waits while it is down or starting. Rejects once stopped for good. */
  async url(): Promise<string> {
    for (;;) {
      if (this.stopped || !this.current) throw new Error('the server is not running');
      try {
        return await this.current.listening;
      } catch {
        await sleep(20);
      }
    }
  }

  /** Whether the current process has started listening (false while down or starting). */
  get listening(): boolean {
    return this.current?.started === true && this.current.child?.exitCode === null && this.current.child.signalCode === null;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed; resolves once the process is gone. */
  async kill(): Promise<void> {
    const incarnation = this.current;
    if (!incarnation) return;
    incarnation.killedByHarness = true;
    incarnation.child?.kill('SIGKILL');
    await incarnation.exited;
  }

  /** Stops the server for good: SIGKILL, or SIGTERM when `graceful`. */
  async stop({ graceful = false } = {}): Promise<void> {
    this.stopped = true;
    const incarnation = this.current;
    if (!incarnation) return;
    incarnation.killedByHarness = true;
    incarnation.child?.kill(graceful ? 'SIGTERM' : 'SIGKILL');
    await incarnation.exited;
  }

  private spawnAgain(): void {
    if (this.stopped) return;
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      this.unexpectedExits.push(`giving up after ${MAX_FAILED_STARTS} failed starts in a row`);
      this.stopped = true;
      return;
    }
    this.spawn();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
