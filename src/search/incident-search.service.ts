import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.port.js';
import { ProblemException } from '../http/problem.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { PositionWaiters } from '../projections/position-waiters.js';
import { IncidentTextIndex, type SearchCriteria } from './incident-text-index.js';
import { indexEvent } from './index-event.js';

/** How long a search waits for the index to reach what the read model already shows. */
const CATCH_UP_WAIT_MS = 2_000;
/** Pause before reading the log again after a read failed. */
const RETRY_DELAY_MS = 1_000;

/**
 * Keeps the search index fed from the global log (so SQLite, PostgreSQL and EventStoreDB all get
 * the same FTS5 search), and answers searches once the index has seen at least what the read model
 * has: an incident visible in GET /incidents/{id} is findable by a search made after it.
 *
 * After a start it reads the log so far through the event-store port, in the background; from
 * then on it is fed by the read model's own pass over the live log (ProjectionRunner.onLiveEvent)
 * rather than a second subscription, which made every append be read and parsed twice.
 */
@Injectable()
export class IncidentSearch implements OnApplicationShutdown {
  private readonly index = new IncidentTextIndex();
  private readonly waiters: PositionWaiters;
  private readonly logger = new Logger('IncidentSearch');
  private checkpoint: string | null = null;
  /** True once the index has read up to the read model and takes the events it applies. */
  private following = false;
  private stopListening: (() => void) | undefined;
  /** Events handed over by the read model, written together at the next turn of the event loop. */
  private pending: StoredEvent[] = [];
  private flushScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
  ) {
    this.waiters = new PositionWaiters((a, b) => store.comparePositions(a, b));
  }

  /**
   * Reads the log so far, then follows the read model's pass — in the background: on a large log
   * (1M events, about 45 s of FTS5 inserts) the server must not wait for the index to start
   * serving, nor stall its requests while it is built, so each page yields to the event loop.
   * Searches made before the index has caught up wait briefly, then answer 503 (see `search`).
   */
  start(): void {
    this.stopListening ??= this.projections.onLiveEvent((event) => {
      if (this.following) this.enqueue(event);
    });
    void this.readUpToReadModel().then(
      () => undefined,
      (error: unknown) => {
        if (this.stopping) return;
        this.logger.warn(`Search index could not read the log (${String(error)}); retrying`);
        this.retryTimer = setTimeout(() => this.start(), RETRY_DELAY_MS);
        this.retryTimer.unref();
      },
    );
  }

  /**
   * Reads the log until the index holds at least what the read model has applied, then takes over
   * from the read model's pass. The check and the switch happen in one synchronous step, so an
   * event the read model applies is either read here or handed over, never neither.
   */
  private async readUpToReadModel(): Promise<void> {
    for (;;) {
      await this.catchUp();
      if (this.stopping) return;
      const applied = this.projections.position;
      if (applied === null || (this.checkpoint !== null && this.store.comparePositions(this.checkpoint, applied) >= 0)) {
        this.following = true;
        return;
      }
    }
  }

  private async catchUp(): Promise<void> {
    for (let page = await this.store.readAll(this.checkpoint, 1000); !this.stopping; page = await this.store.readAll(page.next, 1000)) {
      this.index.inTransaction(() => {
        for (const event of page.events) this.apply(event);
      });
      if (page.next === null || page.events.length === 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Positions of the matching incident reports, in order; one more than `limit` when a next page exists. */
  async search(criteria: SearchCriteria): Promise<string[]> {
    const shown = this.projections.position;
    if (shown !== null && !(await this.waiters.wait(shown, this.checkpoint, CATCH_UP_WAIT_MS))) {
      throw new ProblemException(
        { status: 503, title: 'The search index is catching up', detail: 'The text index has not yet read everything the read model shows (it is built after a start); retry shortly' },
        { 'retry-after': '5' },
      );
    }
    return this.index.search(criteria);
  }

  /** The incident reported at `position` (a cursor names one), if the index holds it. */
  incidentAt(position: string): string | undefined {
    return this.index.incidentAt(position);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.following = false;
    clearTimeout(this.retryTimer);
    this.stopListening?.();
    this.index.close();
  }

  /**
   * The events of one group commit arrive together: written in one transaction, FTS5 costs about a
   * seventh of what one statement per event does (bench:search), and this runs on every append.
   * A search made meanwhile waits for the flush like any other catch-up (see `search`).
   */
  private enqueue(event: StoredEvent): void {
    this.pending.push(event);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** A fault here must not stop the read model: it is logged, and the index reads the log again (searches wait, then 503). */
  private flush(): void {
    this.flushScheduled = false;
    const events = this.pending;
    this.pending = [];
    if (!this.following || this.stopping) return;
    const before = this.checkpoint;
    try {
      this.index.inTransaction(() => {
        for (const event of events) this.apply(event);
      });
    } catch (error) {
      // The transaction was rolled back: read again from where it began.
      this.checkpoint = before;
      this.following = false;
      this.logger.error(`Search index could not apply the log up to ${events[events.length - 1]?.position} (${String(error)}); reading the log again`);
      this.start();
    }
  }

  private apply(event: StoredEvent): void {
    if (this.checkpoint !== null && this.store.comparePositions(event.position, this.checkpoint) <= 0) return;
    indexEvent(this.index, event);
    this.checkpoint = event.position;
    this.waiters.applied(event.position);
  }
}
