/** GET /events/stream tuning; LIVE_STREAM_* in the environment (src/config.ts). */
export interface LiveStreamOptions {
  /** Interval of the keep-alive comment; default 15 s. */
  heartbeatMs?: number;
  /** Bytes a client may leave queued in the server before it is disconnected (it resumes from the log); default 4 MiB. */
  maxBufferedBytes?: number;
  /** How long a client whose socket is full may take to read before it is disconnected; default 30 s. */
  drainTimeoutMs?: number;
  /** Open streams per client address; default 20 (see DEFAULT_LIVE_STREAM_LIMITS). */
  perClient?: number;
  /** Open streams in all; default 1000. */
  total?: number;
}

/**
 * Per address: one stream per open dashboard tab, and a browser keeps at most 6 connections to a
 * host anyway, so 20 lets a few people behind one address work while no address can take more
 * than 2% of the total. In all: each stream holds a socket (a file descriptor; Node raises its
 * soft limit to the hard one, typically 2^19 or more, but keep the total well under `ulimit -n`)
 * and, for a client that stops reading, a queue for up to 30 s.
 *
 * The queue: a group commit can apply hundreds of events in one tick, written to every client at
 * once, faster than any socket takes them; a client that reads must not be dropped for that. Live
 * updates are encoded once and the same strings are queued for every client, so the cap bounds
 * how much history one slow client pins (4 MiB ≈ 3,000 updates), not a copy per client.
 */
export const DEFAULT_LIVE_STREAM_LIMITS = { perClient: 20, total: 1000, drainTimeoutMs: 30_000, maxBufferedBytes: 4 * 1024 * 1024 } as const;

/** What each server-sent-event stream (the live feed, the alerts) needs of the options, defaults applied. */
export function streamSettings(options: LiveStreamOptions): { heartbeatMs: number; limits: { maxBufferedBytes: number; drainTimeoutMs: number } } {
  return {
    heartbeatMs: options.heartbeatMs ?? 15_000,
    limits: {
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_LIVE_STREAM_LIMITS.maxBufferedBytes,
      drainTimeoutMs: options.drainTimeoutMs ?? DEFAULT_LIVE_STREAM_LIMITS.drainTimeoutMs,
    },
  };
}
