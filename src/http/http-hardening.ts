import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import cors from '@fastify/cors';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { ThrottledLogger } from '../logging/throttled-logger.js';
import { PROBLEM_CONTENT_TYPE, ProblemException, validationProblem, type ProblemDetails } from './problem.js';
import { registerSecurityHeaders, type SecurityHeaders } from './security-headers.js';
import { registerRateLimit, type RateLimitConfig } from './rate-limit.js';
import { registerRequestGate } from './request-gate.js';
import { LOOPBACK_ONLY, type AuthConfig } from '../auth/auth.config.js';

/** How long a client may take to send a whole request, by default; a connection silent for twice that is closed. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface HttpHardeningOptions {
  /** Origins whose pages may call the API from a browser (exact `scheme://host[:port]`); none by default. */
  corsOrigins?: string[];
  /** See DEFAULT_REQUEST_TIMEOUT_MS. Long-lived responses (SSE) must send something more often than twice this. */
  requestTimeoutMs?: number;
  /** Default: no limit (the server's configuration sets one; see config.ts), so tests and benchmarks are not throttled. */
  rateLimit?: RateLimitConfig | false;
  /** Without keys, only requests addressed to this machine are served, reads included. */
  auth?: AuthConfig;
}

/**
 * The policy for every response: the API and the dashboard load nothing from elsewhere and
 * nothing inline. Routes that need something else set their own header.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/**
 * The same policy as a header value, for routes that set it themselves; `directives` replaces
 * single directives (Swagger UI needs inline styles).
 */
