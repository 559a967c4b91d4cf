import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import { EVENT_STORE, WrongExpectedRevisionError, type EventStore, type ExpectedRevision } from '../event-store/event-store.port.js';
import { AlertJournal, type AlertEventId } from './alert-journal.js';
import { emptyHistory, evolveHistory, evolveRegistry, type Watch, type WatchHistory } from './watch-book.js';
import {
  asJson,
  WATCH_REGISTRY_STREAM,
  watchStreamId,
  type Alert,
  type DeliveryAttempt,
  type RegistryEvent,
  type WatchStreamEvent,
} from './watch-events.js';

/** Events of a stream read per call at start-up. */
const READ_PAGE = 1_000;

/** Times an append is tried again after another instance wrote to the same watch stream first. */
const CONFLICT_RETRIES = 3;

/**
 * The watches and what happened to them, kept in memory and written through the event-store port:
 * every change is appended first and applied once durable, so what is served is what a restart
 * reads back. Appends to a watch's stream name the revision this instance has seen, so instances
 * sharing a store never both raise one alert: the one that loses catches up with the stream
 * (`catchUp`) and judges again. Alerts this instance learns of, raised here or by another
 * instance, are published on `alerts$` for live clients.
 */
@Injectable()
export class WatchRepository {
  readonly alerts$ = new Subject<Alert>();
  /** Emits whenever a watch was created or deleted (here or, once read, by another instance). */
  readonly registryChanged$ = new Subject<void>();
  private readonly watches = new Map<string, Watch>();
  private readonly histories = new Map<string, WatchHistory>();
  /** Alerts in the order this instance learned them, for streams resuming from a Last-Event-ID. */
  private readonly journal = new AlertJournal();
  /** The operations on each watch's stream, one after another (see `serially`). */
  private readonly queues = new Map<string, Promise<void>>();
  /** Revision of the registry stream's last event read, or -1. */
  private registryRevision = -1;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Reads the registry and each active watch's stream. */
  async load(): Promise<void> {
    await this.refresh(false);
    this.journal.sortByRaisedAt();
  }

  /**
   * Reads on in the registry: watches created or deleted by other instances since the last read
   * (with the history of each new one). `announce` publishes the alerts of new watches' histories
   * too; at start-up they are the past, not news.
   */
  async refresh(announce = true): Promise<void> {
    const events = await this.readFrom(WATCH_REGISTRY_STREAM, this.registryRevision + 1);
    for (const event of events) {
      this.registryRevision++;
      evolveRegistry(this.watches, event as RegistryEvent);
      if (event.type === 'WatchDeleted') this.histories.delete((event as RegistryEvent).data.watchId);
    }
    for (const watch of this.watches.values()) {
      if (this.histories.has(watch.watchId)) continue;
      this.histories.set(watch.watchId, emptyHistory());
      await this.catchUp(watch.watchId, announce);
    }
    if (events.length > 0) this.registryChanged$.next();
  }

  /** Applies what other instances appended to a watch's stream since this one last read it. */
  catchUp(watchId: string, announce = true): Promise<void> {
    return this.serially(watchId, () => this.readOn(watchId, announce));
  }

  private async readOn(watchId: string, announce: boolean): Promise<void> {
    const watch = this.watches.get(watchId);
    const history = this.histories.get(watchId);
    if (!watch || !history) return;
    for (const event of await this.readFrom(watchStreamId(watchId), history.revision + 1)) {
      evolveHistory(history, event as WatchStreamEvent, watch.webhookUrl !== null);
      if (event.type === 'AlertRaised') this.learn(history.alerts[history.alerts.length - 1], announce);
    }
  }

  get isEmpty(): boolean {
    return this.watches.size === 0;
  }

  list(): Watch[] {
    return [...this.watches.values()];
  }

  get(watchId: string): Watch | undefined {
    return this.watches.get(watchId);
  }

  history(watchId: string): WatchHistory | undefined {
    return this.histories.get(watchId);
  }

  async create(watch: Watch): Promise<void> {
    await this.appendRegistry({ type: 'WatchCreated', data: watch });
  }

