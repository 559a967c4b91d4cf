/**
 * The real Demarche app on a real HTTP server and a real SQLite file, for e2e specs.
 *
 * Requests go through Node's global `fetch`: Fastify's `inject()` (light-my-request) cannot be
 * loaded under jest's ESM mode, and a listening server is the closer picture of production anyway.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Database from 'better-sqlite3';
import { createApp, type CreateAppOptions } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';

export interface TestResponse {
  status: number;
  headers: Headers;
  /** The parsed body when the response says it is JSON, else undefined. */
  json: any;
  text: string;
}

export interface TestApp {
  url: string;
  app: NestFastifyApplication;
  /** The SQLite file holding the event log. */
  file: string;
  /** The temporary directory created for the file, or the file's directory when `file` was given. */
  dir: string;
  /**
   * Sends a request. An object body is sent as JSON; a string body is sent as is (with the
   * content type from `headers`, default application/json), so malformed bodies can be sent too;
   * bytes (a Buffer) are sent as a file upload, default application/octet-stream.
   */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** Closes the app; removes the temporary directory unless the caller supplied the file or `keep` is set. */
  close(options?: { keep?: boolean }): Promise<void>;
}

export interface StartTestAppOptions {
  /** An existing (or to-be-created) SQLite file, e.g. to restart on the log of a previous app. */
  file?: string;
  clock?: Clock;
  /** Where to listen; default 127.0.0.1. */
  host?: string;
  /** Further createApp options: API keys, rate limits, CORS origins, timeouts… */
  app?: Partial<Omit<CreateAppOptions, 'eventStore' | 'clock'>>;
}

export async function startTestApp({ file, clock, host = '127.0.0.1', app: appOptions = {} }: StartTestAppOptions = {}): Promise<TestApp> {
  const createdDir = file === undefined ? mkdtempSync(join(tmpdir(), 'demarche-e2e-')) : undefined;
  const dbFile = file ?? join(createdDir!, 'demarche.db');
  const app = await createApp({ eventStore: { kind: 'sqlite', file: dbFile }, logger: false, ...appOptions, ...(clock ? { clock } : {}) });
  await app.listen(0, host);
  const url = await app.getUrl();

  return {
    url,
    app,
    file: dbFile,
    dir: createdDir ?? join(dbFile, '..'),
    request: (method, path, body, headers) => send(url, method, path, body, headers),
    async close({ keep = false } = {}) {
      await app.close();
      if (createdDir && !keep) rmSync(createdDir, { recursive: true, force: true });
    },
  };
}

async function send(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body instanceof Uint8Array) {
    // A file upload: its bytes as they are.
    init.body = body;
    init.headers = { 'content-type': 'application/octet-stream', ...headers };
  } else if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(url + path, init);
  const text = await response.text();
  const isJson = /[/+]json\b/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, json: isJson && text ? JSON.parse(text) : undefined, text };
}

/** Events in the SQLite log, read on a separate read-only connection: what is really on disk. */
export function countEvents(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS count FROM events').get() as { count: number }).count;
  } finally {
    db.close();
  }
}

/** A clock that stands still at `iso` until moved: deterministic scores, ids and recordedAt. */
export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return {
    now: () => new Date(now.getTime()),
    set(next: string) {
      now = new Date(next);
    },
  };
}
