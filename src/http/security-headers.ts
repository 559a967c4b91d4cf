import { validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { addOnRequestHook, removeOnRequestHook } from './route-hooks.js';

/**
 * The headers helmet sets for these options, worked out once. @fastify/helmet built helmet's
 * middleware anew on every request (parsing the policy each time), which was 7% of the server's
 * CPU on a relation read; the headers never change, so they are computed at startup and copied.
 */
export function securityHeaders(options: HelmetOptions): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/**
 * The headers of every answer that is not a page: JSON, problem+json, CSV, event streams, scripts
 * and styles. OWASP's REST Security Cheat Sheet lists what an API response needs (a policy that
 * forbids framing, no sniffing, HSTS); helmet's other headers act on HTML documents only (how a
 * page opens windows, prefetches DNS, is downloaded by IE8, is embedded by Flash) and cost every
 * JSON answer 335 bytes — its header block 811 → 476 bytes on the busiest pair's view, a twelfth
 * of the whole answer, which a client on the same two cores pays to parse (docs/read-performance.md,
 * tenth pass). Its policy is stricter than a page's: nothing at all may load from a document that is
 * JSON. Referrer-Policy and Cross-Origin-Resource-Policy stay (the second keeps other sites from
 * reading our JSON through a `<script>` tag); HSTS is helmet's own value.
 */
export function apiSecurityHeaders(documentHeaders: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  const kept = new Set(['cross-origin-resource-policy', 'referrer-policy', 'strict-transport-security', 'x-content-type-options']);
  return [
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ...documentHeaders.filter(([name]) => kept.has(name.toLowerCase())),
    ['X-Frame-Options', 'DENY'],
  ];
}

/** The security headers of every response, and the two ways they are put on one. */
export interface SecurityHeaders {
  /** An API answer's headers (`apiSecurityHeaders`): name, value, name, value…, as `ServerResponse#writeHead` takes them. */
  readonly flat: readonly string[];
  /**
   * Takes over the headers for `route` (from an onRoute hook, in any order with this module's
   * own): the route's requests are left alone when they arrive, so a writer that answers on
   * Node's response in one `writeHead` (relation-view-raw-reply.ts) can pass `flat` there rather
   * than pay a validated `setHeader` per header first. Every answer that goes through Fastify's
   * send — the route's own, a 403 from the request gate, a 429, a problem — still gets them.
   */
  deferTo(route: RouteOptions): void;
}

/**
 * Sets the API's security headers on every response, and helmet's full set on every page (an
 * answer whose Content-Type is HTML). Both on the raw response, as @fastify/helmet did, so a
 * route's own header (a page's CSP) still wins: Fastify's reply headers are merged over them at
 * writeHead.
 *
 * Where they go on is decided once per route, when it is registered, not per request: each route
 * gets an onRequest hook that sets the API's set as the request arrives, so an answer that
 * bypasses Fastify's send (an event stream) has it too; a route that writes them itself (`deferTo`)
 * gets none. A global onSend hook then covers every answer that goes through send without them —
 * a 404, a request refused before its route's hooks ran (the request gate, the rate limit), a
 * deferred route's answers other than its raw writer's — and puts a page's set on. (A global
 * onRequest hook asking each request's `routeOptions` whether its route deferred cost a
 * 13-field object per request: Fastify 5 builds it on every read; docs/read-performance.md, twelfth pass.)
 */
export function registerSecurityHeaders(app: NestFastifyApplication, options: HelmetOptions): SecurityHeaders {
  const documentHeaders = securityHeaders(options);
  const apiHeaders = apiSecurityHeaders(documentHeaders);
  // writeHead validates every name and value on each response; a bad one would throw there, so it is refused here, at startup.
  for (const [name, value] of [...documentHeaders, ...apiHeaders]) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  }
  const setAll = (reply: FastifyReply, headers: ReadonlyArray<readonly [string, string]>) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
  };
  // Every header of the API's set is in helmet's too, so either set on a response leaves this one there.
  const marker = apiHeaders[0][0];
  const onRequest = (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    setAll(reply, apiHeaders);
    done();
  };
  const deferred = new WeakSet<RouteOptions>();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (!deferred.has(route)) addOnRequestHook(route, onRequest, 'first');
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (isPage(reply)) setAll(reply, documentHeaders);
    else if (!reply.raw.hasHeader(marker)) setAll(reply, apiHeaders);
    done(null, payload);
  });
  return {
    flat: apiHeaders.flat(),
    deferTo(route) {
      deferred.add(route);
      removeOnRequestHook(route, onRequest);
    },
  };
}

/** Whether the answer is an HTML page, by the Content-Type the route gave it. */
function isPage(reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type') ?? reply.raw.getHeader('content-type');
  return typeof type === 'string' && type.toLowerCase().startsWith('text/html');
}
