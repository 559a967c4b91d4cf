import type { ServerResponse } from 'node:http';

export interface SseMessage {
  id?: string;
  event?: string;
  data: unknown;
}

/** Encodes one server-sent event; `data` is JSON, which never holds a raw line break. */
export function encodeSse({ id, event, data }: SseMessage): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

export interface SseConnectionLimits {
  /** Bytes a client may leave queued in the server (beyond what the kernel holds) before it is dropped. */
  maxBufferedBytes: number;
  /** How long a client whose socket is full may take to drain it before it is dropped. */
  drainTimeoutMs: number;
}

/**
 * One open text/event-stream response. What a client leaves unread never piles up without bound:
 * once the socket is full (write() returned false) the client has `drainTimeoutMs` to take it in,
 * and the server's own queue for it may not pass `maxBufferedBytes`; past either it is dropped, and
 * resumes from the log with its Last-Event-ID when it reconnects.
 *
 * One 'drain' and one 'close' listener per response, registered once: waiting for a drain never
 * adds listeners (awaiting `once()` per write leaked one per wait, and warned at eleven).
 */
export class SseConnection {
  private closedFlag = false;
  private drainTimer?: NodeJS.Timeout;
  private drainWaiters: (() => void)[] = [];
  private readonly closeHandlers: (() => void)[] = [];

  constructor(
    private readonly response: ServerResponse,
    private readonly limits: SseConnectionLimits,
  ) {
    response.on('drain', () => {
      this.disarmDrainTimer();
      this.wake();
    });
    response.on('close', () => {
      this.closedFlag = true;
      this.disarmDrainTimer();
      this.wake();
      for (const handler of this.closeHandlers.splice(0)) handler();
    });
  }

  get closed(): boolean {
    return this.closedFlag || this.response.destroyed || this.response.writableEnded;
  }

  /** Bytes written to this client that the kernel has not taken yet: what the server holds for it. */
  get bufferedBytes(): number {
    return this.response.writableLength;
  }

  /** Whether the socket is full and the connection waits for the client to read. */
  get waitingForDrain(): boolean {
    return this.drainTimer !== undefined;
  }

  /** Runs `handler` once the connection is closed, at once if the client left before the stream opened. */
  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  /**
   * Writes without waiting; false when the socket is full (the caller should stop producing until
   * `drained()`), or when the client is gone or was dropped for letting too much pile up.
   */
  send(message: SseMessage | string): boolean {
    if (this.closed) return false;
    const flowing = this.response.write(typeof message === 'string' ? message : encodeSse(message));
    if (this.response.writableLength > this.limits.maxBufferedBytes) {
      this.drop();
      return false;
    }
    if (!flowing) this.armDrainTimer();
    return flowing;
  }

  /** Resolves once the socket has room again, or the connection is closed. */
  drained(): Promise<void> {
    if (this.closed || !this.waitingForDrain) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** A comment line: ignored by clients, keeps proxies and idle timeouts from cutting the stream. */
  comment(text: string): void {
    this.send(`: ${text}\n\n`);
  }

  /** Ends the stream; a client that is not reading is cut off rather than waited for. */
  end(): void {
    if (this.response.writableEnded) return;
    if (this.waitingForDrain) this.drop();
    else this.response.end();
  }

  /** Disconnects at once, discarding what is queued: ending would wait for a client that does not read. */
  drop(): void {
    this.disarmDrainTimer();
    this.response.destroy();
  }

  private armDrainTimer(): void {
    if (this.drainTimer) return;
    this.drainTimer = setTimeout(() => {
      // Timers run before pending I/O: after a long busy tick the 'drain' may be waiting just
      // behind this timer. Look again once I/O has been polled before dropping a client that reads.
      setImmediate(() => {
        if (this.waitingForDrain) this.drop();
      });
    }, this.limits.drainTimeoutMs);
    this.drainTimer.unref();
  }

  private disarmDrainTimer(): void {
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
  }

  private wake(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}
