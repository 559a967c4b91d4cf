import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { LruMap } from 'toad-cache';
import { clientKey } from './client-address.js';
import { ProblemException } from './problem.js';
import { addOnRequestHook } from './route-hooks.js';

/** Requests per minute and client address; writes and reads are counted apart. */
export interface RateLimitConfig {
  writesPerMinute: number;
  readsPerMinute: number;
}

const WINDOW_MS = 60_000;
/** Clients counted at once, per kind; when more are seen, the one seen longest ago is forgotten (and starts afresh). */
const CLIENTS_COUNTED = 5_000;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One-minute windows, one per client: a window opens with a client's first request and counts
 * the requests until it closes, a minute later. Bounded: the least recently seen client is
 * forgotten first (toad-cache's LRU, the store @fastify/rate-limit kept its counts in).
 */
export class RequestWindows {
  private readonly windows: LruMap<{ count: number; closesAt: number }>;

  constructor(
    private readonly max: number,
    clients = CLIENTS_COUNTED,
  ) {
    this.windows = new LruMap(clients);
  }

  /** Counts a request from `client` at `now` (ms): undefined when it is within the limit, else the ms until its window closes. */
  count(client: string, now: number): number | undefined {
    let window = this.windows.get(client);
    if (window === undefined) {
      window = { count: 0, closesAt: now + WINDOW_MS };
      this.windows.set(client, window);
    } else if (window.closesAt <= now) {
      window.count = 0;
      window.closesAt = now + WINDOW_MS;
    }
    window.count += 1;
    return window.count <= this.max ? undefined : window.closesAt - now;
  }
}

/**
 * Two one-minute windows per client address (the socket's, or with TRUST_PROXY the proxy's
 * client; IPv6 by /64: client-address.ts), one for writes and one for reads, each shared by
 * every route of its kind. It runs in onRequest, before the body is read and before the API key
 * is checked, so a flood costs little and guessing keys counts against the limit too. `/health`
 * is never limited: probes must always get through, however busy their address is.
 *
 * Synchronous, and decided per route when the route is registered. @fastify/rate-limit did the
 * same counting through an async hook — a promise per request for the key, the maximum and the
 * store, its route's options rebuilt to read a group id — which cost the kept relation view ≈ 15 %
 * of its rate (docs/read-performance.md, twelfth pass). (Not @nestjs/throttler either: it is
 * CommonJS requiring the ESM-only @nestjs/common 12, which jest's module loader refuses.)
 */
export function registerRateLimit(app: NestFastifyApplication, config: RateLimitConfig): void {
  const reads = new RequestWindows(config.readsPerMinute);
  const writes = new RequestWindows(config.writesPerMinute);
  const limit = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const kind = READ_METHODS.has(request.method) ? 'reads' : 'writes';
    const closesInMs = (kind === 'reads' ? reads : writes).count(clientKey(request), Date.now());
    if (closesInMs === undefined) return done();
    done(tooManyRequests(kind, kind === 'reads' ? config.readsPerMinute : config.writesPerMinute, closesInMs));
  };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route: RouteOptions) => {
      if (!isHealthRoute(route.url)) addOnRequestHook(route, limit, 'last');
    });
}

function tooManyRequests(kind: 'reads' | 'writes', max: number, closesInMs: number): ProblemException {
  const retryAfter = Math.max(1, Math.ceil(closesInMs / 1000));
  return new ProblemException(
    {
      type: 'https://demarche.dev/problems/rate-limited',
      title: 'Too many requests',
      status: 429,
      detail: `More than ${max} ${kind} per minute from this address; retry in ${retryAfter} s`,
    },
    { 'retry-after': String(retryAfter) },
  );
}

/** `/health` and anything under it (`/health/ready`). */
function isHealthRoute(route: string | undefined): boolean {
  return route !== undefined && (route === '/health' || route.startsWith('/health/'));
}
