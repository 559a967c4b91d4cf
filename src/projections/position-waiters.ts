/**
 * Callers waiting for the read model to reach a log position (read-your-writes: a write's answer,
 * a read with `minPosition`), resolved as the model applies events, or given up after a timeout.
 */
export class PositionWaiters {
  private waiters: { position: string; resolve: () => void }[] = [];

  constructor(private readonly comparePositions: (a: string, b: string) => number) {}

  /** Resolves true once `applied(…)` reports `position` or beyond (at once if `checkpoint` is there already), false after `timeoutMs`. */
  wait(position: string, checkpoint: string | null, timeoutMs: number): Promise<boolean> {
    if (this.covers(checkpoint, position)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The model has applied the log up to `checkpoint`. */
  applied(checkpoint: string): void {
    if (this.waiters.length === 0) return;
    const done = this.waiters.filter((w) => this.covers(checkpoint, w.position));
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((w) => !done.includes(w));
    for (const waiter of done) waiter.resolve();
  }

  private covers(checkpoint: string | null, position: string): boolean {
    return checkpoint !== null && this.comparePositions(checkpoint, position) >= 0;
  }
}
