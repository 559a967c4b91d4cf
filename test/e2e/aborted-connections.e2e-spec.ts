import { connect } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';
import { sleep } from '../support/wait.js';

/**
 * Clients that send a request and reset the connection (issue 11, point 4): they used to make the
 * server log two full stack traces each. Now: at most a debug line, no stack, nothing at
 * warn or error, and repeats of the same line are counted rather than logged.
 */

/** Every line Nest and the application log, with its level. */
class CapturingLogger implements LoggerService {
  readonly lines: { level: string; text: string }[] = [];
  log = (message: unknown) => this.push('log', message);
  error = (message: unknown, ...rest: unknown[]) => this.push('error', [message, ...rest].join('\n'));
  warn = (message: unknown) => this.push('warn', message);
  debug = (message: unknown) => this.push('debug', message);
  verbose = (message: unknown) => this.push('verbose', message);
  fatal = (message: unknown) => this.push('fatal', message);
  private push(level: string, message: unknown) {
    this.lines.push({ level, text: message instanceof Error ? (message.stack ?? message.message) : String(message) });
  }
}

const CONNECTIONS = 20;
let t: TestApp;
let logger: CapturingLogger;

beforeAll(async () => {
  logger = new CapturingLogger();
  t = await startTestApp({ clock: fixedClock('2024-06-01T12:00:00.000Z'), app: { logger, rateLimit: { writesPerMinute: 1_000, readsPerMinute: 1_000 } } });
});

afterAll(async () => {
  await t.close();
});

/** Sends `bytes`, then resets the connection (RST, not FIN) after `afterMs`. */
function sendAndReset(bytes: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(t.url).port), '127.0.0.1', () => {
      socket.write(bytes);
      setTimeout(() => socket.resetAndDestroy(), afterMs);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

it('logs no stack trace and nothing at warn or error for requests whose clients reset the connection, and records nothing', async () => {
  const logged = logger.lines.length;
  const half = 'POST /incidents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"type":';
  const whole = 'GET /relations HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

  const resets = [];
  for (let i = 0; i < CONNECTIONS / 2; i++) resets.push(sendAndReset(half, 20), sendAndReset(whole, 0));
  await Promise.all(resets);
  await sleep(300);
  // The server is unharmed: it answers the next client.
  expect((await t.request('GET', '/health')).status).toBe(200);

  const lines = logger.lines.slice(logged);
  expect(lines.filter((line) => /\n\s+at /.test(line.text))).toEqual([]);
  expect(lines.filter((line) => ['error', 'warn', 'fatal'].includes(line.level))).toEqual([]);
  expect(lines.filter((line) => line.level !== 'debug')).toEqual([]);
  // At most one line per aborted request, and the same line is not repeated within a minute.
  expect(lines.length).toBeLessThanOrEqual(CONNECTIONS);
  expect(new Set(lines.map((line) => line.text)).size).toBe(lines.length);
  expect(countEvents(t.file)).toBe(0);
});
