import { Inject, Injectable, Logger } from '@nestjs/common';
import { map, share, type Observable } from 'rxjs';
import { CLOCK, type Clock } from '../clock.js';
import { isIncidentReport, type RelationEvent } from '../domain/incident.js';
import { pairKey } from '../domain/relation-pair.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.port.js';
import { ProjectionRunner, type ReadModelUpdate } from '../projections/projection-runner.js';
import { perspectiveOf } from '../time/perspective.js';
import { asRelationEvent, kindOf, relationSummary, updateMessage, type LiveRelationSummary, type LiveUpdate } from './live-update.js';
import { EncodedPageCache, type EncodedPage } from './encoded-page-cache.js';
import { ReplayPacer } from './replay-pacer.js';
import { encodeSse } from './sse-connection.js';

/**
 * Page size when replaying the log to a reconnecting client: small, so one step of a replay fits
 * the pacer's slice, and a client that does not read holds one encoded page (100 updates, about
 * 100–450 KB, shared through the cache with every client replaying the same stretch).
 */
const REPLAY_PAGE = 100;
/** Encoded replay pages kept for other clients: the first ~20,000 typical updates of a stretch of the log. */
const ENCODED_PAGES_BYTES = 32 * 1024 * 1024;
/** How long a replayed pair summary is reused; computing one is 0.1–1 ms on a busy pair. */
const SUMMARY_TTL_MS = 10_000;
/** How far past the read model's position a resume point is looked for in the log before the stream resets. */
const LOOKAHEAD_PAGES = 10;

/** A live update with its `update` message encoded once for every client. */
export interface OutgoingUpdate {
  position: string;
  text: string;
}

/** Where a client's resume point stands in this log. */
export type ResumeCheck = { known: true } | { known: false; reason: 'past-end' | 'not-an-event' };

/**
 * The read model's updates as messages for live clients: each applied report, correction or
 * retraction with its pair's score right after it. The mapping runs once per update however
 * many clients listen, and not at all while none does.
 */
@Injectable()
export class LiveFeed {
  /** Live updates in log order, from the moment of subscription on. */
  readonly updates$: Observable<LiveUpdate>;
  /** The same, encoded once however many clients listen. */
  readonly outgoing$: Observable<OutgoingUpdate>;
  private readonly logger = new Logger(LiveFeed.name);
  private readonly pacer = new ReplayPacer();
  /** Replayed updates carry the pair as it is now; one copy per pair serves every replaying client. */
  private readonly summaries = new Map<string, LiveRelationSummary | null>();
  private summariesGeneration = '';
  private readonly encodedPages = new EncodedPageCache(ENCODED_PAGES_BYTES);

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
    this.outgoing$ = this.updates$.pipe(
      map((update) => ({ position: update.position, text: encodeSse(updateMessage(update)) })),
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
   * Whether a well-formed resume point belongs to this log. At or before the read model's position
   * it is taken as is (the port reads only forwards, so a position between two events cannot be
   * told from one on an event: resuming after it misses nothing either way). Beyond it, the client
   * may have been served by an instance further ahead, so the log is read on from the read model's
   * position: the point must be the position of an event there. A position past the end of the
   * log (a client from before a database restore) is not.
   */
  async check(position: string): Promise<ResumeCheck> {
    const head = this.position;
    if (head !== null && this.store.comparePositions(position, head) <= 0) return { known: true };
    let cursor = head;
    for (let pages = 0; pages < LOOKAHEAD_PAGES; pages++) {
      const page = await this.store.readAll(cursor, REPLAY_PAGE);
      for (const stored of page.events) {
        const order = this.store.comparePositions(stored.position, position);
        if (order === 0) return { known: true };
        if (order > 0) return { known: false, reason: 'not-an-event' };
      }
      if (page.next === null) break;
      cursor = page.next;
    }
    return { known: false, reason: 'past-end' };
  }

  /**
   * The updates a client missed, page by page: relation events of the global log strictly after
   * `after` (null = from the start) and up to `through` included, each page read from the store
   * (or the cache of encoded pages) when the pacer gives it a turn. `through` must be a position
   * the read model has applied, so every amendment finds its pair. Pages without a relation
   * update are not yielded.
   */
  async *replayPages(after: string | null, through: string | null): AsyncGenerator<EncodedPage> {
    if (through === null) return;
    let cursor = after;
    for (;;) {
      await this.pacer.turn();
      const generation = this.generation();
      const cached = this.encodedPages.get(cursor, generation);
      const page = cached && this.store.comparePositions(cached.lastEvent, through) <= 0 ? cached : await this.readPage(cursor, through, generation);
      if (page === null) return;
      if (page.updates > 0) yield page;
      if (page.next === null || this.store.comparePositions(page.lastEvent, through) >= 0) return;
      cursor = page.next;
    }
  }

  /** One page from the store, encoded up to `through`; cached when all of it is. null = nothing after `cursor`. */
  private async readPage(cursor: string | null, through: string, generation: string): Promise<EncodedPage | null> {
    const { events, next } = await this.store.readAll(cursor, REPLAY_PAGE);
    let text = '';
    let updates = 0;
    let lastUpdate: string | null = null;
    let lastEvent: string | null = null;
    for (const stored of events) {
      if (this.store.comparePositions(stored.position, through) > 0) break;
      lastEvent = stored.position;
      const update = this.fromLog(stored);
      if (!update) continue;
      text += encodeSse(updateMessage(update));
      updates++;
      lastUpdate = update.position;
    }
    if (lastEvent === null) return null;
    const whole = lastEvent === events[events.length - 1].position;
    const page = { text, updates, lastUpdate, lastEvent, next: whole ? next : null };
    if (whole) this.encodedPages.set(cursor, generation, page);
    return page;
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

  private fromLog(stored: StoredEvent): LiveUpdate | null {
    const event = asRelationEvent(stored);
    if (!event) return null;
    const key = this.pairOf(event);
    if (!key) return null;
    return {
      position: stored.position,
      eventId: stored.eventId,
      kind: kindOf(event),
      pairKey: key,
      event,
      relation: this.summaryNow(key),
      replayed: true,
    };
  }

  /**
   * The pair as it is now (the score right after an old event is history), shared by every
   * replaying client until the read model moves on or SUMMARY_TTL_MS passes (scores decay with
   * time, by half in 30 days: ten seconds change nothing a reader sees).
   */
  private summaryNow(key: string): LiveRelationSummary | null {
    const generation = this.generation();
    if (generation !== this.summariesGeneration) {
      this.summaries.clear();
      this.summariesGeneration = generation;
    }
    let summary = this.summaries.get(key);
    if (summary === undefined) this.summaries.set(key, (summary = this.summary(key)));
    return summary;
  }

  /** What replayed messages depend on besides the log: the read model's position and the summaries' time window. */
  private generation(): string {
    return `${this.position}@${Math.floor(this.clock.now().getTime() / SUMMARY_TTL_MS)}`;
  }

  private pairOf(event: RelationEvent): string | undefined {
    if (isIncidentReport(event)) return pairKey(event.data.actor, event.data.target);
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
