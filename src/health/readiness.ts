import { Inject, Injectable, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.port.js';
import { ProjectionRunner } from '../projections/projection-runner.js';

/** How far the read model may trail the log's head and still count as ready. */
export interface ReadinessBounds {
  maxLagEvents: number;
  maxLagSeconds: number;
}

export const DEFAULT_READINESS_BOUNDS: ReadinessBounds = { maxLagEvents: 1_000, maxLagSeconds: 30 };
/** ReadinessBounds of this app; absent = DEFAULT_READINESS_BOUNDS. */
export const READINESS_BOUNDS = Symbol('ReadinessBounds');

export type NotReadyReason = 'subscription-down' | 'lagging' | 'log-unreadable';

export interface Readiness {
  ready: boolean;
  /** Why not, when not ready; and in words. */
  reason?: NotReadyReason;
  detail?: string;
  subscription: { state: 'following' | 'down'; since: string | null; reason?: string; attempts?: number };
  checkpoint: string | null;
  /** Events not yet applied (counted up to maxLagEvents + 1), and for how long the oldest of them has waited. */
  behind: { events: number; seconds: number } | null;
  bounds: { events: number; seconds: number };
}

/**
 * Whether this instance follows the log closely enough to serve: its subscription is up and its
 * read model trails the store's head by at most the bounds. Costs one read of at most
 * maxLagEvents + 1 events after the checkpoint (none when the model is at the head).
 *
 * How long the model has been behind is the age of the oldest event it has not applied, by that
 * event's `recordedAt`, but never more than the time since the model was last seen at the head
 * (by this check, or when the runner caught up at start): the log's own time, bounded by what
 * this process observed itself.
 */
@Injectable()
export class ReadinessCheck {
  private readonly bounds: ReadinessBounds;
  private atHeadMs?: number;

  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(READINESS_BOUNDS) bounds?: ReadinessBounds,
  ) {
    this.bounds = bounds ?? DEFAULT_READINESS_BOUNDS;
  }

  async check(): Promise<Readiness> {
    const following = this.projections.following;
    const checkpoint = this.projections.position;
    const { maxLagEvents, maxLagSeconds } = this.bounds;
    const base = { checkpoint, bounds: { events: maxLagEvents, seconds: maxLagSeconds } };
    if (following.state === 'down') {
      const since = following.sinceMs > 0 ? new Date(following.sinceMs).toISOString() : null;
      return {
        ...base,
        ready: false,
        reason: 'subscription-down',
        detail: `The log subscription is down${since ? ` since ${since}` : ''} (${following.reason}); resubscribing from checkpoint ${checkpoint ?? 'none'}, ${following.attempts} attempt(s) so far`,
        subscription: { state: 'down', since, reason: following.reason, attempts: following.attempts },
        behind: null,
      };
    }
    const subscription = { state: 'following' as const, since: new Date(following.sinceMs).toISOString() };
    let unapplied: StoredEvent[];
    try {
      unapplied = (await this.store.readAll(checkpoint, maxLagEvents + 1)).events;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ...base, ready: false, reason: 'log-unreadable', detail: `The log cannot be read to measure the lag: ${message}`, subscription, behind: null };
    }
    const now = Date.now();
    if (unapplied.length === 0) this.atHeadMs = now;
    const behind = { events: unapplied.length, seconds: unapplied.length === 0 ? 0 : this.secondsBehind(unapplied[0], now) };
    const over =
      behind.events > maxLagEvents
        ? `more than ${maxLagEvents} events`
        : behind.seconds > maxLagSeconds
          ? `${behind.seconds} s (more than ${maxLagSeconds} s)`
          : undefined;
    if (over) {
      return { ...base, ready: false, reason: 'lagging', detail: `The read model trails the log's head by ${over}, at checkpoint ${checkpoint ?? 'none'}`, subscription, behind };
    }
    return { ...base, ready: true, subscription, behind };
  }

  private secondsBehind(oldestUnapplied: StoredEvent, now: number): number {
    const recordedAt = oldestUnapplied.data.recordedAt;
    const recordedMs = typeof recordedAt === 'string' ? Date.parse(recordedAt) : NaN;
    const sinceMs = Math.max(...[recordedMs, this.atHeadMs, this.projections.caughtUpAtMs].filter((ms): ms is number => Number.isFinite(ms)));
    return Number.isFinite(sinceMs) ? Math.max(0, Math.round((now - sinceMs) / 100) / 10) : 0;
  }
}
