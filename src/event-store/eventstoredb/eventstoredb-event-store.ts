import { Logger } from '@nestjs/common';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllPage,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';
import { comparePositionValues, comparePositions, formatPosition, isPosition, parsePosition } from './eventstoredb-position.js';
import { SkippedRecordLog, classifyRecorded, toStoredEvent } from './eventstoredb-recorded-event.js';
import { APPEND_RETRIES, isTransientFailure, withRetries, type RetryPolicy } from './eventstoredb-retry.js';
import { deliverFeed } from './eventstoredb-subscription.js';

export interface EventStoreDbOptions {
  connectionString: string;
  /**
   * The streams this application writes (Demarche: `relation-`). `$all` also holds the server's
   * records and whatever other applications write to the same server; only these are read.
   */
  streamPrefix: string;
}

/** Thrown when a connection string sets something this adapter cannot work with. */
export class UnsupportedConnectionSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedConnectionSettingError';
  }
}

/** The read-back of an append found fewer events than were acknowledged: a follower not caught up yet. */
class ReadBackBehindError extends Error {}

const NO_RETRIES: RetryPolicy = { delaysMs: [], budgetMs: 0, isRetryable: () => false };

/** Reads after an append: a follower is normally a few milliseconds behind; give it up to ~1.5 s. */
const READ_BACK_RETRIES: RetryPolicy = {
  delaysMs: [20, 50, 100, 200, 400, 800],
  budgetMs: 5_000,
  isRetryable: (error) => error instanceof ReadBackBehindError || isTransientFailure(error),
};

