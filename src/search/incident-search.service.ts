import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type StoredEvent, type Subscription } from '../event-store/event-store.port.js';
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

  /** Reads the log so far, then follows it. */
  async start(): Promise<void> {
    for (let page = await this.store.readAll(null, 1000); ; page = await this.store.readAll(page.next, 1000)) {
      this.index.inTransaction(() => {
        for (const event of page.events) this.apply(event);
      });
      if (page.next === null || page.events.length === 0) break;
    }
    this.follow();
  }

  /** Positions of the matching incident reports, in order; one more than `limit` when a next page exists. */
  async search(criteria: SearchCriteria): Promise<string[]> {
    const shown = this.projections.position;
    if (shown !== null) await this.waiters.wait(shown, this.checkpoint, CATCH_UP_WAIT_MS);
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
