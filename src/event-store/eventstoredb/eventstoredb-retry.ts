import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  convertToCommandError,
} from '@eventstore/db-client';

/**
 * Failures after which the same call may simply be made again:
 * - `UnavailableError`: no connection, or the node is not ready; the client drops the channel
 *   and the next call reconnects (rediscovering the cluster);
 * - `NotLeaderError`: the node lost leadership; the client's next call goes to the leader it named;
 * - `DeadlineExceededError` (gRPC deadline, or a batch append's commit timeout) and `TimeoutError`
 *   (the server's "Operation timed out", gRPC ABORTED, on a plain append): the outcome is unknown.
 *
 * An append retried with the same event ids and the same numeric or `no_stream` expected
 * revision is recorded once whichever way the first attempt went (see docs/eventstoredb.md).
 * Errors may reach us raw from gRPC (a plain append's stream error), hence the conversion.
 */
export function isTransientFailure(error: unknown): boolean {
  const converted = typeof error === 'object' && error !== null ? convertToCommandError(error as Parameters<typeof convertToCommandError>[0]) : error;
  return (
    converted instanceof UnavailableError ||
    converted instanceof NotLeaderError ||
    converted instanceof DeadlineExceededError ||
    converted instanceof TimeoutError
  );
}

export interface RetryPolicy {
  /** Pause before each retry; its length bounds the number of retries. */
  delaysMs: readonly number[];
  /** No retry starts once this much time has passed since the first attempt. */
  budgetMs: number;
  isRetryable(error: unknown): boolean;
}

/** Appends: three retries over about 1.5 s, as long as a leader election usually takes, within 15 s in all. */
export const APPEND_RETRIES: RetryPolicy = { delaysMs: [100, 400, 1_000], budgetMs: 15_000, isRetryable: isTransientFailure };

/**
 * Runs `operation` until it succeeds, fails with an error the policy does not retry, or the
 * policy runs out; then rethrows the last error. Each pause is jittered (50–100 %) so that the
 * instances behind a load balancer do not all come back to a new leader at the same instant.
 */
export async function withRetries<T>(policy: RetryPolicy, operation: (attempt: number) => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const pause = policy.delaysMs[attempt];
      if (pause === undefined || !policy.isRetryable(error) || Date.now() - startedAt + pause > policy.budgetMs) throw error;
      await sleep(pause * (0.5 + Math.random() / 2));
    }
  }
}
