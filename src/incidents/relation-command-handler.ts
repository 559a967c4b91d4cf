import { Inject, Injectable } from '@nestjs/common';
import { IncidentNotFound, RelationRuleViolation } from '../domain/domain-errors.js';
import { relationDecider, type RelationCommand } from '../domain/relation.decider.js';
import { EVENT_STORE, EventIdConflictError, WrongExpectedRevisionError, type EventStore, type JsonObject, type StoredEvent } from '../event-store/event-store.port.js';
import { basisAfter, basisOf, decideBatchOn, stillHolds, type BatchCommand, type DecidedBatch } from './batch-decision.js';
import { outcomeOf, RevisionPreconditionFailed, type CommandOptions, type CommandOutcome } from './command-outcome.js';
import { INCIDENT_DIRECTORY, type IncidentDirectory } from './incident-directory.port.js';
import { KeyedLock } from './keyed-lock.js';
import { RelationStreamCache, type RelationStream } from './relation-stream-cache.js';
import { UuidV7Generator } from './uuid-v7.js';

export type { BatchCommand, DecidedBatch };

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
    const metadata = options.metadata ?? {};
    if (!options.dryRun) return this.lock.run(streamId, () => this.appendDecided(streamId, commands, metadata, () => undefined));
    return this.lock.run(streamId, async () => outcomeOfDecision(decideBatchOn(streamId, basisOf(await this.loadCached(streamId)), commands, metadata), []));
  }

  /**
   * Decides a batch without appending it, for `commitBatch` to append later: an import decides its
   * next batch while the one before commits. With `after` (that pair's batch still committing) it
   * is decided on the state that batch will leave, which stays in the decision — the cache, shared
   * with every other writer of this process, only ever holds what is durable.
   */
  decideBatch<Command extends BatchCommand>(streamId: string, commands: readonly Command[], after?: DecidedBatch, metadata: JsonObject = {}): Promise<DecidedBatch<Command>> {
    if (after) return Promise.resolve(decideBatchOn(streamId, basisAfter(after), commands, metadata));
    return this.lock.run(streamId, async () => decideBatchOn(streamId, basisOf(await this.loadCached(streamId)), commands, metadata));
  }

  /**
   * Appends a batch from `decideBatch`, as decided when the stream is still exactly what it was
   * decided on (the batch underneath committed as decided, nobody else wrote); otherwise decided
   * again on the stream as it is, as handleBatch would. Nothing is appended for a batch whose
   * caller stops before calling this (the batch underneath failed).
   */
  commitBatch<Command extends BatchCommand>(decided: DecidedBatch<Command>): Promise<BatchOutcome> {
    return this.lock.run(decided.streamId, () => this.appendDecided(decided.streamId, decided.commands, decided.metadata, (stream) => (stillHolds(decided, stream) ? decided : undefined)));
  }

  /** The pair's stream as cached, read first when it is not. */
  private loadCached(streamId: string): Promise<RelationStream> {
    return this.streams.load(streamId, !this.streams.has(streamId));
  }

  /** Appends the decision (`decidedEarlier`, or one made now on the stream) with the expected revision; a conflict is decided again on a fresh read. Runs under the pair's lock. */
  private async appendDecided(
    streamId: string,
    commands: readonly BatchCommand[],
    metadata: JsonObject,
    decidedEarlier: (stream: RelationStream) => DecidedBatch | undefined,
  ): Promise<BatchOutcome> {
    for (let attempt = 1, fresh = !this.streams.has(streamId); ; attempt++, fresh = true) {
      const stream = await this.streams.load(streamId, fresh);
      const decided = (attempt === 1 && decidedEarlier(stream)) || decideBatchOn(streamId, basisOf(stream), commands, metadata);
      if (decided.events.length === 0) return outcomeOfDecision(decided, []);
      try {
        const appended = await this.store.append(streamId, decided.events, stream.revision < 0 ? 'no_stream' : stream.revision);
        // Recorded before (another run): the stored events, not this batch's, are the stream's.
        if (appended.deduplicated) {
          for (const stored of appended.events) this.streams.remember(stream, stored);
          return { ...outcomeOfDecision(decided, []), alreadyRecorded: decided.alreadyRecorded + decided.events.length };
        }
        this.streams.advance(stream, decided.state, appended.events, decided.events);
        return outcomeOfDecision(decided, appended.events);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt === MAX_ATTEMPTS) throw error;
      }
    }
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

function outcomeOfDecision(decided: DecidedBatch, appended: StoredEvent[]): BatchOutcome {
  return { appended, alreadyRecorded: decided.alreadyRecorded, refused: decided.refused };
}

function checkPrecondition(streamId: string, revision: number, expected: CommandOptions['expectedRevision']): void {
  if (expected === undefined) return;
  const holds = revision >= 0 && (expected === 'stream_exists' || (typeof expected === 'number' ? expected === revision : expected.includes(revision)));
  if (!holds) throw new RevisionPreconditionFailed(streamId, revision >= 0 ? revision : null);
}
