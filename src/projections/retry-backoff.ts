/** How long to wait between attempts: doubling from `initialDelayMs` up to `maxDelayMs`. */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** 100 ms, 200 ms, 400 ms … up to 30 s: quick after a blip, one attempt every 15–30 s during a long outage. */
export const DEFAULT_RESUBSCRIBE_BACKOFF: BackoffOptions = { initialDelayMs: 100, maxDelayMs: 30_000 };

/**
 * The delay before attempt `attempt` (0-based): capped exponential backoff with "equal jitter",
 * half the step plus up to the other half at random. The jitter keeps instances that lost the
 * store together from coming back at the same instant; keeping half fixed keeps the delay growing.
 */
export function backoffDelay(attempt: number, { initialDelayMs, maxDelayMs }: BackoffOptions, random: () => number = Math.random): number {
  const step = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 40));
  return step / 2 + random() * (step / 2);
}
