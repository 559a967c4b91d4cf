import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CLOCK, type Clock } from '../clock.js';
import { IncidentNotFound, RelationRuleViolation } from '../domain/domain-errors.js';
import { isAmendment, type IncidentChanges, type IncidentDetails, type RelationEvent } from '../domain/incident.js';
import { INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import type { IncidentType } from '../domain/incident-types.js';
import { isInFuture, parseOccurrence } from '../domain/occurrence.js';
import { decide, evolve, initialState, type RelationCommand, type RelationDecisionState } from '../domain/relation.decider.js';
import { relationStreamId } from '../domain/relation-pair.js';
import {
  EVENT_STORE,
  EventIdConflictError,
  WrongExpectedRevisionError,
  type EventStore,
  type JsonObject,
  type StoredEvent,
} from '../event-store/event-store.port.js';
import { validationProblem } from '../http/problem.js';
import { flattenValidationErrors } from '../http/validation.pipe.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import type { CorrectIncidentDto, RetractIncidentDto } from './amend-incident.dto.js';
import { KeyedLock } from './keyed-lock.js';
import type { ReportIncidentDto } from './report-incident.dto.js';
import { plain } from './plain-json.js';
import { UuidV7Generator } from './uuid-v7.js';

/** What was recorded for one command: the answer to the request that sent it, and to its retries. */
export interface Recorded {
  incidentId: string;
  eventId: string;
  /** The event type recorded (an incident type, IncidentCorrected or IncidentRetracted). */
  recordedType: string;
  /** For reports: the type the reporter sent, which the decider may have recorded as another. */
  postedType?: IncidentType;
  streamId: string;
  revision: number;
  position: string;
  recordedAt: string;
  inResponseTo?: string;
  /** The event's metadata as stored: who sent the command, and under which Idempotency-Key. */
  metadata: JsonObject;
}

export interface CommandOutcome extends Recorded {
  /** True when the event id had been recorded before and this is the original outcome. */
  replayed: boolean;
}

export interface CommandOptions {
  /** A caller-chosen, deterministic event id: sending the command again returns the first outcome. */
  eventId?: string;
  /** Stored with the event, in the same append; a replayed outcome carries the metadata first stored. */
  metadata?: JsonObject;
  /**
   * Append only if the pair's stream is at one of these revisions, or ('stream_exists') has any
   * event at all; else RevisionPreconditionFailed. Checked against the stream as read from the
   * store, and the append expects that same revision, so no other writer can slip in between.
   */
  expectedRevision?: number | readonly number[] | 'stream_exists';
}

/** The pair's stream is not at the revision the command was sent against (HTTP 412). */
export class RevisionPreconditionFailed extends Error {
  constructor(
    readonly streamId: string,
    /** The stream's current revision, or null when it has no events yet. */
    readonly currentRevision: number | null,
  ) {
    super(currentRevision === null ? `${streamId} has no events yet` : `${streamId} is at revision ${currentRevision}`);
    this.name = 'RevisionPreconditionFailed';
  }
}

/** What the handler remembers of a pair's stream between commands. */
interface StreamView {
  revision: number;
  state: RelationDecisionState;
  /** Outcomes of the events whose ids callers derive (Idempotency-Key, seeds), by event id, for their retries. */
  recorded: Map<string, Recorded>;
}

/** How long a 201 waits for the read model to show the write (read-your-writes). */
const READ_YOUR_WRITES_MS = 2_000;
/** Revision conflicts come from other processes writing the same pair; retry a few times. */
const MAX_ATTEMPTS = 5;
/** Pairs whose decision state stays cached. */
const CACHED_STREAMS = 10_000;

/**
 * Handles the commands on a pair's stream — report, correct, retract: decide against the stream's
 * state, append with its expected revision, wait until the read model shows the event.
 */
@Injectable()
export class IncidentReporter {
  private readonly streams = new Map<string, StreamView>();
  private readonly lock = new KeyedLock();
  private readonly ids = new UuidV7Generator();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionRunner,
  ) {}

  async report(dto: ReportIncidentDto, options: CommandOptions = {}): Promise<CommandOutcome> {
    const now = this.clock.now();
    rejectFutureDates(dto, now);
    const streamId = relationStreamId(dto.actor, dto.target);
    return this.execute(streamId, options, {
      kind: 'ReportIncident',
      incidentId: this.ids.next(now.getTime()),
      type: dto.type,
      actor: dto.actor,
      target: dto.target,
      occurredOn: dto.occurredOn,
      summary: dto.summary,
      sources: plain(dto.sources),
      details: plain(dto.details ?? {}) as IncidentDetails,
      recordedAt: now.toISOString(),
    });
  }

  async correct(incidentId: string, dto: CorrectIncidentDto, options: CommandOptions = {}): Promise<CommandOutcome> {
    const now = this.clock.now();
    const incident = await this.incidentOrNotFound(incidentId);
    rejectFutureDates(dto, now);
    const details = dto.details === undefined ? undefined : await this.checkDetails(incident.type, dto.details);
    const { reason, ...fields } = { ...dto, ...(details === undefined ? {} : { details }) };
    const changes = plain(fields) as IncidentChanges;
    if (Object.keys(changes).length === 0) {
      throw validationProblem([{ field: 'occurredOn', message: 'a correction must amend at least one of occurredOn, summary, sources, details' }]);
    }
    return this.execute(incident.streamId, options, { kind: 'CorrectIncident', incidentId, changes, reason, recordedAt: now.toISOString() });
  }

  async retract(incidentId: string, dto: RetractIncidentDto, options: CommandOptions = {}): Promise<CommandOutcome> {
    const incident = await this.incidentOrNotFound(incidentId);
    return this.execute(incident.streamId, options, {
      kind: 'RetractIncident',
      incidentId,
      reason: dto.reason,
      recordedAt: this.clock.now().toISOString(),
    });
  }

  private async execute(streamId: string, options: CommandOptions, command: RelationCommand): Promise<CommandOutcome> {
    const eventId = options.eventId ?? this.ids.next(Date.parse(command.recordedAt));
    const outcome = await this.lock.run(streamId, () => this.decideAndAppend(streamId, command, eventId, options));
    await this.projections.waitFor(outcome.position, READ_YOUR_WRITES_MS);
    return outcome;
  }

  /**
   * Decides on the cached state of the stream first: in one process every write goes through
   * here, so it is current. Another process may have appended meanwhile; then the append fails
   * on its expected revision, and any refusal computed from the cache is rechecked on a fresh read.
   */
  private async decideAndAppend(streamId: string, command: RelationCommand, eventId: string, options: CommandOptions): Promise<CommandOutcome> {
    let fresh = !this.streams.has(streamId);
    for (let attempt = 1; ; attempt++) {
      const view = this.viewOf(streamId);
      if (fresh) await this.catchUp(streamId, view);
      try {
        const earlier = view.recorded.get(eventId);
        if (earlier) return { ...earlier, replayed: true };
        checkPrecondition(streamId, view.revision, options.expectedRevision);
        if (options.eventId !== undefined) this.rejectIdUsedElsewhere(streamId, eventId);
        const [event] = decide(command, view.state);
        const appended = await this.store.append(
          streamId,
          [{ eventId, type: event.type, data: event.data as unknown as JsonObject, metadata: options.metadata ?? {} }],
          view.revision < 0 ? 'no_stream' : view.revision,
        );
        if (appended.deduplicated) {
          // Recorded before, possibly by another process: answer with what was recorded then.
          await this.catchUp(streamId, view);
          return { ...outcomeOf(appended.events[0]), replayed: true };
        }
        this.remember(view, appended.events[0]);
        return { ...outcomeOf(appended.events[0]), replayed: false };
      } catch (error) {
        const retry = error instanceof WrongExpectedRevisionError || (!fresh && (error instanceof RelationRuleViolation || error instanceof RevisionPreconditionFailed || error instanceof IncidentNotFound));
        if (!retry || attempt === MAX_ATTEMPTS) throw error;
        fresh = true;
      }
    }
  }

  /** The pair's decision state as this process last saw it (the least recently used pairs are forgotten). */
  private viewOf(streamId: string): StreamView {
    let view = this.streams.get(streamId);
    if (view) this.streams.delete(streamId);
    view ??= { revision: -1, state: initialState, recorded: new Map() };
    this.streams.set(streamId, view);
    if (this.streams.size > CACHED_STREAMS) this.streams.delete(this.streams.keys().next().value!);
    return view;
  }

  /** Brings the view up to date with whatever other processes appended to the stream. */
  private async catchUp(streamId: string, view: StreamView): Promise<void> {
    for (const stored of await this.store.readStream(streamId, view.revision + 1)) this.remember(view, stored);
  }

  private remember(view: StreamView, stored: StoredEvent): void {
    if (stored.revision <= view.revision) return;
    view.state = evolve(view.state, { type: stored.type, data: stored.data } as unknown as RelationEvent);
    view.revision = stored.revision;
    // Only an id derived from the caller's request (a UUIDv5 of an Idempotency-Key or a seed's key)
    // can come again; the UUIDv7 the server makes for every other write never does.
    if (!isServerMadeId(stored.eventId)) view.recorded.set(stored.eventId, outcomeOf(stored));
  }

  /**
   * A caller-chosen event id already recorded in another pair's stream belongs to another command.
   * SQLite refuses such an append itself; EventStoreDB only deduplicates within a stream.
   */
  private rejectIdUsedElsewhere(streamId: string, eventId: string): void {
    const recordedIn = this.projections.readModel.streamOfEvent(eventId);
    if (recordedIn !== undefined && recordedIn !== streamId) {
      throw new EventIdConflictError(streamId, [eventId], 'already recorded in another stream');
    }
  }

  private async incidentOrNotFound(incidentId: string) {
    const incident = await this.projections.readModel.incident(incidentId);
    if (!incident) throw new NotFoundException(new IncidentNotFound(incidentId).message);
    return incident;
  }

  /** Corrected details must still fit the incident's type; they are stored as validated (text normalized). */
  private async checkDetails(type: IncidentType, details: Record<string, unknown>): Promise<Record<string, unknown>> {
    const Details = INCIDENT_CATALOG[type].details;
    const instance = Details ? plainToInstance(Details, details) : {};
    const errors = Details
      ? await validate(instance, { whitelist: true, forbidNonWhitelisted: true })
      : Object.keys(details).map((property) => ({ property, constraints: { whitelist: 'is not a known field' }, children: [] }));
    if (errors.length > 0) throw validationProblem(flattenValidationErrors(errors as never, 'details'));
    return instance as Record<string, unknown>;
  }
}

