import type { Logger } from '@nestjs/common';
import { backoffDelay, type BackoffOptions } from './retry-backoff.js';

/** Whether the read model follows the log now; while it does not, since when, why, and how many attempts to resume failed. */
export type FollowState =
  | { state: 'following'; sinceMs: number }
  | { state: 'down'; sinceMs: number; reason: string; attempts: number };

/**
 * The log subscription's outages, for the runner that resubscribes: each is logged once when it
 * begins (with its reason) and once when it ends (with how long it lasted), however many attempts
 * it takes, and each attempt waits a little longer (retry-backoff.ts).
 */
export class SubscriptionOutages {
  private outage?: { sinceMs: number; reason: string; attempts: number };
  private followingSinceMs?: number;

  constructor(
    private readonly logger: Logger,
    private readonly backoff: BackoffOptions,
  ) {}

  /** Between a failure and the subscription that shows it works again. */
  get inOutage(): boolean {
    return this.outage !== undefined;
  }

  get state(): FollowState {
    if (this.outage) return { state: 'down', ...this.outage };
    if (this.followingSinceMs === undefined) return { state: 'down', sinceMs: 0, reason: 'not started', attempts: 0 };
    return { state: 'following', sinceMs: this.followingSinceMs };
  }

  /** Delivery stopped, or an attempt to resume failed: returns how long to wait before the next attempt. */
  failed(error: unknown, checkpoint: string | null): number {
    const reason = error instanceof Error ? error.message : String(error);
    if (this.outage) {
      this.outage.reason = reason;
    } else {
      this.outage = { sinceMs: Date.now(), reason, attempts: 0 };
      this.logger.error(
        `Log subscription stopped at checkpoint ${checkpoint ?? 'none'}: ${reason}. ` +
          'The read model no longer follows the log; resubscribing from the checkpoint with backoff.',
      );
    }
    return backoffDelay(this.outage.attempts++, this.backoff);
  }

  /** A subscription is open on a model that holds the log up to `checkpoint`: any outage is over. */
  following(checkpoint: string | null): void {
    const now = Date.now();
    if (this.outage) {
      const { sinceMs, attempts } = this.outage;
      this.logger.log(
        `Log subscription resumed at checkpoint ${checkpoint ?? 'none'} after ${((now - sinceMs) / 1000).toFixed(1)} s down ` +
          `(${attempts} attempt${attempts === 1 ? '' : 's'}): the read model follows the log again.`,
      );
    }
    if (this.outage || this.followingSinceMs === undefined) this.followingSinceMs = now;
    this.outage = undefined;
  }
}
