import { once } from 'node:events';
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

/**
 * One open text/event-stream response. Writes never pile up without bound: a client that stops
 * reading while live events keep coming is disconnected, and resumes from the log with its
 * Last-Event-ID when it reconnects.
 */
export class SseConnection {
  private closedFlag = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly maxBufferedBytes: number,
  ) {
    response.on('close', () => {
      this.closedFlag = true;
    });
  }

  get closed(): boolean {
    return this.closedFlag || this.response.destroyed || this.response.writableEnded;
  }

  /** Writes without waiting; ends the stream if the client has let too much pile up. */
  send(message: SseMessage | string): void {
    if (this.closed) return;
    this.response.write(typeof message === 'string' ? message : encodeSse(message));
    if (this.response.writableLength > this.maxBufferedBytes) this.end();
  }

  /** Writes and waits until the client has taken it in: for replaying a long stretch of the log. */
  async sendPaced(message: SseMessage): Promise<void> {
    if (this.closed) return;
    if (!this.response.write(encodeSse(message)) && !this.closed) {
      await Promise.race([once(this.response, 'drain'), once(this.response, 'close')]);
    }
  }

  /** A comment line: ignored by clients, keeps proxies and idle timeouts from cutting the stream. */
  comment(text: string): void {
    this.send(`: ${text}\n\n`);
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }
}
