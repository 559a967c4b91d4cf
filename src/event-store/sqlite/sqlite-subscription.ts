import type { StoredEvent, SubscribeOptions, Subscription } from '../event-store.port.js';

/** Where a subscription reads what it was not handed: the log, strictly after a position. */
export interface LogReader {
  readAfter(position: number, limit: number): StoredEvent[];
}

const CATCH_UP_PAGE_SIZE = 500;
/**
 * Events handed to a subscriber that is still busy wait in memory up to this many; beyond, they
 * are dropped and read back from the file when it is ready, so a slow handler costs no memory.
 */
const MAX_QUEUED_EVENTS = 10_000;

/** Events committed together, and the log's last position before them when they were written. */
interface Batch {
  before: number;
  events: StoredEvent[];
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Catch-up subscription to the log of one SQLite file.
 *
 * It reads the log from its checkpoint in pages. Once at the end, it is handed the events this
 * process commits as they are committed (`offer`, called by the store right after the commit and
 * before the appends resolve), and delivers them without reading them back. A batch is delivered
 * that way only when the log held nothing between this subscription's position and the batch
 * (`before`, read inside the batch's transaction, is not beyond the position); otherwise another
 * process wrote in between, and the subscription reads the file from its position first. It also
 * reads the file every poll interval, for other processes' appends when this one writes nothing.
 *
 * Delivery is in log order, one event at a time: a handler that returns a promise is awaited
 * before the next event is handed over; a handler that returns nothing gets a committed batch
 * synchronously, so whoever awaited the append finds it already handled.
 */
export class SqliteSubscription implements Subscription {
  /** Position of the last event handed to the handler (or the checkpoint it started after). */
  private at: number;
  private closed = false;
  /** Whether the file may hold events beyond `at` that are not queued: read it before waiting. */
  private behind = true;
  private readonly queue: Batch[] = [];
  private queued = 0;
  /** The handler call still running, when it returned a promise. */
  private handling: PromiseLike<unknown> | undefined;
  private failure: { error: unknown } | undefined;
  /** True while the delivery loop waits for news; only then may `offer` deliver synchronously. */
  private parked = false;
  private wakeUp: (() => void) | undefined;
  private readonly delivering: Promise<void>;

  constructor(
    private readonly log: LogReader,
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
    try {
      for (;;) {
        if (this.handling) {
          const handling = this.handling;
          this.handling = undefined;
          await handling;
        }
        // Closed on purpose: whatever failed meanwhile is not reported (the port's contract).
        if (this.closed) return;
        if (this.failure) throw this.failure.error;
        const head = this.queue[0];
        if (head && head.before <= this.at) {
          this.queue.shift();
          this.queued -= head.events.length;
          this.handOver(head.events);
        } else if (head || this.behind) {
          this.readFile(head);
        } else {
          await this.park();
        }
      }
    } catch (error) {
      // A failed read (the file locked, unreadable, a row that does not parse) or handler ends
      // delivery here, and the subscriber is told, so that it can subscribe again; unless it
      // closed the subscription itself meanwhile (the port's contract).
      const closedOnPurpose = this.closed;
      this.closed = true;
      this.queue.length = 0;
      if (!closedOnPurpose) this.options.onError?.(error);
    }
  }

  /** One page of the log after `at`. `gapBefore`: a queued batch that cannot be delivered until the file fills the gap. */
  private readFile(gapBefore: Batch | undefined): void {
    const events = this.log.readAfter(this.at, CATCH_UP_PAGE_SIZE);
    this.behind = events.length === CATCH_UP_PAGE_SIZE;
    if (events.length === 0 && gapBefore) {
      // Cannot happen while positions only grow; should it, the queue is dropped rather than spun on.
      this.queue.length = 0;
      this.queued = 0;
      return;
    }
    this.handOver(events);
  }

  /**
   * Hands `events` (in log order, none of them beyond a gap) to the handler, skipping those at or
   * before `at`. Stops at a handler that returns a promise; the rest waits, first in the queue.
   */
  private handOver(events: StoredEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      if (this.closed) return;
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
    this.failure = { error };
    this.wake();
  }

  private wake(): void {
    this.wakeUp?.();
  }

  /** Waits for news (a wake-up) or for the poll interval, after which the file is read again. */
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
