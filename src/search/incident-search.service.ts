import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.port.js';
import { ProblemException } from '../http/problem.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { PositionWaiters } from '../projections/position-waiters.js';
import type { IndexChange, SearchCriteria, SearchHit } from './incident-text-index.js';
import { indexChangeOf } from './index-change.js';
import { openTextIndex, type TextIndex } from './text-index-thread.js';

/** How long a search waits for the index to reach what the read model already shows. */
const CATCH_UP_WAIT_MS = 2_000;
/** Pause before reading the log again after a read failed. */
const RETRY_DELAY_MS = 1_000;

/** What /health says of the index. */
export interface SearchIndexStatus {
  /** `catching-up` after a start or a restart, until it has read what the read model shows; `off` in a process that keeps none. */
  state: 'following' | 'catching-up' | 'off';
  /** The last event of the log the index holds. */
  position: string | null;
  /** Times the index has read the log again since the process started: its thread ended, or it refused a batch. */
  restarts: number;
}

/** Events read from the log at a time while the index catches up after a start. */
const CATCH_UP_PAGE = 1_000;

/**
 * Keeps the search index fed from the global log (so SQLite, PostgreSQL and EventStoreDB all get
 * the same FTS5 search), and answers searches once the index has seen at least what the read model
 * has: an incident visible in GET /incidents/{id} is findable by a search made after it.
 *
 * After a start it reads the log so far through the event-store port, in the background; from
 * then on it is fed by the read model's own pass over the live log (ProjectionRunner.onLiveEvent)
 * rather than a second subscription, which made every append be read and parsed twice. The index
 * itself runs on a thread of its own in the server (text-index-thread.ts): this service turns
 * events into changes, posts them, and follows what the index has acknowledged.
 */
@Injectable()
export class IncidentSearch implements OnApplicationShutdown {
  /** Opened by `start`: a process that never starts the index (the import CLI) spends no thread on it. */
  private index: TextIndex | undefined;
  private readonly waiters: PositionWaiters;
  private readonly logger = new Logger('IncidentSearch');
  /** The last event the index has acknowledged: every event up to it is in the index. */
  private checkpoint: string | null = null;
  /** The last event sent to the index (acknowledged or not): events up to it are not sent again. */
  private sent: string | null = null;
  /** Changed whenever a failure sends the index back to its checkpoint: answers to what was sent before are ignored. */
  private generation = 0;
  /** True once the index has read up to the read model and takes the events it applies. */
  private following = false;
  /** True while `readUpToReadModel` runs. */
  private reading = false;
  private restarts = 0;
  private stopListening: (() => void) | undefined;
  /** Events handed over by the read model, sent together at the next turn of the event loop. */
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

  /** A new, empty index: on its own thread when the server runs compiled (text-index-thread.ts). */
  protected openIndex(): TextIndex {
    return openTextIndex();
  }

  /**
   * Reads the log so far, then follows the read model's pass — in the background: on a large log
   * (1M events, about 35 s of FTS5 inserts) the server must not wait for the index to start
   * serving. Searches made before the index has caught up wait briefly, then answer 503 (see `search`).
   * Called again after a failure; one reader runs at a time.
   */
  start(): void {
    this.index ??= this.openIndex();
    this.stopListening ??= this.projections.onLiveEvent((event) => {
      if (this.following) this.enqueue(event);
    });
    if (this.reading) return;
    this.reading = true;
    void this.readUpToReadModel();
  }

  /**
   * Reads the log until the index holds at least what the read model has applied, then takes over
   * from the read model's pass. The check and the switch happen in one synchronous step, so an
   * event the read model applies is either read here or handed over, never neither. A failure
   * meanwhile sends the index back to what it acknowledged (`rewind`), and reading goes on from there.
   */
  private async readUpToReadModel(): Promise<void> {
    for (;;) {
      if (this.stopping || this.following) {
        this.reading = false;
        return;
      }
      const generation = this.generation;
      try {
        await this.catchUp(generation);
        if (generation !== this.generation) continue;
        const applied = this.projections.position;
        if (applied === null || (this.sent !== null && this.store.comparePositions(this.sent, applied) >= 0)) this.following = true;
      } catch (error) {
        if (this.stopping) continue;
        this.logger.warn(`Search index could not read the log (${String(error)}); retrying`);
        await new Promise((resolve) => {
          this.retryTimer = setTimeout(resolve, RETRY_DELAY_MS);
          this.retryTimer.unref();
        });
      }
    }
  }

