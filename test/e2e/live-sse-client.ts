/**
 * A plain text/event-stream client over node:http for the live e2e specs: it parses the stream
 * the way the HTML standard says (fields until a blank line; `id` persists), keeps every message
 * and comment, and lets a test wait for what it expects.
 */
import { request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface SseMessage {
  /** The last event id in force when the message was dispatched. */
  id: string | undefined;
  event: string;
  data: string;
  json: any;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  /** Resolves when the server ends the stream or the connection closes. */
  readonly ended: Promise<void>;
  private buffer = '';
  private lastEventId: string | undefined;
  private pending: { data: string[]; event?: string } = { data: [] };
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.feed(chunk));
    this.ended = new Promise((resolve) => {
      response.on('close', () => {
        this.closed = true;
        this.notify();
        resolve();
      });
    });
  }

  /**
   * Opens GET `url` and resolves once the response head has arrived (any status). `localAddress`
   * (e.g. 127.0.0.2: all of 127/8 is loopback) makes the server see another client address.
   */
  static open(url: string, headers: Record<string, string> = {}, { localAddress }: { localAddress?: string } = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, localAddress }, (response) => resolve(new SseClient(response)));
      req.on('error', reject);
      req.end();
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** `update` messages' data, in arrival order. */
  get updates(): any[] {
    return this.messages.filter((m) => m.event === 'update').map((m) => m.json);
  }

  /** Waits until `condition` holds, failing after `timeoutMs` with what had arrived so far. */
  async until(condition: () => boolean, timeoutMs = 5_000, what = 'the expected messages'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => [m.id, m.event]))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the `ready` message that ends a replay; returns its data. */
  async ready(timeoutMs = 5_000): Promise<{ position: string | null; replayed: number; id: string | undefined }> {
    await this.until(() => this.messages.some((m) => m.event === 'ready'), timeoutMs, 'the ready message');
    const message = this.messages.find((m) => m.event === 'ready')!;
    return { ...message.json, id: message.id };
  }

  /** Drops the connection, as a browser losing the network would. */
  close(): void {
    this.response.destroy();
  }

  async text(): Promise<string> {
    await this.ended;
    return this.buffer;
  }

  private feed(chunk: string): void {
    if (this.status !== 200) {
      this.buffer += chunk;
      return;
    }
    this.buffer += chunk;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop()!;
    for (const line of lines) {
      if (line === '') {
        if (this.pending.data.length > 0) {
          const data = this.pending.data.join('\n');
          this.messages.push({ id: this.lastEventId, event: this.pending.event ?? 'message', data, json: safeJson(data) });
        }
        this.pending = { data: [] };
        continue;
      }
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.pending.data.push(value);
      else if (field === 'event') this.pending.event = value;
      else if (field === 'id') this.lastEventId = value;
    }
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters.splice(0);
    for (const waiter of waiters) waiter();
  }
}

/**
 * A client that asks for a stream and never reads a byte of the answer: its socket is paused from
 * the start, so the kernel's buffers fill and the server's writes stop being taken.
 */
export class StalledClient {
  /** Resolves when the server has closed (or reset) the connection. */
  readonly closed: Promise<void>;
  private closedFlag = false;

  private constructor(readonly socket: Socket) {
    socket.pause();
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.closedFlag = true;
        resolve();
      }),
    );
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<StalledClient> {
    const { hostname, port, pathname, search } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        const lines = [`GET ${pathname}${search} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Accept: text/event-stream', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        resolve(new StalledClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  close(): void {
    this.socket.destroy();
  }
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
