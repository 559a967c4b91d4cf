import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { CLOCK, type Clock } from '../clock.js';
import type { IncidentData, IncidentDetails, IncidentEvent } from '../domain/incident.js';
import type { IncidentType } from '../domain/incident-catalog.js';
import { isInFuture, parseOccurrence } from '../domain/occurrence.js';
import { decide, evolve, initialState, type RelationDecisionState, type ReportIncident } from '../domain/relation.decider.js';
import { relationStreamId } from '../domain/relation-pair.js';
import {
  EVENT_STORE,
  WrongExpectedRevisionError,
  type EventStore,
  type JsonObject,
  type StoredEvent,
} from '../event-store/event-store.port.js';
import { validationProblem } from '../http/problem.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { KeyedLock } from './keyed-lock.js';
import type { ReportIncidentDto } from './report-incident.dto.js';

export interface ReportResult {
  incidentId: string;
  eventId: string;
  postedType: IncidentType;
  recordedType: IncidentType;
  streamId: string;
  revision: number;
  position: string;
  recordedAt: string;
  inResponseTo?: string;
  /** True when the event id had been recorded before and this is the original outcome. */
  replayed: boolean;
}

export interface ReportOptions {
  /** A caller-chosen, deterministic event id: reporting it again returns the first outcome. */
  eventId?: string;
}

/** What the reporter remembers of a pair's stream between commands. */
interface StreamView {
  revision: number;
  state: RelationDecisionState;
  recorded: Map<string, Omit<ReportResult, 'replayed'>>;
}

/** How long a 201 waits for the read model to show the incident (read-your-writes). */
const READ_YOUR_WRITES_MS = 2_000;
/** Revision conflicts come from other processes writing the same pair; retry a few times. */
const MAX_ATTEMPTS = 5;
/** Pairs whose decision state stays cached. */
const CACHED_STREAMS = 10_000;

/** Handles ReportIncident: decide against the pair's stream, append with its expected revision. */
@Injectable()
export class IncidentReporter {
  private readonly streams = new Map<string, StreamView>();
  private readonly lock = new KeyedLock();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionRunner,
  ) {}

  async report(dto: ReportIncidentDto, options: ReportOptions = {}): Promise<ReportResult> {
    const now = this.clock.now();
    if (isInFuture(parseOccurrence(dto.occurredOn), now.getTime())) {
      throw validationProblem([{ field: 'occurredOn', message: `${dto.occurredOn} is in the future` }]);
    }
    const command: ReportIncident = {
      kind: 'ReportIncident',
      incidentId: uuidv7({ msecs: now.getTime() }),
      type: dto.type,
      actor: dto.actor,
      target: dto.target,
      occurredOn: dto.occurredOn,
      summary: dto.summary,
      sources: plain(dto.sources),
      details: plain(dto.details ?? {}) as IncidentDetails,
      recordedAt: now.toISOString(),
    };
    const eventId = options.eventId ?? uuidv7({ msecs: now.getTime() });
    const streamId = relationStreamId(dto.actor, dto.target);
    const result = await this.lock.run(streamId, () => this.decideAndAppend(streamId, command, eventId));
    await this.projections.waitFor(result.position, READ_YOUR_WRITES_MS);
    return result;
  }

  private async decideAndAppend(streamId: string, command: ReportIncident, eventId: string): Promise<ReportResult> {
    for (let attempt = 1; ; attempt++) {
      const view = await this.catchUp(streamId);
      const earlier = view.recorded.get(eventId);
      if (earlier) return { ...earlier, replayed: true };
      const [event] = decide(command, view.state);
      try {
        const appended = await this.store.append(
          streamId,
          [{ eventId, type: event.type, data: event.data as unknown as JsonObject }],
          view.revision < 0 ? 'no_stream' : view.revision,
        );
        const [stored] = appended.events;
        this.remember(view, stored);
        return { ...view.recorded.get(stored.eventId)!, replayed: appended.deduplicated };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt === MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** The pair's decision state, brought up to date with whatever other processes appended. */
  private async catchUp(streamId: string): Promise<StreamView> {
    let view = this.streams.get(streamId);
    if (view) this.streams.delete(streamId);
    view ??= { revision: -1, state: initialState, recorded: new Map() };
    for (const stored of await this.store.readStream(streamId, view.revision + 1)) this.remember(view, stored);
    this.streams.set(streamId, view);
    if (this.streams.size > CACHED_STREAMS) this.streams.delete(this.streams.keys().next().value!);
    return view;
  }

  private remember(view: StreamView, stored: StoredEvent): void {
    if (stored.revision <= view.revision) return;
    const event = { type: stored.type, data: stored.data as unknown as IncidentData } as IncidentEvent;
    view.state = evolve(view.state, event);
    view.revision = stored.revision;
    view.recorded.set(stored.eventId, {
      incidentId: event.data.incidentId,
      eventId: stored.eventId,
      postedType: event.data.postedType ?? event.type,
      recordedType: event.type,
      streamId: stored.streamId,
      revision: stored.revision,
      position: stored.position,
      recordedAt: event.data.recordedAt,
      ...(event.data.inResponseTo ? { inResponseTo: event.data.inResponseTo } : {}),
    });
  }
}

/** DTO instances to plain JSON data, dropping undefined fields, so stores hand back deep-equal events. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
