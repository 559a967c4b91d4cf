import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Shares the event loop between replays and everything else. Reading the SQLite log is
 * synchronous and a socket takes writes at once until the kernel's buffer is full (megabytes on
 * loopback), so a replay that only awaited its writes would run in microtasks from start to
 * finish: 100 clients replaying at once kept GET /health waiting 11 s. Replays here run in slices
 * of `sliceMs`; when a slice is spent, each waits for the next turn of the event loop, after
 * pending I/O (requests, writes) has been served.
 */
export class ReplayPacer {
  private sliceStartedAt = performance.now();
  private nextSlice?: Promise<void>;

  constructor(private readonly sliceMs = 8) {}

  /** Resolves when the caller may do one more step (a page) of replay work. */
  async turn(): Promise<void> {
    while (performance.now() - this.sliceStartedAt >= this.sliceMs) {
      // Everyone waiting shares one new slice, in the order they asked.
      this.nextSlice ??= nextTurn().then(() => {
        this.nextSlice = undefined;
        this.sliceStartedAt = performance.now();
      });
      await this.nextSlice;
    }
  }
}
