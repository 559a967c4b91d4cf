import { jest } from '@jest/globals';
import type { StoredEvent, SubscribeOptions, Subscription } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

/**
 * Fault injection around the real SQLite adapter: from the call on, every subscription a
 * SqliteEventStore opens is the real one (reading the real file, handed the real commits),
 * wrapped so that a test can break it the ways a store breaks one: fail it mid-stream, end it,
 * refuse new ones for a while, hold deliveries back, or hand over again events already
 * delivered. Subscriptions opened before the call are left alone (e.g. another instance's).
 * Undone by jest.restoreAllMocks().
 */
export interface SubscriptionFaults {
  /** Subscriptions asked for since the call, refused ones included. */
  readonly opened: number;
  /** Subscriptions refused since the call. */
  readonly refused: number;
  /** The next event handed to each open subscription fails it with `error` instead of being delivered. */
  failNext(error: Error): void;
  /** Ends every open subscription cleanly, as a server ending the stream does (reported through onError, as the port says). */
  endAll(): Promise<void>;
  /** From now on, new subscriptions fail at once with `error`, as when the store cannot be reached. */
  refuse(error: Error): void;
  /** New subscriptions work again; `redeliverFrom` makes them start there rather than where asked (a store that hands events over twice). */
  accept(options?: { redeliverFrom?: string | null }): void;
  /** Deliveries wait until release(): the subscription is up, the read model falls behind. */
  hold(): void;
  release(): void;
}

interface Wrapped {
  inner: Subscription;
  options: SubscribeOptions;
  failWith?: Error;
  closed: boolean;
}

export function injectSubscriptionFaults(): SubscriptionFaults {
  const real = SqliteEventStore.prototype.subscribeToAll;
  const open = new Set<Wrapped>();
  let refusal: Error | undefined;
  let redeliverFrom: string | null | undefined;
  let gate: { held: Promise<void>; release(): void } | undefined;
  let opened = 0;
  let refused = 0;

  jest.spyOn(SqliteEventStore.prototype, 'subscribeToAll').mockImplementation(function (this: SqliteEventStore, options: SubscribeOptions): Subscription {
    opened++;
    if (refusal) {
      refused++;
      const error = refusal;
      let closed = false;
      setImmediate(() => closed || options.onError?.(error));
      return { close: async () => void (closed = true) };
    }
    const wrapped = { options, closed: false } as Wrapped;
    const deliver = (event: StoredEvent) => {
      if (wrapped.failWith) {
        const error = wrapped.failWith;
        wrapped.failWith = undefined;
        // Thrown from the handler the real subscription calls: it stops and reports, as on a broken connection.
        throw error;
      }
      return gate ? gate.held.then(() => options.onEvent(event)) : options.onEvent(event);
    };
    wrapped.inner = real.call(this, {
      after: redeliverFrom !== undefined ? redeliverFrom : options.after,
      onEvent: deliver,
      onError: (error: unknown) => {
        open.delete(wrapped);
        if (!wrapped.closed) options.onError?.(error);
      },
    });
    open.add(wrapped);
    return {
      close: async () => {
        wrapped.closed = true;
        open.delete(wrapped);
        await wrapped.inner.close();
      },
    };
  });

  return {
    get opened() {
      return opened;
    },
    get refused() {
      return refused;
    },
    failNext(error) {
      for (const wrapped of open) wrapped.failWith = error;
    },
    async endAll() {
      for (const wrapped of [...open]) {
        open.delete(wrapped);
        wrapped.closed = true;
        await wrapped.inner.close();
        wrapped.options.onError?.(new Error('the subscription ended (end of stream)'));
      }
    },
    refuse(error) {
      refusal = error;
    },
    accept(options = {}) {
      refusal = undefined;
      redeliverFrom = 'redeliverFrom' in options ? options.redeliverFrom : undefined;
    },
    hold() {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      gate = { held, release };
    },
    release() {
      gate?.release();
      gate = undefined;
    },
  };
}