/**
 * Nothing is reported before it happens, nor published before it is written: the occurrence and
 * every source's publication date must have begun by the request's clock date (at the
 * precision given, so today is accepted all day).
 */
function rejectFutureDates(dto: { occurredOn?: string; sources?: { publishedOn?: string }[] }, now: Date): void {
  const dates: [field: string, date: string | undefined][] = [
    ['occurredOn', dto.occurredOn],
    ...(dto.sources ?? []).map((source, i): [string, string | undefined] => [`sources[${i}].publishedOn`, source.publishedOn]),
  ];
  const errors = dates
    .filter((entry): entry is [string, string] => entry[1] !== undefined && isInFuture(parseOccurrence(entry[1]), now.getTime()))
    .map(([field, date]) => ({ field, message: `${date} is in the future` }));
  if (errors.length > 0) throw validationProblem(errors);
}

function checkPrecondition(streamId: string, revision: number, expected: CommandOptions['expectedRevision']): void {
  if (expected === undefined) return;
  const holds = revision >= 0 && (expected === 'stream_exists' || (typeof expected === 'number' ? expected === revision : expected.includes(revision)));
  if (!holds) throw new RevisionPreconditionFailed(streamId, revision >= 0 ? revision : null);
}

/** Whether an event id is a UUIDv7, which only this server makes (callers' ids are UUIDv5). */
function isServerMadeId(eventId: string): boolean {
  return eventId.charAt(14) === '7';
}

/** What was recorded by `stored`: the answer to the command that wrote it and to its retries. */
function outcomeOf(stored: StoredEvent): Recorded {
  const event = { type: stored.type, data: stored.data } as unknown as RelationEvent;
  const report = isAmendment(event) ? undefined : event.data;
  return {
    incidentId: event.data.incidentId,
    eventId: stored.eventId,
    recordedType: event.type,
    ...(report ? { postedType: report.postedType ?? (event.type as IncidentType) } : {}),
    streamId: stored.streamId,
    revision: stored.revision,
    position: stored.position,
    recordedAt: event.data.recordedAt,
    ...(report?.inResponseTo ? { inResponseTo: report.inResponseTo } : {}),
    metadata: stored.metadata,
  };
}
