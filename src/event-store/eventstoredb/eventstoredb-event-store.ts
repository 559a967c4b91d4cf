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
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type Position,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type JsonObject,
  type NewEvent,
  type ReadAllPage,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';

/**
 * EventStoreDB (and KurrentDB) adapter over the gRPC client.
 *
 * Positions are `"<commit>/<prepare>"` in canonical decimal: both halves are uint64 on the
 * server, so they stay bigint from the wire to the string and never pass through `number`.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(withEsdbScheme(connectionString));
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
    // Dedup detection: the server answers a retried append (same event ids, same expected
    // revision) with success and the revisions of the first write. Those revisions are at or
    // below the stream's tail before the call, whereas a fresh write lands above it.
    const tailBefore = await this.lastRevision(streamId);
    let nextExpectedRevision: bigint;
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata ?? {} }),
        ),
        { expectedRevision: toEsdbExpectedRevision(expectedRevision) },
      );
      nextExpectedRevision = result.nextExpectedRevision;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === NO_STREAM ? 'no_stream' : toPortRevision(error.actualVersion);
        throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
      }
      throw error;
    }

    const firstRevision = nextExpectedRevision - BigInt(events.length - 1);
    const recorded = await this.readStreamRange(streamId, firstRevision, events.length);
    const matches =
      recorded.length === events.length &&
      recorded.every((stored, i) => stored.eventId.toLowerCase() === events[i]!.eventId.toLowerCase());
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

  async readAll(after: string | null, limit: number): Promise<ReadAllPage> {
    this.assertOpen();
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`limit must be a positive integer, got ${limit}`);
    const events: StoredEvent[] = [];
    // Last record examined, system ones included: the next page starts strictly after it.
    let cursor = after === null ? null : parsePosition(after);

    for (let round = 0; round < MAX_READ_ALL_ROUNDS; round++) {
      // fromPosition is inclusive, so a read from the cursor returns the cursor's record again
      // (+1); one record beyond what we still need (+1) tells whether the log goes on.
      const wanted = limit - events.length;
      const maxCount = (wanted === 0 ? 0 : Math.max(wanted, MIN_READ_ALL_BATCH)) + 1 + (cursor === null ? 0 : 1);
      const batch = await drain(
        this.client.readAll({ fromPosition: cursor ?? START, maxCount, direction: FORWARDS, resolveLinkTos: false }),
      );
      for (const { event } of batch) {
        if (event === undefined) continue;
        if (cursor !== null && comparePositionValues(event.position, cursor) <= 0) continue;
        if (events.length === limit) return { events, next: formatPosition(cursor!) };
        cursor = event.position;
        if (isApplicationEvent(event)) events.push(toStoredEvent(event));
      }
      if (batch.length < maxCount) return { events, next: null };
    }
    // Scan budget spent on system records: hand back what we have and where to go on from.
    return { events, next: cursor === null ? null : formatPosition(cursor) };
  }

  subscribeToAll({ after, onEvent, onError }: SubscribeOptions): Subscription {
    this.assertOpen();
    const afterPosition = after === null ? null : parsePosition(after);
    const feed = this.client.subscribeToAll({
      fromPosition: afterPosition ?? START,
      resolveLinkTos: false,
      filter: excludeSystemEvents(),
    });
    let closing = false;

    const delivery = (async () => {
      try {
        for await (const { event } of feed) {
          if (closing) break;
          if (event === undefined || !isApplicationEvent(event)) continue;
          // Never redeliver the checkpoint the caller resumed from, whichever way the server treats it.
          if (afterPosition !== null && comparePositionValues(event.position, afterPosition) <= 0) continue;
          await onEvent(toStoredEvent(event));
        }
      } catch (error) {
        if (!closing) onError?.(error);
      } finally {
        await feed.unsubscribe().catch(() => undefined);
      }
    })();

    const subscription: Subscription = {
      close: async () => {
        closing = true;
        await feed.unsubscribe().catch(() => undefined);
        // Cancelling the gRPC call does not end the piped client stream; destroying it ends our loop.
        feed.destroy();
        await delivery;
        this.subscriptions.delete(subscription);
      },
    };
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

/** Records examined per readAll call are bounded: at most this many reads… */
const MAX_READ_ALL_ROUNDS = 8;
/** …of at least this many records, so runs of system records are crossed in few round trips. */
const MIN_READ_ALL_BATCH = 100;

const POSITION_FORMAT = /^(0|[1-9][0-9]*)\/(0|[1-9][0-9]*)$/;
const UINT64_MAX = 2n ** 64n - 1n;

export function formatPosition({ commit, prepare }: Position): string {
  return `${commit}/${prepare}`;
}

/** Throws TypeError for anything `isPosition` rejects. */
export function parsePosition(value: string): Position {
  const match = POSITION_FORMAT.exec(value);
  const commit = match ? BigInt(match[1]!) : -1n;
  const prepare = match ? BigInt(match[2]!) : -1n;
  if (commit < 0n || prepare < 0n || commit > UINT64_MAX || prepare > UINT64_MAX) {
    throw new TypeError(`Not an EventStoreDB position: ${JSON.stringify(value)} (expected "<commit>/<prepare>")`);
  }
  return { commit, prepare };
}

export function isPosition(value: string): boolean {
  try {
    parsePosition(value);
    return true;
  } catch {
    return false;
  }
}

export function comparePositions(a: string, b: string): number {
  return comparePositionValues(parsePosition(a), parsePosition(b));
}

function comparePositionValues(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

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

/** The recorded-event shape this adapter relies on, whichever branch of the client's union it came from. */
interface RecordedJsonEvent {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

/** Events this application wrote, as opposed to the server's own records ($-types, $-streams) or foreign binary ones. */
function isApplicationEvent(event: NonNullable<AllStreamResolvedEvent['event']>): boolean {
  return event.isJson && !event.type.startsWith('$') && !event.streamId.startsWith('$');
}

function toStoredEvent(recorded: RecordedJsonEvent): StoredEvent {
  if (!recorded.isJson || !isJsonObject(recorded.data)) {
    throw new Error(`Event ${recorded.id} in ${recorded.streamId} is not a JSON object event`);
  }
  if (recorded.position === undefined) {
    throw new Error('EventStoreDB returned an event without its position: server 22.6 or later is required');
  }
  return {
    eventId: recorded.id,
    type: recorded.type,
    streamId: recorded.streamId,
    revision: toPortRevision(recorded.revision),
    position: formatPosition(recorded.position),
    data: recorded.data,
    metadata: isJsonObject(recorded.metadata) ? recorded.metadata : {},
  };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

async function drain<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}
