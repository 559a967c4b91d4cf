import { status } from '@grpc/grpc-js';
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { isTransientFailure, withRetries, type RetryPolicy } from '../src/event-store/eventstoredb/eventstoredb-retry.js';
import { serviceError } from './support/eventstoredb-wire.js';

const notLeader = () =>
  new NotLeaderError(serviceError(status.NOT_FOUND, 'Leader info available', {
    exception: 'not-leader', 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113',
  }) as never);

describe('isTransientFailure, over the client\'s own error classes', () => {
  it('retries unavailable, not-leader, deadline-exceeded and the server\'s commit timeout', () => {
    expect(isTransientFailure(new UnavailableError())).toBe(true);
    expect(isTransientFailure(notLeader())).toBe(true);
    expect(isTransientFailure(new DeadlineExceededError())).toBe(true);
    expect(isTransientFailure(new TimeoutError())).toBe(true);
  });

  it('recognises the raw gRPC errors a plain append can reject with', () => {
    expect(isTransientFailure(serviceError(status.UNAVAILABLE, 'No connection established'))).toBe(true);
    expect(isTransientFailure(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'))).toBe(true);
    expect(isTransientFailure(serviceError(status.ABORTED, 'Operation timed out'))).toBe(true);
    expect(isTransientFailure(serviceError(status.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader', 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113',
    }))).toBe(true);
  });

  it('does not retry what another attempt would only repeat', () => {
    const wrongVersion = new WrongExpectedVersionError(undefined, { streamName: 'relation-AZE-FRA', expected: 1n, current: 2n });
    for (const error of [
      wrongVersion,
      new AccessDeniedError(),
      StreamDeletedError.fromStreamName('relation-AZE-FRA'),
      MaxAppendSizeExceededError.fromMaxAppendSize(1024),
      new UnknownError(),
      new CancelledError(),
      serviceError(status.PERMISSION_DENIED, 'denied'),
      serviceError(status.INVALID_ARGUMENT, 'bad'),
      new TypeError('append needs at least one event'),
      'a string',
      undefined,
    ]) {
      expect(isTransientFailure(error)).toBe(false);
    }
  });
});

describe('withRetries', () => {
  const quick: RetryPolicy = { delaysMs: [1, 2, 3], budgetMs: 10_000, isRetryable: isTransientFailure };

  it('makes the same call again after transient failures and returns its result', async () => {
    const attempts: number[] = [];
    const result = await withRetries(quick, async (attempt) => {
      attempts.push(attempt);
      if (attempt === 0) throw new UnavailableError();
      if (attempt === 1) throw notLeader();
      return 'recorded';
    });
    expect(result).toBe('recorded');
    expect(attempts).toEqual([0, 1, 2]);
  });

  it('gives up after the policy\'s retries with the last error', async () => {
    let calls = 0;
    const last = new DeadlineExceededError();
    await expect(withRetries(quick, async () => {
      calls++;
      throw calls === 4 ? last : new UnavailableError();
    })).rejects.toBe(last);
    expect(calls).toBe(4);
  });

  it('does not retry an error the policy does not name', async () => {
    let calls = 0;
    const conflict = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 1n });
    await expect(withRetries(quick, async () => { calls++; throw conflict; })).rejects.toBe(conflict);
    expect(calls).toBe(1);
  });

  it('starts no retry past its time budget', async () => {
    let calls = 0;
    const policy: RetryPolicy = { delaysMs: [50, 50, 50], budgetMs: 10, isRetryable: () => true };
    await expect(withRetries(policy, async () => { calls++; throw new UnavailableError(); })).rejects.toBeInstanceOf(UnavailableError);
    expect(calls).toBe(1);
  });
});
