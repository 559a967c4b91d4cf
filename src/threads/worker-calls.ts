import { parentPort, type Worker } from 'node:worker_threads';

/**
 * Calls answered by a worker thread, in the order they were sent: the main thread's side
 * (WorkerCalls) and the thread's (serveCalls). The SQLite writer and the search index each run
 * their own connection on a thread through these.
 */

/** What a thread answers to one call. */
export type CallReply = { id: number; value: unknown } | { id: number; failed: { message: string; code?: string } };

/** Asks the thread to close its resources and end, once the calls before it are answered. */
interface CloseRequest {
  close: true;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface WorkerCallsOptions {
  /** Named in errors: "the SQLite writer thread". */
  name: string;
  /** The error a failed call is rejected with (a thread sends only its message and code). */
  failure?(failed: { message: string; code?: string }): Error;
  /** What callers still waiting are told when the thread ends. */
  unanswered?(reason: Error): string;
  /** Messages the thread sends besides replies. */
  onOther?(message: unknown): void;
}

export class WorkerCalls {
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private stopped: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(
    private readonly worker: Worker,
    private readonly options: WorkerCallsOptions,
  ) {
    // Like a database handle, an idle thread does not keep the process alive; a call in flight does.
    worker.unref();
    worker.on('message', (message: CallReply | object) => this.receive(message));
    worker.on('error', (error) => this.stop(error));
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.stop(new Error(`${options.name} exited with code ${code}`));
        resolve();
      });
    });
  }

  get alive(): boolean {
    return this.stopped === undefined;
  }

  /** Posts `request` with an id; resolves with the thread's answer to it. */
  call(request: object): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage({ id, ...request });
    });
  }

  /** Lets the thread close once the calls sent so far are answered, and waits for it to end. */
  async close(): Promise<void> {
    if (this.alive) this.worker.postMessage({ close: true } satisfies CloseRequest);
    // An idle thread is unref'd; waiting for it to end must keep the process alive.
    this.worker.ref();
    await this.exited;
  }

  /** Ends the thread at once, calls in flight unanswered: what a crash of the thread looks like. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  private receive(message: CallReply | object): void {
    if (!('id' in message)) return this.options.onOther?.(message);
    const waiter = this.waiting.get(message.id);
    if (!waiter) return;
    this.waiting.delete(message.id);
    if (this.waiting.size === 0) this.worker.unref();
    if ('failed' in message) waiter.reject(this.options.failure?.(message.failed) ?? new Error(message.failed.message));
    else waiter.resolve(message.value);
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    const told = this.options.unanswered?.(reason) ?? `${this.options.name} stopped before answering (${reason.message})`;
    for (const waiter of this.waiting.values()) waiter.reject(new Error(told));
    this.waiting.clear();
  }
}

/**
 * The thread's side: answers each call with `answer`, one at a time, in the order they came; a
 * call that throws is answered with its message (and code, as SQLite's errors carry). On close,
 * `close` runs and the thread ends.
 */
export function serveCalls<Request extends { id: number }>(answer: (request: Request) => unknown, close: () => void): void {
  const port = parentPort!;
  port.on('message', (request: Request | CloseRequest) => {
    if ('close' in request) {
      close();
      port.close();
      return;
    }
    let reply: CallReply;
    try {
      reply = { id: request.id, value: answer(request) };
    } catch (error) {
      const { message, code } = error as { message?: unknown; code?: unknown };
      reply = { id: request.id, failed: { message: String(message ?? error), ...(typeof code === 'string' ? { code } : {}) } };
    }
    port.postMessage(reply);
  });
}
