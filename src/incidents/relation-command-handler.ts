import { Inject, Injectable } from '@nestjs/common';
import { IncidentNotFound, InvalidIncidentDetails, RelationRuleViolation } from '../domain/domain-errors.js';
import { relationDecider, type RelationCommand } from '../domain/relation.decider.js';
import { EVENT_STORE, EventIdConflictError, WrongExpectedRevisionError, type EventStore, type JsonObject, type NewEvent, type StoredEvent } from '../event-store/event-store.port.js';
import { outcomeOf, RevisionPreconditionFailed, type CommandOptions, type CommandOutcome } from './command-outcome.js';
import { INCIDENT_DIRECTORY, type IncidentDirectory } from './incident-directory.port.js';
import { KeyedLock } from './keyed-lock.js';
import { RelationStreamCache } from './relation-stream-cache.js';
import { UuidV7Generator } from './uuid-v7.js';

/** One command of a batch, with the event id derived from what it records (a dataset's row). */
export interface BatchCommand {
  command: RelationCommand;
  eventId: string;
}

export interface BatchOutcome {
  appended: StoredEvent[];
  /** Commands whose event id was already in the stream: recorded by an earlier run. */
  alreadyRecorded: number;
  /** Commands the rules refused, with why. */
  refused: { eventId: string; reason: string }[];
}

export interface BatchOptions {
  /** Decide only: report what would be appended, already recorded or refused, and append nothing. */
  dryRun?: boolean;
  /** Stored with every event the batch appends (who accepted it). */
  metadata?: JsonObject;
}

/** Revision conflicts come from other processes writing the same pair; retry a few times. */
const MAX_ATTEMPTS = 5;

/**
 * Handles a command on a pair's stream: load the pair's state, decide, append with the expected
 * revision. The state is cached (relation-stream-cache.ts); another process may have appended
 * meanwhile, so a revision conflict — or a refusal decided on the cache — is retried on a fresh read.
 */
@Injectable()
export class RelationCommandHandler {
  private readonly lock = new KeyedLock();
  private readonly streams: RelationStreamCache;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(INCIDENT_DIRECTORY) private readonly directory: IncidentDirectory,
    private readonly ids: UuidV7Generator,
  ) {
    this.streams = new RelationStreamCache(store);
  }

  handle(streamId: string, command: RelationCommand, options: CommandOptions = {}): Promise<CommandOutcome> {
    const eventId = options.eventId ?? this.ids.next(Date.parse(command.data.recordedAt));
    return this.lock.run(streamId, async () => {
      for (let attempt = 1, fresh = !this.streams.has(streamId); ; attempt++, fresh = true) {
        const stream = await this.streams.load(streamId, fresh);
        try {
          const earlier = stream.recorded.get(eventId);
          if (earlier) return { ...earlier, replayed: true };
          checkPrecondition(streamId, stream.revision, options.expectedRevision);
          if (options.eventId !== undefined) this.rejectIdUsedElsewhere(streamId, eventId);
          const [event] = relationDecider.decide(command, stream.state);
          const data = event.data as unknown as JsonObject;
          const expected = stream.revision < 0 ? 'no_stream' : stream.revision;
          const appended = await this.store.append(streamId, [{ eventId, type: event.type, data, metadata: options.metadata ?? {} }], expected);
          // Recorded before, possibly by another process: answer with what was recorded then.
          if (appended.deduplicated) await this.streams.catchUp(streamId, stream);
          else this.streams.remember(stream, appended.events[0]);
          return { ...outcomeOf(appended.events[0]), replayed: appended.deduplicated };
        } catch (error) {
          if (!worthRetrying(error, fresh) || attempt === MAX_ATTEMPTS) throw error;
        }
      }
    });
  }

  /**
   * Decides `commands` in order on one pair's stream — each on the state the ones before it left —
   * and appends all they decide in one append: an import writes a batch of rows per pair, not a
   * request per row, and a batch is recorded whole or not at all. Commands whose event id is
   * already recorded are skipped (an import run again appends nothing); a command the rules refuse
   * is reported back and the others go on. A dry run stops before the append, so a caller can check
   * several pairs' batches before recording any of them.
   */
  handleBatch(streamId: string, commands: readonly BatchCommand[], options: BatchOptions = {}): Promise<BatchOutcome> {
    return this.lock.run(streamId, async () => {
      for (let attempt = 1, fresh = !this.streams.has(streamId); ; attempt++, fresh = true) {
        const stream = await this.streams.load(streamId, fresh);
        const outcome: BatchOutcome = { appended: [], alreadyRecorded: 0, refused: [] };
        const events: NewEvent[] = [];
        const decided = new Set<string>();
        let state = stream.state;
        // One object for the batch, not one per event: the events live until the batch commits.
        const metadata = options.metadata ?? {};
        for (const { command, eventId } of commands) {
          if (stream.imported.has(eventId) || stream.recorded.has(eventId) || decided.has(eventId)) {
            outcome.alreadyRecorded++;
            continue;
          }
          try {
            const [event] = relationDecider.decide(command, state);
            state = relationDecider.evolve(state, event);
            events.push({ eventId, type: event.type, data: event.data as unknown as JsonObject, metadata });
            decided.add(eventId);
          } catch (error) {
            if (!(error instanceof RelationRuleViolation || error instanceof InvalidIncidentDetails)) throw error;
            outcome.refused.push({ eventId, reason: error.message });
          }
        }
        if (events.length === 0 || options.dryRun) return outcome;
        try {
          const appended = await this.store.append(streamId, events, stream.revision < 0 ? 'no_stream' : stream.revision);
          // Recorded before (another run): the stored events, not this batch's, are the stream's.
          if (appended.deduplicated) for (const stored of appended.events) this.streams.remember(stream, stored);
          else this.streams.advance(stream, state, appended.events, events);
          return { ...outcome, appended: appended.deduplicated ? [] : appended.events, alreadyRecorded: outcome.alreadyRecorded + (appended.deduplicated ? events.length : 0) };
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError) || attempt === MAX_ATTEMPTS) throw error;
        }
      }
    });
  }

  /**
   * A caller-chosen event id already recorded in another pair's stream belongs to another command.
   * SQLite refuses such an append itself; EventStoreDB only deduplicates within a stream.
   */
  private rejectIdUsedElsewhere(streamId: string, eventId: string): void {
    const recordedIn = this.directory.streamOfEvent(eventId);
    if (recordedIn !== undefined && recordedIn !== streamId) throw new EventIdConflictError(streamId, [eventId], 'already recorded in another stream');
  }
}

/** A conflict always; a refusal only when it was decided on a cached state that may be stale. */
function worthRetrying(error: unknown, fresh: boolean): boolean {
  if (error instanceof WrongExpectedRevisionError) return true;
  return !fresh && (error instanceof RelationRuleViolation || error instanceof RevisionPreconditionFailed || error instanceof IncidentNotFound);
}

function checkPrecondition(streamId: string, revision: number, expected: CommandOptions['expectedRevision']): void {
  if (expected === undefined) return;
  const holds = revision >= 0 && (expected === 'stream_exists' || (typeof expected === 'number' ? expected === revision : expected.includes(revision)));
  if (!holds) throw new RevisionPreconditionFailed(streamId, revision >= 0 ? revision : null);
}
