/**
 * The one narrow port every event store implements (embedded SQLite, EventStoreDB).
 * Everything above it — command handling, projections, replay — speaks only this interface,
 * and both adapters pass the same contract suite (test/contract/event-store.contract.ts).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Revision of the stream's last event that the writer saw (0-based), or a sentinel. */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface NewEvent {
  /** UUID chosen by the writer; appending the same id to the same stream twice records it once. */
  eventId: string;
  /** Event type name; equals the TypeScript type name of the domain event. */
  type: string;
  data: JsonObject;
  metadata?: JsonObject;
}

export interface StoredEvent {
  eventId: string;
  type: string;
  streamId: string;
  /** 0-based index of the event in its stream. */
  revision: number;
  /** Opaque position in the store's global log; compare only with `comparePositions`. */
  position: string;
  data: JsonObject;
  metadata: JsonObject;
}

/** Some top-level fields of one event's data, read without the rest (EventStore.readStreamFields). */
export interface EventFields {
  revision: number;
  /** The values of the fields asked for, in their order; undefined where the data has none (or null). */
  values: unknown[];
}

export interface AppendResult {
  streamId: string;
  /** The events as recorded (for a deduplicated append: as recorded the first time). */
  events: StoredEvent[];
  /** Revision of the stream's last event after this append: the next expected revision. */
  nextExpectedRevision: number;
  /** Global position of the last event of this append. */
  position: string;
  /** True when every event id was already in the stream and nothing new was written. */
  deduplicated: boolean;
}

export interface ReadAllPage {
  events: StoredEvent[];
  /** Pass as `after` to read the next page; null when the end of the log was reached. */
  next: string | null;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running and nothing keeps the process alive. */
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position; null = from the start of the log. */
  after: string | null;
  /** Awaited for each event, one at a time, in global order (back-pressure). */
  onEvent(event: StoredEvent): Promise<void> | void;
  /**
   * Called once when delivery stops for any reason other than `close()`: the handler threw or
   * rejected, the store failed (a read, the connection, the server going away), or the stream
   * ended cleanly (then with an Error saying so). Nothing is delivered after it, and the adapter
   * does not resubscribe by itself: the subscriber decides (the projection runner subscribes
   * again from its checkpoint, with backoff). Never called after `close()` has been called.
   */
  onError?(error: unknown): void;
}

export interface EventStore {
  /**
   * Appends atomically. Throws WrongExpectedRevisionError when the stream is not at
   * `expectedRevision`. Resolves only once the events are durable.
   */
  append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in order, starting at `fromRevision` (default 0), at most `maxCount`; [] for no stream. */
  readStream(streamId: string, fromRevision?: number, maxCount?: number): Promise<StoredEvent[]>;
  /**
   * As readStream, but only the named top-level fields of each event's data: what a long listing
   * shows of each event, without reading and parsing the rest (a timeline listing every incident
   * shows headlines, not sources and details). Optional: without it the events are read whole and
   * the fields picked (event-fields.ts), the same values.
   */
  readStreamFields?(streamId: string, fromRevision: number, maxCount: number, fields: readonly string[]): Promise<EventFields[]>;
  /** One page of the global log, strictly after `after` (null = from the start), at most `limit` events. */
  readAll(after: string | null, limit: number): Promise<ReadAllPage>;
  /** Catch-up subscription to the global log: history after `after`, then live appends. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Negative, zero or positive, like a sort comparator. */
  comparePositions(a: string, b: string): number;
  /** Whether a client-supplied string is a position this store could have produced. */
  isPosition(value: string): boolean;
  close(): Promise<void>;
}

/** Token under which the configured adapter is bound in the Nest container. */
export const EVENT_STORE = Symbol('EventStore');

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at ${actual}, expected ${expected}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** Raised when an event id is reused for a different append than the one that recorded it (e.g. in another stream). */
export class EventIdConflictError extends Error {
  constructor(readonly streamId: string, readonly eventIds: string[], reason: string) {
    super(`Cannot append to ${streamId}: ${reason} (event ids ${eventIds.join(', ')})`);
    this.name = 'EventIdConflictError';
  }
}
