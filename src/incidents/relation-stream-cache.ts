import type { RelationEvent } from '../domain/incident.js';
import { relationDecider, type RelationDecisionState } from '../domain/relation.decider.js';
import type { EventStore, NewEvent, StoredEvent } from '../event-store/event-store.port.js';
import { outcomeOf, type Recorded } from './command-outcome.js';
import { UuidSet } from './uuid-set.js';

/** What the handler remembers of a pair's stream between commands. */
export interface RelationStream {
  revision: number;
  state: RelationDecisionState;
  /** Outcomes of the events whose ids callers derive (Idempotency-Key, seeds), by event id, for their retries. */
  recorded: Map<string, Recorded>;
  /**
   * The ids of the events imported from coded-event rows (UUID v5s of dataset and row), only so a
   * re-import skips them: an id, not an outcome — at a million rows the outcomes took ~150 MB —
   * and as bits, not strings (uuid-set.ts).
   */
  imported: UuidSet;
}

/** Pairs whose decision state stays cached. */
const CACHED_STREAMS = 10_000;

/** Events read and folded at a time when a pair's stream is read back: ≈ 1 MB parsed. */
const STREAM_READ_PAGE = 1_000;

/**
 * The pairs' streams folded with the decider, kept between commands: in one process every write
 * goes through here, so a cached state is current and a write reads nothing back. The least
 * recently used pairs are forgotten and read again when next written.
 */
export class RelationStreamCache {
  private readonly streams = new Map<string, RelationStream>();

  constructor(private readonly store: EventStore) {}

  has(streamId: string): boolean {
    return this.streams.has(streamId);
  }

  /** The pair's stream as last seen; with `fresh`, first brought up to date with what other processes appended. */
  async load(streamId: string, fresh: boolean): Promise<RelationStream> {
    let stream = this.streams.get(streamId);
    if (stream) this.streams.delete(streamId);
    stream ??= { revision: -1, state: relationDecider.initialState, recorded: new Map(), imported: new UuidSet() };
    this.streams.set(streamId, stream);
    if (this.streams.size > CACHED_STREAMS) this.streams.delete(this.streams.keys().next().value!);
    if (fresh) await this.catchUp(streamId, stream);
    return stream;
  }

  /**
   * Brings the stream up to date with whatever other processes appended to it, a page at a time:
   * only the folded state is kept, so only a page of parsed events need be alive at once, not the
   * stream (a re-import reads back every pair's; the largest of the 1M-row file's has 20,397 events).
   */
  async catchUp(streamId: string, stream: RelationStream): Promise<void> {
    for (;;) {
      const page = await this.store.readStream(streamId, stream.revision + 1, STREAM_READ_PAGE);
      for (const stored of page) this.remember(stream, stored);
      if (page.length < STREAM_READ_PAGE) return;
    }
  }

  remember(stream: RelationStream, stored: StoredEvent): void {
    if (stored.revision <= stream.revision) return;
    stream.state = relationDecider.evolve(stream.state, { type: stored.type, data: stored.data } as unknown as RelationEvent);
    this.noteRecorded(stream, stored);
  }

  /**
   * `appended` were just written, on top of the stream's revision, from the events that evolved
   * its state into `state`: take that state rather than evolve each stored copy again. An import's
   * batch evolved every row twice (the decider's evolve was ≈ 0.3 s of a 100k-row import's ≈ 5 s
   * CPU in the profile, half of it this second pass). Only when the append is the next one on the
   * stream as cached; otherwise each event is remembered as read.
   */
  advance(stream: RelationStream, state: RelationDecisionState, appended: readonly StoredEvent[], decided: readonly NewEvent[]): void {
    if (appended.length === 0 || appended[0].revision !== stream.revision + 1) {
      for (const stored of appended) this.remember(stream, stored);
      return;
    }
    stream.state = state;
    // Judged from the events as decided, which the stored ones equal: their data is not parsed back (stored-event-of-text.ts).
    appended.forEach((stored, i) => this.noteRecorded(stream, stored, decided[i]));
  }

  private noteRecorded(stream: RelationStream, stored: StoredEvent, event: Pick<StoredEvent, 'type' | 'data'> = stored): void {
    stream.revision = stored.revision;
    // Only an id derived from the caller's request (a UUIDv5 of an Idempotency-Key or a seed's key)
    // can come again; the UUIDv7 the server makes for every other write never does.
    if (isImportedRow(event)) stream.imported.add(stored.eventId);
    else if (!isServerMadeId(stored.eventId)) stream.recorded.set(stored.eventId, outcomeOf(stored));
  }
}

/** Whether an event id is a UUIDv7, which only this server makes (callers' ids are UUIDv5). */
function isServerMadeId(eventId: string): boolean {
  return eventId.charAt(14) === '7';
}

/** Whether an event records an imported row: a corroboration, or an incident with its provenance. */
function isImportedRow(event: Pick<StoredEvent, 'type' | 'data'>): boolean {
  return event.type === 'IncidentCorroborated' || (event.data as { provenance?: unknown }).provenance !== undefined;
}
