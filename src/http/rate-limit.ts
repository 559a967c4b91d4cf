import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from './problem.js';

/** Requests per minute and client address; writes and reads are counted apart. */
export interface RateLimitConfig {
  writesPerMinute: number;
  readsPerMinute: number;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Two one-minute windows per client address (the socket's: forwarded headers are not trusted),
 * one for writes and one for reads, each shared by every route of its kind. It runs in onRequest,
 * before the body is read and before the API key is checked, so a flood costs little and guessing
 * keys counts against the limit too.
 *
 * (@fastify/rate-limit rather than @nestjs/throttler: the throttler is CommonJS requiring the
 * ESM-only @nestjs/common 12, which Node 20 allows but jest's module loader does not, so an app
 * using it could not be started in the test suites.)
 */
export async function registerRateLimit(app: NestFastifyApplication, config: RateLimitConfig): Promise<void> {
  // Probes must always get through, however busy their address is. Their routes are left out of
  // the limit when they are registered (before the plugin's own onRoute hook sees them), rather
  // than by an allowList asked on every request: that cost each request an await and a copy of
  // its route options (docs/read-performance.md, fifth pass).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (isHealthRoute(route.url)) route.config = { ...(route.config as object | undefined), rateLimit: false } as typeof route.config;
    });
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    keyGenerator: (request) => `${kindOf(request)}|${clientKey(request)}`,
    max: (request) => (kindOf(request) === 'reads' ? config.readsPerMinute : config.writesPerMinute),
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    errorResponseBuilder: (request, context) => {
      const retryAfter = Math.max(1, Math.ceil(context.ttl / 1000));
      return new ProblemException(
        {
          type: 'https://demarche.dev/problems/rate-limited',
          title: 'Too many requests',
          status: 429,
          detail: `More than ${context.max} ${kindOf(request)} per minute from this address; retry in ${retryAfter} s`,
        },
        { 'retry-after': String(retryAfter) },
      );
    },
  });
}

/**
 * The client's address (the proxy's client with TRUST_PROXY). IPv6 clients are counted by /64,
 * the block one subscriber usually holds. A client that reset the connection before its request
 * got here has no address any more; those share one bucket rather than failing the request.
 */
function clientKey(request: FastifyRequest): string {
  let ip: string | undefined;
  try {
    ip = request.ip;
  } catch {
    ip = undefined; // proxy-addr reading a socket that is already gone
  }
  return ip ? normalizeIP(ip) : 'gone';
}

/** `/health` and anything under it (`/health/ready`). */
function isHealthRoute(route: string | undefined): boolean {
  return route !== undefined && (route === '/health' || route.startsWith('/health/'));
}

function kindOf(request: FastifyRequest): 'reads' | 'writes' {
  return READ_METHODS.has(request.method) ? 'reads' : 'writes';
}