/**
 * EventStoreDB (and KurrentDB) adapter over the gRPC client.
 *
 * Positions are `"<commit>/<prepare>"` in canonical decimal (eventstoredb-position.ts); both
 * halves stay bigint from the wire to the string and never pass through `number`.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<Subscription>();
  private readonly streamPrefix: string;
  private readonly logger = new Logger('EventStoreDB');
  private readonly skipped = new SkippedRecordLog((line) => this.logger.warn(line));
  private closed = false;

  constructor({ connectionString, streamPrefix }: EventStoreDbOptions) {
    this.client = EventStoreDBClient.connectionString(withEsdbScheme(connectionString));
    // With it false the client answers a conflicting append with `{ success: false }` instead of
    // throwing, and this adapter would report a write that never happened. The client's own
    // parse of the string decides (any spelling of the key it accepts); its getter is public at
    // run time, only `protected` in the typings.
    if (!(this.client as unknown as { throwOnAppendFailure: boolean }).throwOnAppendFailure) {
      throw new UnsupportedConnectionSettingError(
        'throwOnAppendFailure=false is not supported: Demarche relies on a refused append throwing. Remove it from the connection string.',
      );
    }
    this.streamPrefix = streamPrefix;
  }

  /**
   * Reads one event of $all within `timeoutMs`. The client ignores `deadline` on reads (it
   * passes `deadline: Infinity` for every streaming call), so the bound is our own timer.
   */
  async assertReachable(timeoutMs: number): Promise<void> {
    const read = this.client.readAll({ fromPosition: START, maxCount: 1, direction: FORWARDS, resolveLinkTos: false });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([drain(read), timeout]);
    } finally {
      clearTimeout(timer);
      read.destroy();
      // Not awaited: cancel() waits for the gRPC call to exist, which never happens while discovery hangs.
      read.cancel().catch(() => undefined);
    }
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new TypeError('append needs at least one event');
    if (new Set(events.map((event) => event.eventId.toLowerCase())).size !== events.length) {
      throw new TypeError('append got the same event id twice');
    }
    const expected = toEsdbExpectedRevision(expectedRevision);
    // Dedup detection: the server answers a retried append (same event ids, same expected
    // revision) with success and the revisions of the first write. Those revisions are at or
    // below the stream's tail before the call, whereas a fresh write lands above it.
    const tailBefore = await withRetries(APPEND_RETRIES, () => this.lastRevision(streamId));
    const proposed = events.map((event) =>
      jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata ?? {} }),
    );
    let nextExpectedRevision: bigint;
    try {
      // Every attempt sends the same ids with the same expected revision, so one that was
      // written before its answer was lost is answered as a duplicate, not written again. With
      // 'any' the server recognises ids only from a cache that a restart or a new leader lacks:
      // no retry then, the caller decides.
      const retries = expectedRevision === 'any' ? NO_RETRIES : APPEND_RETRIES;
      ({ nextExpectedRevision } = await withRetries(retries, () =>
        this.client.appendToStream(streamId, proposed, { expectedRevision: expected }),
      ));
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === NO_STREAM ? 'no_stream' : toPortRevision(error.actualVersion);
        throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
      }
      throw error;
    }

    const firstRevision = nextExpectedRevision - BigInt(events.length - 1);
    const recorded = await withRetries(READ_BACK_RETRIES, async () => {
      const found = await this.readStreamRange(streamId, firstRevision, events.length);
      if (found.length < events.length) {
        throw new ReadBackBehindError(
          `EventStoreDB acknowledged the append to ${streamId} at revision ${nextExpectedRevision}, ` +
            `but only ${found.length} of its ${events.length} event(s) could be read back`,
        );
      }
      return found;
    });
    const matches = recorded.every((stored, i) => stored.eventId.toLowerCase() === events[i]!.eventId.toLowerCase());
    if (!matches) {
      throw new Error(
        `EventStoreDB acknowledged the append to ${streamId} at revision ${nextExpectedRevision}, ` +
          'but the events recorded there are not the ones appended',
      );
    }
    return {
      streamId,
      events: recorded,
      nextExpectedRevision: toPortRevision(nextExpectedRevision),
      position: recorded[recorded.length - 1]!.position,
      deduplicated: tailBefore !== 'no_stream' && firstRevision <= tailBefore,
    };
  }

  async readStream(streamId: string, fromRevision = 0, maxCount = Number.MAX_SAFE_INTEGER): Promise<StoredEvent[]> {
    this.assertOpen();
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
      throw new TypeError(`fromRevision must be a non-negative integer, got ${fromRevision}`);
    }
    if (!Number.isSafeInteger(maxCount) || maxCount < 1) throw new TypeError(`maxCount must be a positive integer, got ${maxCount}`);
    return this.readStreamRange(streamId, BigInt(fromRevision), maxCount);
  }

  /**
   * Up to `limit` of this application's events after `after`. The server cannot filter a read of
   * $all, so runs of its own records and of other applications' events are read and skipped,
   * in batches that grow while nothing of ours turns up, for as long as it takes: a page stops
   * short of `limit` only at the end of the log (`next === null`).
   */
  async readAll(after: string | null, limit: number): Promise<ReadAllPage> {
    this.assertOpen();
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`limit must be a positive integer, got ${limit}`);
    const events: StoredEvent[] = [];
    // Last record examined, skipped ones included: the next page starts strictly after it.
    let cursor = after === null ? null : parsePosition(after);
    let batchSize = MIN_READ_ALL_BATCH;

    for (;;) {
      // fromPosition is inclusive, so a read from the cursor returns the cursor's record again
      // (+1); one record beyond what we still need (+1) tells whether the log goes on.
      const maxCount = Math.max(limit - events.length, batchSize) + 1 + (cursor === null ? 0 : 1);
      const batch = await drain(
        this.client.readAll({ fromPosition: cursor ?? START, maxCount, direction: FORWARDS, resolveLinkTos: false }),
      );
      for (const { event: recorded } of batch) {
        if (recorded === undefined) continue;
        if (cursor !== null && comparePositionValues(recorded.position, cursor) <= 0) continue;
        if (events.length === limit) return { events, next: formatPosition(cursor!) };
        cursor = recorded.position;
        const classified = classifyRecorded(recorded, this.isApplicationStream);
        if ('event' in classified) events.push(classified.event);
        else this.skipped.note(classified.skipped, recorded);
      }
      if (batch.length < maxCount) return { events, next: null };
      batchSize = Math.min(batchSize * 2, MAX_READ_ALL_BATCH);
    }
  }

  subscribeToAll({ after, onEvent, onError }: SubscribeOptions): Subscription {
    this.assertOpen();
    const afterPosition = after === null ? null : parsePosition(after);
    // Filtered on the server: only this application's streams cross the network.
    const feed = this.client.subscribeToAll({
      fromPosition: afterPosition ?? START,
      resolveLinkTos: false,
      filter: streamNameFilter({ prefixes: [this.streamPrefix] }),
    });
    const subscription = deliverFeed(feed, {
      after: afterPosition,
      onEvent,
      onError,
      isApplicationStream: this.isApplicationStream,
      skipped: this.skipped,
      onStopped: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  comparePositions(a: string, b: string): number {
    return comparePositions(a, b);
  }

  isPosition(value: string): boolean {
    return isPosition(value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private readonly isApplicationStream = (streamId: string): boolean => streamId.startsWith(this.streamPrefix);

  private assertOpen(): void {
    if (this.closed) throw new Error('EventStoreDB event store is closed');
  }

  private async lastRevision(streamId: string): Promise<bigint | 'no_stream'> {
    try {
      const [last] = await drain(
        this.client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1, resolveLinkTos: false }),
      );
      return last?.event?.revision ?? 'no_stream';
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 'no_stream';
      throw error;
    }
  }

  private async readStreamRange(streamId: string, fromRevision: bigint, maxCount: number): Promise<StoredEvent[]> {
    try {
      const resolved = await drain(
        this.client.readStream(streamId, { fromRevision, maxCount, direction: FORWARDS, resolveLinkTos: false }),
      );
      return resolved.flatMap(({ event }) => (event === undefined ? [] : [toStoredEvent(event)]));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}

/** Records read per round trip while scanning $all: at least this many… */
const MIN_READ_ALL_BATCH = 100;
/** …doubling while a run of other records goes on, up to this many. */
const MAX_READ_ALL_BATCH = 4_096;

/** KurrentDB's scheme names the same protocol; client 6.x parses only esdb:// and esdb+discover://. */
function withEsdbScheme(connectionString: string): string {
  return connectionString.trim().replace(/^kurrentdb(\+discover)?:\/\//i, (_, discover = '') => `esdb${discover}://`);
}

function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new TypeError(`expectedRevision must be a non-negative integer, 'no_stream' or 'any', got ${expected}`);
  }
  return BigInt(expected);
}

function toPortRevision(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`Stream revision ${revision} does not fit in a JavaScript number`);
  }
  return Number(revision);
}

async function drain<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

