import { ProblemException } from '../http/problem.js';
import type { SseConnection } from './sse-connection.js';

export interface StreamLimits {
  /** Open streams one client address may hold. */
  perClient: number;
  /** Open streams the server holds in all. */
  total: number;
}

/** What an operator (or a test) can see of the open streams. */
export interface StreamStats {
  open: number;
  /** Largest number of bytes queued in the server for any one client. */
  maxBufferedBytes: number;
  /** Streams whose socket is full, waiting for their client to read. */
  waitingForDrain: number;
  perClient: Record<string, number>;
}

/**
 * Retry-After for a refused stream: long enough for an idle tab to be closed or a dropped client
 * to go, short enough that a dashboard reconnects soon after capacity frees up.
 */
const RETRY_AFTER_SECONDS = 10;

/**
 * The open live streams, counted per client address and in all. A stream is admitted (or refused
 * with 429 / 503) before any header is sent, and counted until its connection closes, however it
 * closes; each holds a socket, so the total stays well under the process's file descriptors.
 */
export class StreamRegistry {
  private readonly byClient = new Map<string, number>();
  private readonly connections = new Set<SseConnection>();
  private admitted = 0;

  constructor(private readonly limits: StreamLimits) {}

  /** Counts a stream for `client` and returns its release, or throws the 429/503 problem. */
  admit(client: string): () => void {
    const held = this.byClient.get(client) ?? 0;
    if (held >= this.limits.perClient) {
      throw refused(429, 'Too many live streams', `This address already holds ${held} live streams (at most ${this.limits.perClient}); close one or retry in ${RETRY_AFTER_SECONDS} s`);
    }
    if (this.admitted >= this.limits.total) {
      throw refused(503, 'Live streams are full', `The server holds its maximum of ${this.limits.total} live streams; retry in ${RETRY_AFTER_SECONDS} s`);
    }
    this.byClient.set(client, held + 1);
    this.admitted++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.admitted--;
      const left = this.byClient.get(client)! - 1;
      if (left === 0) this.byClient.delete(client);
      else this.byClient.set(client, left);
    };
  }

  /** Tracks an admitted stream's connection until it closes, then releases its place. */
  track(connection: SseConnection, release: () => void): void {
    this.connections.add(connection);
    connection.onClose(() => {
      this.connections.delete(connection);
      release();
    });
  }

  stats(): StreamStats {
    let maxBufferedBytes = 0;
    let waitingForDrain = 0;
    for (const connection of this.connections) {
      maxBufferedBytes = Math.max(maxBufferedBytes, connection.bufferedBytes);
      if (connection.waitingForDrain) waitingForDrain++;
    }
    return { open: this.admitted, maxBufferedBytes, waitingForDrain, perClient: Object.fromEntries(this.byClient) };
  }

  endAll(): void {
    for (const connection of this.connections) connection.end();
  }
}

function refused(status: 429 | 503, title: string, detail: string): ProblemException {
  return new ProblemException(
    { type: `https://demarche.dev/problems/${status === 429 ? 'too-many-streams' : 'streams-full'}`, title, status, detail },
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
