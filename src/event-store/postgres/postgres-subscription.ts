import type { StoredEvent, SubscribeOptions, Subscription } from '../event-store.port.js';

/** What a subscription needs from the store: the log after a position, and news of commits by any process. */
export interface LogFollower {
  readAfter(position: number, limit: number): Promise<StoredEvent[]>;
  /**
   * Starts listening for commits (`onCommit` gets the log's new last position) and reports a lost
   * connection through `onLost`; resolves once listening, so nothing committed after is missed.
   */
  listen(onCommit: (head: number) => void, onLost: (error: Error) => void): Promise<{ stop(): Promise<void> }>;
}

const CATCH_UP_PAGE_SIZE = 500;
/** Events handed over while the subscriber is busy wait in memory up to this many; beyond, they are read back from the log. */
const MAX_QUEUED_EVENTS = 10_000;

/** Events committed together by this process, and the log's last position before them. */
interface Batch {
  before: number;
  events: StoredEvent[];
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Catch-up subscription to the PostgreSQL log.
 *
 * It LISTENs first, then reads the log from its checkpoint in pages. At the end of the log it
 * waits: for the events this process commits (`offer`, called by the store after COMMIT and
 * before the appends resolve, delivered without reading them back when nothing lies between the
 * subscription's position and the batch), for a NOTIFY of another process's commit, or for the
 * poll interval, the floor should a notification be lost.
 *
 * Delivery stops, and `onError` is called exactly once, when the handler fails, a read fails or
 * the listening connection is lost (a server restart, a network cut): the subscriber decides how
 * to resume from its checkpoint. `close()` stops it without calling `onError`.
 */
export class PostgresSubscription implements Subscription {
  private at: number;
  private closed = false;
  private behind = true;
  private readonly queue: Batch[] = [];
  private queued = 0;
  private handling: PromiseLike<unknown> | undefined;
  private failure: { error: unknown } | undefined;
  private parked = false;
  private wakeUp: (() => void) | undefined;
  private readonly delivering: Promise<void>;

  constructor(
    private readonly log: LogFollower,
    private readonly options: SubscribeOptions,
    private readonly pollIntervalMs: number,
    onFinished: () => void,
  ) {
    this.at = options.after === null ? 0 : Number(options.after);
    // Started on the next microtask, so no handler runs before subscribeToAll has returned.
    this.delivering = Promise.resolve()
      .then(() => this.run())
      .finally(onFinished);
  }

  /** Events this process has just committed, in log order; `before` is the log's last position before them. */
  offer(before: number, events: StoredEvent[]): void {
    if (this.closed || this.failure) return;
    if (this.parked && this.queue.length === 0 && before <= this.at) {
      this.handOver(events);
      return;
    }
    if (this.queued + events.length > MAX_QUEUED_EVENTS) {
      this.queue.length = 0;
      this.queued = 0;
      this.behind = true;
    } else {
      this.queue.push({ before, events });
      this.queued += events.length;
    }
    this.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.delivering;
  }

  private async run(): Promise<void> {
    let listening: { stop(): Promise<void> } | undefined;
    try {
      listening = await this.log.listen(
        (head) => {
          if (head > this.at) {
            this.behind = true;
            this.wake();
          }
        },
        (error) => this.fail(error),
      );
      for (;;) {
        if (this.handling) {
          const handling = this.handling;
          this.handling = undefined;
          await handling;
        }
        if (this.failure) throw this.failure.error;
        if (this.closed) return;
        const head = this.queue[0];
        if (head && head.before <= this.at) {
          this.queue.shift();
          this.queued -= head.events.length;
          this.handOver(head.events);
        } else if (head || this.behind) {
          await this.readLog(head);
        } else {
          await this.park();
        }
      }
    } catch (error) {
      const stoppedByClose = this.closed && !this.failure;
      this.closed = true;
      this.queue.length = 0;
      if (!stoppedByClose) this.options.onError?.(error);
    } finally {
      await listening?.stop().catch(() => undefined);
    }
  }

  /** One page of the log after `at`. `gapBefore`: a queued batch that waits until the log fills the gap. */
  private async readLog(gapBefore: Batch | undefined): Promise<void> {
    this.behind = false;
    const events = await this.log.readAfter(this.at, CATCH_UP_PAGE_SIZE);
    if (events.length === CATCH_UP_PAGE_SIZE) this.behind = true;
    if (events.length === 0 && gapBefore) {
      // Cannot happen while positions commit in order; should it, the queue is dropped rather than spun on.
      this.queue.length = 0;
      this.queued = 0;
      return;
    }
    this.handOver(events);
  }

  /** Hands `events` over in order, skipping those at or before `at`; stops at a handler that returns a promise. */
  private handOver(events: StoredEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      if (this.closed || this.failure) return;
      const event = events[i];
      const position = Number(event.position);
      if (position <= this.at) continue;
      this.at = position;
      let outcome: unknown;
      try {
        outcome = this.options.onEvent(event);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (isThenable(outcome)) {
        const handling = Promise.resolve(outcome);
        // Awaited by the delivery loop; marked handled here so that a quick rejection is not reported as unhandled.
        handling.catch(() => undefined);
        this.handling = handling;
        if (i + 1 < events.length) {
          const rest = events.slice(i + 1);
          this.queue.unshift({ before: position, events: rest });
          this.queued += rest.length;
        }
        this.wake();
        return;
      }
    }
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.wake();
  }

  private wake(): void {
    this.wakeUp?.();
  }

  private park(): Promise<void> {
    this.parked = true;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.parked = false;
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(() => {
        this.behind = true;
        done();
      }, this.pollIntervalMs);
      timer.unref();
      this.wakeUp = done;
    });
  }
}
