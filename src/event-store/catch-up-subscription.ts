import type { StoredEvent, SubscribeOptions, Subscription } from './event-store.port.js';

/** What a subscription needs from its store: the log after a position, and (where the store has them) news of commits by other processes. */
export interface LogFollower {
  /** Events strictly after `position`, at most `limit` (synchronously where the store reads synchronously). */
  readAfter(position: number, limit: number): StoredEvent[] | Promise<StoredEvent[]>;
  /**
   * Starts listening for commits (`onCommit` gets the log's new last position) and reports a lost
   * connection through `onLost`; resolves once listening, so nothing committed after is missed.
   * Without it, other processes' commits are found by polling alone.
   */
  listen?(onCommit: (head: number) => void, onLost: (error: Error) => void): Promise<{ stop(): Promise<void> }>;
}

const CATCH_UP_PAGE_SIZE = 500;
/**
 * Events handed to a subscriber that is still busy wait in memory up to this many; beyond, they
 * are dropped and read back from the log when it is ready, so a slow handler costs no memory.
 */
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
 * Catch-up subscription to a log whose positions become visible in order (SQLite: one writer at a
 * time; PostgreSQL: appends serialised by a lock), so a reader that has seen position n never
 * later finds a new event below n.
 *
 * It listens first (where the store can), then reads the log from its checkpoint in pages. At the
 * end of the log it waits: for the events this process commits (`offer`, called by the store
 * after the commit and before the appends resolve, delivered without reading them back when
 * nothing lies between the subscription's position and the batch — otherwise another process
 * wrote in between, and the log is read first), for news of another process's commit, or for the
 * poll interval, the floor.
 *
 * Delivery is in log order, one event at a time: a handler that returns a promise is awaited
 * before the next event; a handler that returns nothing gets a committed batch synchronously, so
 * whoever awaited the append finds it already handled. Delivery stops, and `onError` is called
 * exactly once, when the handler fails, a read fails or the listening connection is lost: the
 * subscriber decides how to resume from its checkpoint. `close()` stops it without calling
 * `onError`, whatever failed meanwhile (the port's contract).
 */
export class CatchUpSubscription implements Subscription {
  /** Position of the last event handed to the handler (or the checkpoint it started after). */
  private at: number;
  private closed = false;
  /** Whether the log may hold events beyond `at` that are not queued: read it before waiting. */
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
      listening = await this.log.listen?.(
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
        // Closed on purpose: whatever failed meanwhile is not reported.
        if (this.closed) return;
        if (this.failure) throw this.failure.error;
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
      const closedOnPurpose = this.closed;
      this.closed = true;
      this.queue.length = 0;
      if (!closedOnPurpose) this.options.onError?.(error);
    } finally {
      await listening?.stop().catch(() => undefined);
    }
  }

  /** One page of the log after `at`. `gapBefore`: a queued batch that waits until the log fills the gap. */
  private async readLog(gapBefore: Batch | undefined): Promise<void> {
    this.behind = false;
    const read = this.log.readAfter(this.at, CATCH_UP_PAGE_SIZE);
    // A store that reads synchronously (SQLite) is read and handed over in one go.
    const events = read instanceof Promise ? await read : read;
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
