import { Inject, Injectable, Logger } from '@nestjs/common';
import { map, share, type Observable } from 'rxjs';
import { CLOCK, type Clock } from '../clock.js';
import { isAmendment, type RelationEvent } from '../domain/incident.js';
import { pairKey } from '../domain/relation-pair.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.port.js';
import { ProjectionRunner, type ReadModelUpdate } from '../projections/projection-runner.js';
import { perspectiveOf } from '../relations/relation-query.js';
import { asRelationEvent, kindOf, relationSummary, type LiveRelationSummary, type LiveUpdate } from './live-update.js';

/** Page size when replaying the log to a reconnecting client. */
const REPLAY_PAGE = 500;

/**
 * The read model's updates as messages for live clients: each applied report, correction or
 * retraction with its pair's score right after it. The mapping runs once per update however
 * many clients listen, and not at all while none does.
 */
@Injectable()
export class LiveFeed {
  /** Live updates in log order, from the moment of subscription on. */
  readonly updates$: Observable<LiveUpdate>;
  private readonly logger = new Logger(LiveFeed.name);

  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    // Mapped synchronously as the runner applies the event, so the score is the one right after it.
    this.updates$ = projections.updates$.pipe(
      map((update) => this.live(update)),
      share(),
    );
  }

  /** Position of the last event the read model has applied; live updates start after it. */
  get position(): string | null {
    return this.projections.position;
  }

  comparePositions(a: string, b: string): number {
    return this.store.comparePositions(a, b);
  }

  isPosition(value: string): boolean {
    return this.store.isPosition(value);
  }

  /**
   * The updates a client missed: relation events of the global log strictly after `after`
   * (null = from the start) and up to `through` included, read from the store in pages.
   * `through` must be a position the read model has applied, so every amendment finds its pair.
   */
  async *replay(after: string | null, through: string | null): AsyncGenerator<LiveUpdate> {
    if (through === null) return;
    const summaries = new Map<string, LiveRelationSummary | null>();
    let cursor = after;
    for (;;) {
      const page = await this.store.readAll(cursor, REPLAY_PAGE);
      for (const stored of page.events) {
        if (this.store.comparePositions(stored.position, through) > 0) return;
        const update = this.fromLog(stored, summaries);
        if (update) yield update;
      }
      if (page.next === null) return;
      cursor = page.next;
    }
  }

  private live(update: ReadModelUpdate): LiveUpdate {
    return {
      position: update.position,
      eventId: update.eventId,
      kind: kindOf(update.event),
      pairKey: update.pairKey,
      event: update.event,
      relation: this.summary(update.pairKey),
      replayed: false,
    };
  }

  private fromLog(stored: StoredEvent, summaries: Map<string, LiveRelationSummary | null>): LiveUpdate | null {
    const event = asRelationEvent(stored);
    if (!event) return null;
    const key = this.pairOf(event);
    if (!key) return null;
    // Replayed updates carry the pair as it is now: the score right after an old event is history.
    if (!summaries.has(key)) summaries.set(key, this.summary(key));
    return {
      position: stored.position,
      eventId: stored.eventId,
      kind: kindOf(event),
      pairKey: key,
      event,
      relation: summaries.get(key)!,
      replayed: true,
    };
  }

  private pairOf(event: RelationEvent): string | undefined {
    if (!isAmendment(event)) return pairKey(event.data.actor, event.data.target);
    return this.projections.readModel.pairOf(event.data.incidentId);
  }

  private summary(key: string): LiveRelationSummary | null {
    try {
      const [a, b] = key.split('-');
      return relationSummary(this.projections.readModel.relationFigures(a, b, perspectiveOf({}, this.clock)));
    } catch (error) {
      // Never let a live client's message break the runner that is applying the event.
      this.logger.warn(`could not score ${key} for live clients: ${String(error)}`);
      return null;
    }
  }
}
