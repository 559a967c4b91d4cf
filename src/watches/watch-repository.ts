import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
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

/**
 * The watches and what happened to them, kept in memory and written through the event-store port:
 * every change is appended first and applied once durable, so what is served is what a restart
 * reads back. Raised alerts are also published on `alerts$` for live clients.
 */
@Injectable()
export class WatchRepository {
  readonly alerts$ = new Subject<Alert>();
  private readonly watches = new Map<string, Watch>();
  private readonly histories = new Map<string, WatchHistory>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Reads the registry and each active watch's stream. */
  async load(): Promise<void> {
    for (const event of await this.readWhole(WATCH_REGISTRY_STREAM)) evolveRegistry(this.watches, event as RegistryEvent);
    for (const watch of this.watches.values()) {
      const history = emptyHistory();
      for (const event of await this.readWhole(watchStreamId(watch.watchId))) evolveHistory(history, event as WatchStreamEvent, watch.webhookUrl !== null);
      this.histories.set(watch.watchId, history);
    }
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
    this.histories.set(watch.watchId, emptyHistory());
  }

  async delete(watchId: string, deletedAt: string, deletedBy: string): Promise<void> {
    await this.appendRegistry({ type: 'WatchDeleted', data: { watchId, deletedAt, deletedBy } });
    this.histories.delete(watchId);
  }

  /**
   * Records an alert. Its id is also the event's id, so two instances raising the same alert
   * (same watch, pair, signature and episode) record it once.
   */
  async raise(alert: Alert): Promise<void> {
    const recorded = await this.appendToWatch(alert.watchId, { type: 'AlertRaised', data: alert }, alert.alertId);
    if (recorded) this.alerts$.next(alert);
  }

  async clear(watchId: string, pair: string, clearedAt: string): Promise<void> {
    await this.appendToWatch(watchId, { type: 'AlertCleared', data: { watchId, pair, clearedAt } });
  }

  async recordAttempt(watchId: string, attempt: DeliveryAttempt): Promise<void> {
    await this.appendToWatch(watchId, { type: 'WebhookDeliveryAttempted', data: attempt });
  }

  private async appendRegistry(event: RegistryEvent): Promise<void> {
    await this.store.append(WATCH_REGISTRY_STREAM, [{ eventId: randomUUID(), type: event.type, data: asJson(event.data) }], 'any');
    evolveRegistry(this.watches, event);
  }

  /** Appends and applies; false when the watch is gone or the event was already recorded. */
  private async appendToWatch(watchId: string, event: WatchStreamEvent, eventId: string = randomUUID()): Promise<boolean> {
    const watch = this.watches.get(watchId);
    const history = this.histories.get(watchId);
    if (!watch || !history) return false;
    const result = await this.store.append(watchStreamId(watchId), [{ eventId, type: event.type, data: asJson(event.data) }], 'any');
    if (result.deduplicated || !this.histories.has(watchId)) return false;
    evolveHistory(history, event, watch.webhookUrl !== null);
    return true;
  }

  private async readWhole(streamId: string): Promise<{ type: string; data: unknown }[]> {
    const events: { type: string; data: unknown }[] = [];
    for (let from = 0; ; from += READ_PAGE) {
      const page = await this.store.readStream(streamId, from, READ_PAGE);
      events.push(...page.map(({ type, data }) => ({ type, data })));
      if (page.length < READ_PAGE) return events;
    }
  }
}
