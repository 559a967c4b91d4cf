import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock.js';
import { backoffDelay } from '../projections/retry-backoff.js';
import type { Alert } from './watch-events.js';
import type { PendingDelivery } from './watch-book.js';
import { WatchRepository } from './watch-repository.js';
import { WATCHES_OPTIONS, type ResolvedWatchesOptions } from './watches.options.js';
import { postWebhook } from './webhook-sender.js';
import { SIGNATURE_HEADER, signBody } from './webhook-signature.js';

/**
 * Delivers alerts to their watch's webhook at least once: each attempt is recorded in the watch's
 * stream before the next is scheduled, so a restart resumes what was pending (and may send an
 * alert a second time, which its `X-Demarche-Alert-Id` lets the receiver recognise). A 2xx
 * delivers; anything else is retried with capped exponential backoff until `maxAttempts`.
 */
@Injectable()
export class WebhookDeliveries implements OnApplicationShutdown {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly logger = new Logger(WebhookDeliveries.name);

  constructor(
    private readonly repository: WatchRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WATCHES_OPTIONS) private readonly options: ResolvedWatchesOptions,
  ) {}

  /** Schedules everything the watches' streams left pending (at start-up). */
  resumePending(): void {
    for (const watch of this.repository.list()) {
      for (const pending of this.repository.history(watch.watchId)?.pending.values() ?? []) this.schedule(pending);
    }
  }

  /** A freshly raised alert: its first attempt, now. */
  deliver(alert: Alert): void {
    this.schedule({ alert, attempts: 0, dueAt: null });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule({ alert, attempts, dueAt }: PendingDelivery): void {
    if (this.stopped || this.timers.has(alert.alertId)) return;
    const delay = dueAt === null ? 0 : Math.max(0, Date.parse(dueAt) - this.clock.now().getTime());
    // A timer on the real clock: the delay is how long to wait, whatever the app's clock says the date is.
    const timer = setTimeout(() => {
      this.timers.delete(alert.alertId);
      const run = this.attempt(alert, attempts + 1).catch((error: unknown) => this.logger.error(`Webhook delivery of alert ${alert.alertId} failed to record: ${String(error)}`));
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }, Math.min(delay, 2_147_000_000));
    timer.unref();
    this.timers.set(alert.alertId, timer);
  }

  private async attempt(alert: Alert, attempt: number): Promise<void> {
    const watch = this.repository.get(alert.watchId);
    if (!watch?.webhookUrl || !watch.secret || this.stopped) return;
    const body = JSON.stringify({ ...alert, attempt });
    const result = await postWebhook(
      {
        url: watch.webhookUrl,
        body,
        timeoutMs: this.options.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Demarche-Webhooks/1',
          [SIGNATURE_HEADER]: signBody(watch.secret, body),
          'x-demarche-alert-id': alert.alertId,
          'x-demarche-delivery-attempt': String(attempt),
        },
      },
      this.options.webhookPolicy,
    );
    const delivered = 'status' in result && result.status >= 200 && result.status < 300;
    const givingUp = !delivered && attempt >= this.options.maxAttempts;
    const nowMs = this.clock.now().getTime();
    const delay = backoffDelay(attempt - 1, { initialDelayMs: this.options.retryInitialDelayMs, maxDelayMs: this.options.retryMaxDelayMs });
    const nextAttemptAt = delivered || givingUp ? null : new Date(nowMs + delay).toISOString();
    await this.repository.recordAttempt(alert.watchId, {
      alertId: alert.alertId,
      attempt,
      at: new Date(nowMs).toISOString(),
      outcome: delivered ? 'delivered' : givingUp ? 'gave_up' : 'failed',
      status: 'status' in result ? result.status : null,
      error: 'error' in result ? result.error : delivered ? null : `the receiver answered ${result.status}`,
      nextAttemptAt,
    });
    if (nextAttemptAt !== null) this.schedule({ alert, attempts: attempt, dueAt: nextAttemptAt });
  }
}
