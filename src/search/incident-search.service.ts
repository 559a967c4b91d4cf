import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type StoredEvent, type Subscription } from '../event-store/event-store.port.js';
import { ProblemException } from '../http/problem.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { PositionWaiters } from '../projections/position-waiters.js';
import { IncidentTextIndex, type SearchCriteria } from './incident-text-index.js';
import { indexEvent } from './index-event.js';

/** How long a search waits for the index to reach what the read model already shows. */
const CATCH_UP_WAIT_MS = 2_000;
/** Pause before following the log again after the subscription failed. */
const RESUBSCRIBE_DELAY_MS = 1_000;

/**
 * Keeps the search index fed from the global log through the event-store port (so SQLite,
 * PostgreSQL and EventStoreDB all get the same FTS5 search), and answers searches once the index
 * has seen at least what the read model has: an incident visible in GET /incidents/{id} is
 * findable by a search made after it.
 */
@Injectable()
export class IncidentSearch implements OnApplicationShutdown {
  private readonly index = new IncidentTextIndex();
  private readonly waiters: PositionWaiters;
  private readonly logger = new Logger('IncidentSearch');
  private checkpoint: string | null = null;
  private subscription: Subscription | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
  ) {
    this.waiters = new PositionWaiters((a, b) => store.comparePositions(a, b));
  }

  /**
   * Reads the log so far, then follows it — in the background: on a large log (1M events, about
   * 45 s of FTS5 inserts) the server must not wait for the index to start serving, nor stall its
   * requests while it is built, so each page yields to the event loop. Searches made before the
   * index has caught up wait briefly, then answer 503 (see `search`).
   */
  start(): void {
    void this.catchUp().then(
      () => this.follow(),
      (error: unknown) => {
        if (this.stopping) return;
        this.logger.warn(`Search index could not read the log (${String(error)}); retrying`);
        this.retryTimer = setTimeout(() => this.start(), RESUBSCRIBE_DELAY_MS);
        this.retryTimer.unref();
      },
    );
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
    clearTimeout(this.retryTimer);
    await this.subscription?.close();
    this.index.close();
  }

  private follow(): void {
    if (this.stopping) return;
    this.subscription = this.store.subscribeToAll({
      after: this.checkpoint,
      onEvent: (event) => this.apply(event),
      onError: (error) => {
        if (this.stopping) return;
        this.logger.warn(`Search index stopped following the log (${String(error)}); retrying`);
        this.retryTimer = setTimeout(() => this.follow(), RESUBSCRIBE_DELAY_MS);
        this.retryTimer.unref();
      },
    });
  }

  private apply(event: StoredEvent): void {
    if (this.checkpoint !== null && this.store.comparePositions(event.position, this.checkpoint) <= 0) return;
    indexEvent(this.index, event);
    this.checkpoint = event.position;
    this.waiters.applied(event.position);
  }
}
