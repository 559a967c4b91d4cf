import { STRICT_WEBHOOK_POLICY, type WebhookUrlPolicy } from './webhook-url-policy.js';

/** Tuning of watches and webhooks; defaults suit production. */
export interface WatchesOptions {
  /** Where webhooks may go (see webhook-url-policy.ts); default: https to public addresses only. */
  webhookPolicy?: WebhookUrlPolicy;
  /**
   * How often every watch is evaluated even when nothing new is recorded: levels fall as the
   * incidents' weight decays and a day-old band move expires. Default one minute.
   */
  evaluateEveryMs?: number;
  /** Delay before the second attempt of a webhook; doubles per attempt up to `retryMaxDelayMs`. Default 5 s. */
  retryInitialDelayMs?: number;
  /** Default one hour. */
  retryMaxDelayMs?: number;
  /** Attempts before a delivery is given up (recorded as gave_up). Default 10 (about 7 hours with the defaults). */
  maxAttempts?: number;
  /** How long a receiver may take to answer. Default 10 s. */
  timeoutMs?: number;
  /** Watches this server holds at most: each is judged on every tick and every update of its pairs. Default 1,000. */
  maxWatches?: number;
}

export type ResolvedWatchesOptions = Required<WatchesOptions>;

export const WATCHES_OPTIONS = Symbol('WatchesOptions');

export function resolveWatchesOptions(options: WatchesOptions = {}): ResolvedWatchesOptions {
  return {
    webhookPolicy: STRICT_WEBHOOK_POLICY,
    evaluateEveryMs: 60_000,
    retryInitialDelayMs: 5_000,
    retryMaxDelayMs: 3_600_000,
    maxAttempts: 10,
    timeoutMs: 10_000,
    maxWatches: 1_000,
    ...options,
  };
}