  async delete(watchId: string, deletedAt: string, deletedBy: string): Promise<void> {
    await this.appendRegistry({ type: 'WatchDeleted', data: { watchId, deletedAt, deletedBy } });
  }

  /**
   * Records an alert, unless another instance wrote to the watch first: then this one catches up
   * and answers false, and the caller judges again on what the stream now says. The alert's id is
   * also the event's id, so the same alert is recorded once whatever happens.
   */
  async raise(alert: Alert, basedOn: string | null): Promise<boolean> {
    const recorded = await this.appendToWatch(alert.watchId, { type: 'AlertRaised', data: { ...alert, basedOn } }, alert.alertId);
    if (recorded) this.learn(alert, true);
    return recorded;
  }

  /** The alerts of watches still in place that a stream client which last received `eventId` missed, oldest first. */
  alertsAfter(eventId: AlertEventId): Alert[] {
    return this.journal.after(eventId).filter((alert) => this.watches.has(alert.watchId));
  }

  private learn(alert: Alert, announce: boolean): void {
    this.journal.record(alert);
    if (announce) this.alerts$.next(alert);
  }

  async clear(watchId: string, pair: string, clearedAt: string, basedOn: string | null): Promise<void> {
    await this.appendToWatch(watchId, { type: 'AlertCleared', data: { watchId, pair, clearedAt, basedOn } });
  }

  /** An attempt is a fact however the stream moved meanwhile: appended after catching up if need be. */
  async recordAttempt(watchId: string, attempt: DeliveryAttempt): Promise<void> {
    const event: WatchStreamEvent = { type: 'WebhookDeliveryAttempted', data: attempt };
    const eventId = randomUUID();
    for (let tries = 0; tries <= CONFLICT_RETRIES && !(await this.appendToWatch(watchId, event, eventId)); tries++) {
      if (!this.histories.has(watchId)) return;
    }
  }

  private async appendRegistry(event: RegistryEvent): Promise<void> {
    // Watches are independent of one another: no expected revision, and whatever others appended is read before this event applies.
    await this.store.append(WATCH_REGISTRY_STREAM, [{ eventId: randomUUID(), type: event.type, data: asJson(event.data) }], 'any');
    await this.refresh();
  }

  /**
   * Appends at the revision seen and applies; false when the watch is gone, or another instance
   * appended first (then caught up). One operation per watch at a time in this process, so an
   * event is applied once whether it comes back from the append or from a catch-up.
   */
  private appendToWatch(watchId: string, event: WatchStreamEvent, eventId: string = randomUUID()): Promise<boolean> {
    return this.serially(watchId, () => this.appendAtSeenRevision(watchId, event, eventId));
  }

  private async appendAtSeenRevision(watchId: string, event: WatchStreamEvent, eventId: string): Promise<boolean> {
    const watch = this.watches.get(watchId);
    const history = this.histories.get(watchId);
    if (!watch || !history) return false;
    const expected: ExpectedRevision = history.revision < 0 ? 'no_stream' : history.revision;
    try {
      const result = await this.store.append(watchStreamId(watchId), [{ eventId, type: event.type, data: asJson(event.data) }], expected);
      if (result.deduplicated) {
        await this.readOn(watchId, true);
        return false;
      }
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      await this.readOn(watchId, true);
      return false;
    }
    if (this.histories.get(watchId) !== history) return false;
    evolveHistory(history, event, watch.webhookUrl !== null);
    return true;
  }

  /** Runs `task` after every earlier operation on the same watch has settled. */
  private serially<T>(watchId: string, task: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(watchId) ?? Promise.resolve()).then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(watchId, settled);
    void settled.then(() => {
      if (this.queues.get(watchId) === settled) this.queues.delete(watchId);
    });
    return run;
  }

  private async readFrom(streamId: string, fromRevision: number): Promise<{ type: string; data: unknown }[]> {
    const events: { type: string; data: unknown }[] = [];
    for (let from = fromRevision; ; from += READ_PAGE) {
      const page = await this.store.readStream(streamId, from, READ_PAGE);
      events.push(...page.map(({ type, data }) => ({ type, data })));
      if (page.length < READ_PAGE) return events;
    }
  }
}
