import type { Position } from '@eventstore/db-client';
import type { JsonObject, StoredEvent } from '../event-store.port.js';
import { formatPosition, lacksPosition } from './eventstoredb-position.js';

/**
 * Which records of `$all` are this application's events, as a pure function of what the client
 * hands back (its `convertGrpcEvent` output), and the rate-limited log line for the rest.
 */

/** The recorded-event shape this adapter relies on, whichever branch of the client's union it came from. */
export interface RecordedJsonEvent {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

/**
 * Why a record is not delivered. `system`: the server's own (`$`-prefixed stream or type), expected
 * in every log and never logged. The others are someone else's writes to the same server.
 */
export type SkipReason = 'system' | 'other-stream' | 'not-a-json-object';

export type Classified = { event: StoredEvent } | { skipped: SkipReason };

/**
 * Sorts one record of `$all`. The client turns JSON it cannot parse into the raw string, so
 * unparsable data and JSON that is not an object (an array, a string…) both end up as
 * `not-a-json-object`. Throws only when the server did not give the event's position, which no
 * amount of skipping can mend (see `lacksPosition`).
 */
export function classifyRecorded(recorded: RecordedJsonEvent | undefined, isApplicationStream: (streamId: string) => boolean): Classified {
  if (recorded === undefined) return { skipped: 'system' };
  if (recorded.streamId.startsWith('$') || recorded.type.startsWith('$')) return { skipped: 'system' };
  if (!isApplicationStream(recorded.streamId)) return { skipped: 'other-stream' };
  if (!recorded.isJson || !isJsonObject(recorded.data)) return { skipped: 'not-a-json-object' };
  return { event: toStoredEvent(recorded) };
}

/** One of this application's events as the port hands it out; throws when it is not a JSON object event. */
export function toStoredEvent(recorded: RecordedJsonEvent): StoredEvent {
  if (!recorded.isJson || !isJsonObject(recorded.data)) {
    throw new Error(`Event ${recorded.id} in ${recorded.streamId} is not a JSON object event`);
  }
  if (lacksPosition(recorded.position)) {
    throw new Error(
      `EventStoreDB returned event ${recorded.id} of ${recorded.streamId} without its log position ` +
        `(${recorded.position === undefined ? 'none' : formatPosition(recorded.position)}): server 22.6 or later is required`,
    );
  }
  if (recorded.revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`Stream revision ${recorded.revision} does not fit in a JavaScript number`);
  }
  return {
    eventId: recorded.id,
    type: recorded.type,
    streamId: recorded.streamId,
    revision: Number(recorded.revision),
    position: formatPosition(recorded.position!),
    data: recorded.data,
    metadata: isJsonObject(recorded.metadata) ? recorded.metadata : {},
  };
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * Counts the records skipped as someone else's and says so in one line at most every
 * `everyCount` of them or every `everyMs`, whichever comes first: a shared server can hold
 * millions, and one line each would bury every other log line. The first is said at once.
 */
export class SkippedRecordLog {
  private readonly pending = new Map<Exclude<SkipReason, 'system'>, number>();
  private pendingTotal = 0;
  private total = 0;
  private lastLineAt = Number.NEGATIVE_INFINITY;
  private example = '';

  constructor(
    private readonly write: (line: string) => void,
    private readonly everyCount = 1_000,
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  note(reason: SkipReason, recorded: RecordedJsonEvent | undefined): void {
    if (reason === 'system') return;
    this.pending.set(reason, (this.pending.get(reason) ?? 0) + 1);
    this.pendingTotal++;
    this.total++;
    this.example = recorded ? `event ${recorded.id} of stream ${recorded.streamId}` : '';
    if (this.pendingTotal >= this.everyCount || this.now() - this.lastLineAt >= this.everyMs) this.flush();
  }

  /** Says what is still uncounted, if anything (e.g. when a subscription stops). */
  flush(): void {
    if (this.pendingTotal === 0) return;
    const reasons = [...this.pending].map(([reason, count]) => `${count} ${REASON_TEXT[reason]}`).join(', ');
    this.write(
      `skipped ${this.pendingTotal} record(s) of $all that are not this application's (${reasons}; last: ${this.example}); ` +
        `${this.total} since start`,
    );
    this.pending.clear();
    this.pendingTotal = 0;
    this.lastLineAt = this.now();
  }
}

const REASON_TEXT: Record<Exclude<SkipReason, 'system'>, string> = {
  'other-stream': 'in streams of other applications',
  'not-a-json-object': 'whose data is not a JSON object',
};
