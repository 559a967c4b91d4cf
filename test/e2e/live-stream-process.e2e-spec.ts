/**
 * GET /events/stream with 500 clients at once on the compiled server in a process of its own, so
 * that its process 'warning' events (a listener leak shows as MaxListenersExceededWarning) can be
 * watched: jest's sandbox does not see a server's warnings in its own process. The stream limits
 * come from the environment, as an operator sets them.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { buildServer } from '../support/build-server.js';
import { ServerProcess } from '../crash/server-process.js';
import { appendAccusations } from './large-log.js';
import { SseClient } from './live-sse-client.js';

jest.setTimeout(180_000);

/** Preloaded into the server: writes every process warning, one JSON line each, to WARNINGS_FILE. */
const WARNING_REPORTER = `
const { appendFileSync } = require('node:fs');
appendFileSync(process.env.WARNINGS_FILE, JSON.stringify({ name: 'ReporterLoaded' }) + '\\n');
process.on('warning', (warning) => appendFileSync(process.env.WARNINGS_FILE, JSON.stringify({ name: warning.name, message: warning.message }) + '\\n'));
`;

let dir: string;
let build: Awaited<ReturnType<typeof buildServer>>;
let server: ServerProcess;
let positions: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demarche-live-process-'));
  build = await buildServer('live-process-e2e-build');
  const store = new SqliteEventStore({ file: join(dir, 'demarche.db') });
  try {
    positions = await appendAccusations(store, 3_000);
  } finally {
    await store.close();
  }
  writeFileSync(join(dir, 'report-warnings.cjs'), WARNING_REPORTER);
  appendFileSync(join(dir, 'warnings.jsonl'), '');
  server = new ServerProcess({
    main: build.main,
    dataDir: dir,
    env: {
      NODE_OPTIONS: `--require ${join(dir, 'report-warnings.cjs')}`,
      WARNINGS_FILE: join(dir, 'warnings.jsonl'),
      READ_MODEL_SNAPSHOTS: 'off',
      LIVE_STREAMS_PER_CLIENT: '1000',
      LIVE_STREAMS_TOTAL: '1000',
    },
  });
  server.spawn();
});

afterAll(async () => {
  await server?.stop();
  build?.remove();
  rmSync(dir, { recursive: true, force: true });
});

function warnings(): { name: string; message?: string }[] {
  return readFileSync(join(dir, 'warnings.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

it('serves 500 clients at once and one replaying in sips without a listener leak warning, each update to each once', async () => {
  const url = await server.url();
  // Reads a little, pauses, reads a little: the replay waits for the socket to drain again and again.
  const sipper = await SseClient.open(`${url}/events/stream`, { 'last-event-id': 'start' });
  const sipping = setInterval(() => {
    sipper.response.resume();
    setTimeout(() => sipper.response.pause(), 5);
  }, 30);
  try {
    const clients = await Promise.all(Array.from({ length: 500 }, () => SseClient.open(`${url}/events/stream`)));
    expect(clients.map((c) => c.status)).toEqual(clients.map(() => 200));
    await Promise.all(clients.map((c) => c.ready(60_000)));
    const response = await fetch(`${url}/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'Accusation', actor: 'ARM', target: 'AZE', occurredOn: '2024-05-02', summary: 'Yerevan accuses Baku', sources: [{ publisher: 'Wire service' }] }),
    });
    expect(response.status).toBe(201);
    const { position } = (await response.json()) as { position: string };
    await Promise.all(clients.map((c) => c.until(() => c.updates.length === 1, 60_000, 'the live update')));
    expect(clients.filter((c) => c.updates.length !== 1 || c.updates[0].position !== position)).toEqual([]);

    await sipper.until(() => sipper.messages.some((m) => m.event === 'ready'), 120_000, 'the sipping replay to finish');
    expect(sipper.updates.map((u) => u.position).slice(0, positions.length)).toEqual(positions);
    for (const client of clients) client.close();
  } finally {
    clearInterval(sipping);
    sipper.close();
  }

  await server.stop({ graceful: true });
  const seen = warnings();
  expect(seen[0]).toEqual({ name: 'ReporterLoaded' });
  expect(seen.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
});
