import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Subject } from 'rxjs';
import { EVENT_STORE, type EventStore, type StoredEvent, type Subscription } from '../event-store/event-store.port.js';
import { RelationsReadModel, type RecordedIncident } from './relations.read-model.js';

/** Page size when catching up with the log: bounded memory, few round trips. */
const CATCH_UP_PAGE = 5_000;

/**
 * Keeps the read model following the store's global log: a full catch-up before the app serves,
 * then a catch-up subscription, so incidents appended by any process sharing the store show up.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationShutdown {
  readonly readModel: RelationsReadModel;
  /** Every incident the read model applied, in log order. */
  readonly incidents$ = new Subject<RecordedIncident>();
  private checkpoint: string | null = null;
  private subscription?: Subscription;
  private waiters: { position: string; resolve: () => void }[] = [];
  private readonly logger = new Logger(ProjectionRunner.name);

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.readModel = new RelationsReadModel((a, b) => store.comparePositions(a, b));
  }

  /** Position of the last event applied, or null before the first. */
  get position(): string | null {
    return this.checkpoint;
  }

  /** Rebuilds the read model from the whole log, then follows new appends. */
  async start(): Promise<{ events: number; ms: number }> {
    const started = performance.now();
    let events = 0;
    for (let page = await this.store.readAll(null, CATCH_UP_PAGE); ; page = await this.store.readAll(page.next, CATCH_UP_PAGE)) {
      for (const event of page.events) this.apply(event);
      events += page.events.length;
      if (page.next === null) break;
    }
    this.subscription = this.store.subscribeToAll({
      after: this.checkpoint,
      onEvent: (event) => this.apply(event),
      onError: (error) => this.logger.error(`log subscription stopped: ${String(error)}`),
    });
    return { events, ms: performance.now() - started };
  }

  /** Resolves true once the read model has applied `position`, false after `timeoutMs`. */
  waitFor(position: string, timeoutMs: number): Promise<boolean> {
    if (this.reached(position)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
    this.incidents$.complete();
  }

  private apply(event: StoredEvent): void {
    const incident = this.readModel.apply(event);
    this.checkpoint = event.position;
    if (incident) this.incidents$.next(incident);
    if (this.waiters.length > 0) {
      const [done, waiting] = partition(this.waiters, (w) => this.reached(w.position));
      this.waiters = waiting;
      for (const waiter of done) waiter.resolve();
    }
  }

  private reached(position: string): boolean {
    return this.checkpoint !== null && this.store.comparePositions(this.checkpoint, position) >= 0;
  }
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
