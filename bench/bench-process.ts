/** Helpers for benchmarks that run the real server as a child process (Linux /proc for memory). */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Peak RSS so far of a child, from Linux's /proc (VmHWM); undefined elsewhere. */
export function peakRss(child: ChildProcess): number | undefined {
  return procStatusMB(child, 'VmHWM');
}

/** Current RSS of a child, from Linux's /proc (VmRSS); undefined elsewhere. */
export function currentRss(child: ChildProcess): number | undefined {
  return procStatusMB(child, 'VmRSS');
}

/**
 * CPU time a child has used so far, user and system, in ms, from Linux's /proc (the kernel counts
 * in clock ticks of 10 ms); undefined elsewhere.
 */
export function cpuTimeMs(child: ChildProcess): number | undefined {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Open file descriptors of a child (sockets included), from Linux's /proc; undefined elsewhere. */
export function openDescriptors(child: ChildProcess): number | undefined {
  try {
    return readdirSync(`/proc/${child.pid}/fd`).length;
  } catch {
    return undefined;
  }
}

function procStatusMB(child: ChildProcess, field: string): number | undefined {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await exited;
  clearTimeout(timer);
}
