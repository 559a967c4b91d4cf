import { InvalidIncidentDetails, RelationRuleViolation } from '../domain/domain-errors.js';
import { relationDecider, type RelationCommand, type RelationDecisionState } from '../domain/relation.decider.js';
import type { JsonObject, NewEvent } from '../event-store/event-store.port.js';
import type { RelationStream } from './relation-stream-cache.js';

/** One command of a batch, with the event id derived from what it records (a dataset's row). */
export interface BatchCommand {
  command: RelationCommand;
  eventId: string;
}

/**
 * What a batch was decided on: a pair's stream as cached (durable), possibly with a batch decided
 * on it before and not yet committed on top. Only the handler's cache entry is ever durable state;
 * the batch on top lives in the decision, never in the cache, so nobody else sees it.
 */
interface BatchBasis {
  /** The cache entry the decision started from; the ids it records are skipped. */
  stream: RelationStream;
  revision: number;
  state: RelationDecisionState;
  /** Ids decided by the uncommitted batch underneath, skipped too. */
  underneath: ReadonlySet<string> | undefined;
}

/** A pair's batch as decided, ready to append: its events, and what the rules said of the rest. */
export interface DecidedBatch<Command extends BatchCommand = BatchCommand> {
  streamId: string;
  commands: readonly Command[];
  metadata: JsonObject;
  basis: BatchBasis;
  events: NewEvent[];
  /** The ids of `events`. */
  eventIds: Set<string>;
  /** The stream's state and revision once `events` are appended on the basis. */
  state: RelationDecisionState;
  revision: number;
  /** Commands whose event id was already in the stream: recorded by an earlier run. */
  alreadyRecorded: number;
  /** Commands the rules refused, with why. */
  refused: { eventId: string; reason: string }[];
}

/** Decides on the stream as cached. */
export function basisOf(stream: RelationStream): BatchBasis {
  return { stream, revision: stream.revision, state: stream.state, underneath: undefined };
}

/** Decides on the stream as `before` will leave it once committed. */
export function basisAfter(before: DecidedBatch): BatchBasis {
  return { stream: before.basis.stream, revision: before.revision, state: before.state, underneath: before.eventIds };
}

/**
 * Whether a decision still holds on the stream as cached now: it is the entry it started from, at
 * the revision and with the very state object the decision assumed. The cache only takes a
 * decided state object when that batch was appended as decided (RelationStreamCache.advance), and
 * any other write makes a new one and a new revision; so "the same object" means the batches
 * underneath committed exactly as decided and nothing else was written, and deciding again now
 * would give the same events.
 */
export function stillHolds(decided: DecidedBatch, stream: RelationStream): boolean {
  return decided.basis.stream === stream && stream.revision === decided.basis.revision && stream.state === decided.basis.state;
}

/**
 * Decides `commands` in order, each on the state the ones before it left. Commands whose event id
 * is already recorded (on the basis, or earlier in the batch) are counted and skipped; a command
 * the rules refuse is reported back and the others go on. Pure: appends nothing, caches nothing.
 */
export function decideBatchOn<Command extends BatchCommand>(
  streamId: string,
  basis: BatchBasis,
  commands: readonly Command[],
  metadata: JsonObject,
): DecidedBatch<Command> {
  const { stream, underneath } = basis;
  const events: NewEvent[] = [];
  const eventIds = new Set<string>();
  const refused: DecidedBatch['refused'] = [];
  let alreadyRecorded = 0;
  let state = basis.state;
  for (const { command, eventId } of commands) {
    if (stream.imported.has(eventId) || stream.recorded.has(eventId) || underneath?.has(eventId) || eventIds.has(eventId)) {
      alreadyRecorded++;
      continue;
    }
    try {
      const [event] = relationDecider.decide(command, state);
      state = relationDecider.evolve(state, event);
      // One metadata object for the batch, not one per event: the events live until the batch commits.
      events.push({ eventId, type: event.type, data: event.data as unknown as JsonObject, metadata });
      eventIds.add(eventId);
    } catch (error) {
      if (!(error instanceof RelationRuleViolation || error instanceof InvalidIncidentDetails)) throw error;
      refused.push({ eventId, reason: error.message });
    }
  }
  return { streamId, commands, metadata, basis, events, eventIds, state, revision: basis.revision + events.length, alreadyRecorded, refused };
}