  /** Reads the log after what was sent, a page at a time, the next page while the index writes this one; stops if the index is sent back. */
  private async catchUp(generation: number): Promise<void> {
    let page = await this.store.readAll(this.sent, CATCH_UP_PAGE);
    while (!this.stopping && generation === this.generation) {
      const written = this.send(page.events);
      if (page.next === null || page.events.length === 0) return written;
      [page] = await Promise.all([this.store.readAll(page.next, CATCH_UP_PAGE), written]);
    }
  }

  /** The matching incidents, in order; one more than `limit` when a next page exists. */
  async search(criteria: SearchCriteria): Promise<SearchHit[]> {
    const shown = this.projections.position;
    if (shown !== null && !(await this.waiters.wait(shown, this.checkpoint, CATCH_UP_WAIT_MS))) {
      throw new ProblemException(
        { status: 503, title: 'The search index is catching up', detail: 'The text index has not yet read everything the read model shows (it is built after a start); retry shortly' },
        { 'retry-after': '5' },
      );
    }
    return this.ask((index) => index.search(criteria));
  }

  status(): SearchIndexStatus {
    const state = this.index === undefined ? 'off' : this.following ? 'following' : 'catching-up';
    return { state, position: this.checkpoint, restarts: this.restarts };
  }

  /** The incident reported at `position` (a cursor names one), if the index holds it. */
  incidentAt(position: string): Promise<string | undefined> {
    return this.ask((index) => index.incidentAt(position));
  }

  /** Asks the index; if its thread has ended, a new index is built from the log and the caller told to retry (503). */
  private async ask<T>(question: (index: TextIndex) => Promise<T>): Promise<T> {
    const index = this.index;
    if (index === undefined) throw new ProblemException({ status: 503, title: 'The search index is not running', detail: 'This process does not keep a search index' });
    try {
      return await question(index);
    } catch (error) {
      if (index.alive) throw error;
      if (index === this.index) this.restart(error);
      throw new ProblemException(
        { status: 503, title: 'The search index is catching up', detail: 'The text index stopped and is being built again from the log; retry shortly' },
        { 'retry-after': '5' },
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.following = false;
    clearTimeout(this.retryTimer);
    this.stopListening?.();
    await this.index?.close();
  }

  /**
   * The events of one group commit arrive together and are sent as one batch: the index writes a
   * batch in one transaction, at about a seventh of the cost of one statement per event.
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
    this.send(events).catch((error: unknown) => {
      if (this.stopping) return;
      this.logger.error(`Search index could not apply the log after ${this.checkpoint} (${String(error)}); reading the log again`);
      this.start();
    });
  }

  private restart(error: unknown): void {
    if (this.stopping) return;
    this.logger.error(`Search index stopped (${String(error)}); building it again from the log`);
    this.rewind();
    this.start();
  }

  /**
   * Sends the changes of the events not sent before; resolves once the index has them. If the
   * index refuses a batch (its transaction rolled back) or its thread ends, everything after the
   * last acknowledged event is read again, on a new index if the old one is gone.
   */
  private send(events: readonly StoredEvent[]): Promise<void> {
    const changes: IndexChange[] = [];
    let last: string | undefined;
    for (const event of events) {
      if (this.sent !== null && this.store.comparePositions(event.position, this.sent) <= 0) continue;
      const change = indexChangeOf(event);
      if (change) changes.push(change);
      last = this.sent = event.position;
    }
    if (last === undefined) return Promise.resolve();
    const generation = this.generation;
    // Sent even when empty: the index answers in the order it was asked, so the checkpoint only moves forward.
    return this.index!.apply(changes).then(
      () => {
        if (generation !== this.generation) return;
        this.checkpoint = last;
        this.waiters.applied(last);
      },
      (error: unknown) => {
        // A batch sent before an earlier failure: that failure already sent the index back.
        if (generation !== this.generation) return;
        this.rewind();
        throw error;
      },
    );
  }

  private rewind(): void {
    this.generation++;
    this.restarts++;
    this.following = false;
    this.pending = [];
    if (!this.index?.alive && !this.stopping) {
      this.index = this.openIndex();
      this.checkpoint = null;
    }
    this.sent = this.checkpoint;
  }
}