export function contentSecurityPolicyHeader(directives: Partial<Record<keyof typeof CONTENT_SECURITY_POLICY.directives, string[]>> = {}): string {
  return Object.entries({ ...CONTENT_SECURITY_POLICY.directives, ...directives })
    .map(([name, sources]) => `${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * Fastify server options for timeouts: a client that takes longer than `requestTimeoutMs` to send
 * its request gets a 408 (slow-loris), and a connection on which nothing moves for twice that —
 * a stalled client or a hung response — is closed. Twice, so that the 408 goes out first.
 */
export function timeoutServerOptions(requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) {
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: 2 * requestTimeoutMs,
    // Node checks for expired requests on this interval (30 s by default), so a timeout is enforced within about a tenth of itself.
    http: {
      connectionsCheckingInterval: Math.min(Math.max(Math.floor(requestTimeoutMs / 10), 100), 5_000),
      headersTimeout: Math.min(requestTimeoutMs, 60_000),
    },
    clientErrorHandler: answerClientError,
  };
}

/**
 * Rate limit, security headers (helmet), the CORS allow-list and the request gate; registered
 * before any route. Returns the security headers, for routes that write their answers themselves.
 */
export async function applyHttpHardening(app: NestFastifyApplication, { corsOrigins = [], rateLimit = false, auth = LOOPBACK_ONLY }: HttpHardeningOptions): Promise<SecurityHeaders> {
  // Framing refused outright, as the policy's frame-ancestors 'none' says (helmet's default is SAMEORIGIN): pages and
  // API answers then agree, and a page revalidated with a 304, which carries the API's set, keeps what it had.
  const security = registerSecurityHeaders(app, { contentSecurityPolicy: CONTENT_SECURITY_POLICY, frameguard: { action: 'deny' } });
  if (corsOrigins.length > 0) {
    await app.register(cors, {
      origin: corsOrigins,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'Idempotent-Replayed', 'WWW-Authenticate'],
      maxAge: 600,
    });
  }
  // After helmet and CORS, so that a 403, 415 or 429 still carries the security and CORS headers.
  registerRequestGate(app, { corsOrigins, localHostsOnly: auth.keys.length === 0 });
  if (rateLimit) registerRateLimit(app, rateLimit);
  logAbortedRequests(app);
  // Without a listener Node answers an unsupported Expect with a bare 417, outside every filter.
  app.getHttpServer().on('checkExpectation', answerExpectationFailed);
  return security;
}

const abortLogger = new ThrottledLogger(new Logger('Http'));

/**
 * A client that goes away before its answer is the client's business, not an error: one debug line
 * (no stack), and repeats of the same line are counted rather than logged.
 */
function logAbortedRequests(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().addHook('onRequestAbort', (request, done) => {
    abortLogger.debug(`client closed the connection before the answer: ${request.method} ${request.routeOptions.url ?? '(no route)'}`);
    done();
  });
}

/**
 * Deepest nesting a JSON body may have. The DTOs go three levels deep (`sources[0].url`); the
 * validation pipe's class-transformer recurses once per level and overflows the stack at a few
 * thousand levels, which fit in 20 KB of `[[[…]]]` — a 500 for any client that sends them.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The JSON body parser, for `app.useBodyParser('application/json', …)`: Fastify's own (which
 * refuses `__proto__` and `constructor.prototype` keys), then a 400 for bodies nested deeper
 * than MAX_JSON_DEPTH, before anything recursive sees them. An empty body is no body: writes
 * without one (a rebuild) must still say application/json (request-gate.ts).
 */
export function boundedJsonParser(fastify: FastifyInstance): FastifyBodyParser<Buffer> {
  const parse = fastify.getDefaultJsonParser('error', 'error') as unknown as FastifyBodyParser<Buffer>;
  return (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    parse(request, body, (error, value) => {
      if (error) return done(forbiddenKeyProblem(body) ?? error, undefined);
      if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
        return done(new ProblemException({ status: 400, detail: `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep` }), undefined);
      }
      done(null, value);
    });
  };
}

/**
 * Fastify refuses a body with a `__proto__` key, or a `constructor` key holding `prototype`, with
 * the error it gives for text that is not JSON at all. When the text is JSON, that is why: the
 * problem names the key's path and the rule, as any other field error does (undefined otherwise,
 * and for a body nested too deep to walk, which the depth rule refuses anyway).
 */
function forbiddenKeyProblem(body: Buffer): ProblemException | undefined {
  let value: unknown;
  try {
    // JSON.parse makes `__proto__` an own key (it never sets the prototype), so the walk can see it.
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const path = forbiddenKeyPath(value, '', MAX_JSON_DEPTH);
  if (path === undefined) return undefined;
  return validationProblem([{ field: path, message: 'is a key no body may have: __proto__, and constructor.prototype, could reach the prototype of every object' }]);
}

/** The path (`name.__proto__`, `sources[0].constructor.prototype`) of the first forbidden key in `value`, looked for `depth` levels down. */
function forbiddenKeyPath(value: unknown, at: string, depth: number): string | undefined {
  if (value === null || typeof value !== 'object' || depth === 0) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKeyPath(value[i], `${at}[${i}]`, depth - 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const path = at === '' ? key : `${at}.${key}`;
    const child = (value as Record<string, unknown>)[key];
    if (key === '__proto__') return path;
    if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) return `${path}.prototype`;
    const found = forbiddenKeyPath(child, path, depth - 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Whether `value` holds an object or array nested more than `limit` levels deep (itself being
 * level 1). Recursive, but never more than `limit` + 1 calls deep, so the check itself cannot
 * overflow the stack; it allocates nothing, as it runs on every request body.
 */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeperThan(value[i], limit - 1)) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && nestsDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  }
  return false;
}

/** An `Expect` other than 100-continue (which Node handles itself), answered as problem+json like every other error. */
function answerExpectationFailed(_request: IncomingMessage, response: ServerResponse): void {
  const problem: ProblemDetails = { type: 'about:blank', title: 'Expectation failed', status: 417, detail: 'The only expectation this server meets is Expect: 100-continue' };
  const body = JSON.stringify(problem);
  // The body, if any, is not read: close rather than leave it to be taken for the next request.
  response.writeHead(417, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
}

/**
 * Errors Node's HTTP parser raises before there is a request to route (a request that took too
 * long to arrive, headers too large, malformed HTTP), answered as problem+json like every other.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, title, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request timeout', 'The request was not received in time; send it again']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request header fields too large', 'The request headers are too large']
        : [400, 'Bad request', 'The request is not valid HTTP'];
  const problem: ProblemDetails = { type: 'about:blank', title, status, detail };
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** `CORS_ORIGINS`: comma-separated origins such as https://a.example; blank = none. `*` is refused. */
export function parseCorsOrigins(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((raw) => {
    const origin = raw.trim();
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (origin === '*') {
      throw new Error("CORS_ORIGINS must list origins; '*' would let any web page call this server from its visitors' browsers");
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
      throw new Error(`CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin; write scheme://host[:port] with no path or trailing slash, e.g. https://dashboard.example`);
    }
    return origin;
  });
}
