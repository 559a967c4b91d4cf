import { validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** Route config key marking a route whose responses get the security headers from its own onSend hook or writer (`deferTo`). */
const DEFERRED = 'securityHeadersDeferred';

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

/** The security headers of every response, and the two ways they are put on one. */
export interface SecurityHeaders {
  /** Name, value, name, value…, as `ServerResponse#writeHead` takes them; names as helmet spells them, as on every other response. */
  readonly flat: readonly string[];
  /**
   * Takes over the headers for `route` (before it is registered): the global hook leaves its
   * requests alone and a route-level onSend hook sets them instead, so a writer that answers on
   * Node's response in one `writeHead` (relation-view-raw-reply.ts) can pass `flat` there rather
   * than pay a dozen validated `setHeader` calls first. Every answer that goes through Fastify's
   * send — the route's own, a 403 from the request gate, a 429, a problem — still gets them.
   */
  deferTo(route: RouteOptions): void;
}

/** Sets helmet's headers on every response, as @fastify/helmet did: on the raw response, so a route's own header (a page's CSP) still wins. */
export function registerSecurityHeaders(app: NestFastifyApplication, options: HelmetOptions): SecurityHeaders {
  const headers = securityHeaders(options);
  const flat = headers.flat();
  // writeHead validates every name and value on each response; a bad one would throw there, so it is refused here, at startup.
  for (const [name, value] of headers) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  }
  const setAll = (reply: FastifyReply) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
  };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if ((request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[DEFERRED] !== true) setAll(reply);
      done();
    });
  // On the raw response, as the global hook does: headers the route put on Fastify's reply are merged over them at writeHead and still win.
  const onSend = (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
    setAll(reply);
    done(null, payload);
  };
  return {
    flat,
    deferTo(route) {
      route.config = { ...(route.config as object | undefined), [DEFERRED]: true } as RouteOptions['config'];
      const existing = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
      // First, so that whatever a later onSend hook does sees the same headers as before.
      route.onSend = [onSend, ...existing] as RouteOptions['onSend'];
    },
  };
}
