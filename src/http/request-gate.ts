import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { isLocalHostHeader } from '../auth/local-request.js';
import { ProblemException } from './problem.js';
import { isRawUploadRoute, isUploadMediaType, UPLOAD_MEDIA_TYPES } from './raw-upload.js';

export interface RequestGateOptions {
  /** Origins whose pages may call the API (CORS_ORIGINS): the only other origins that may write. */
  corsOrigins: readonly string[];
  /** No API keys: only requests naming this machine in `Host` are served (DNS rebinding). */
  localHostsOnly: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FORBIDDEN = 'https://demarche.dev/problems/forbidden';

/**
 * What a request must look like before its body is read. Runs in onRequest, so a refused write
 * is never parsed. Every write must say `Content-Type: application/json` — also a write without a
 * body — because that is the one thing a page on another site cannot make a browser send without
 * asking this server first (a CORS preflight, which it refuses): forms, `<img>`, `<script>`,
 * `sendBeacon` and `fetch(…, { mode: 'no-cors' })` can only send form, multipart or text bodies,
 * or none. Browsers also say where a write comes from; one from another origin is refused
 * unless that origin is in CORS_ORIGINS.
 */
export function registerRequestGate(app: NestFastifyApplication, options: RequestGateOptions): void {
  const allowedOrigins = new Set(options.corsOrigins);
  app.getHttpAdapter().getInstance().addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (options.localHostsOnly && !isLocalHostHeader(request.headers.host)) {
      return done(
        forbidden(
          'This server has no API keys configured, so it answers only requests addressed to this machine (localhost or a loopback address in Host); this request names another host',
        ),
      );
    }
    if (READ_METHODS.has(request.method)) return done();
    const crossSite = crossSiteBecause(request, allowedOrigins);
    if (crossSite) return done(forbidden(`Writes are accepted only from this server's own pages and the origins in CORS_ORIGINS; ${crossSite}`));
    // The upload route takes a file, not JSON. Its types are ones a page cannot send cross-site
    // either (text/plain can, but the Origin check above and the admin role's Authorization header hold).
    if (isRawUploadRoute(request)) {
      return done(isUploadMediaType(request.headers['content-type']) ? undefined : unsupportedUploadType(request.headers['content-type']));
    }
    if (!isJsonContentType(request.headers['content-type'])) return done(unsupportedMediaType(request.headers['content-type']));
    done();
  });
}

/**
 * Why a write comes from another site's page, or undefined. `Sec-Fetch-Site: same-site` counts as
 * another site: ports do not make a site, so every other web application on localhost (a dev
 * server, a notebook, a local tool with its own flaws) is "same-site" with this one.
 */
function crossSiteBecause(request: FastifyRequest, allowedOrigins: ReadonlySet<string>): string | undefined {
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  if (origin === undefined) {
    return fetchSite === 'cross-site' || fetchSite === 'same-site' ? `this request was sent by a page on another site (Sec-Fetch-Site: ${fetchSite})` : undefined;
  }
  if (allowedOrigins.has(origin)) return undefined;
  if (origin.toLowerCase() === `${request.protocol}://${request.host}`.toLowerCase() && fetchSite !== 'cross-site' && fetchSite !== 'same-site') return undefined;
  return `this request was sent by a page from ${origin === 'null' ? 'an opaque origin (Origin: null)' : JSON.stringify(origin.slice(0, 200))}`;
}

/** `application/json`, optionally with parameters (`; charset=utf-8`); nothing else, not even `+json` types. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const semicolon = header.indexOf(';');
  return (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase() === 'application/json';
}

function forbidden(detail: string): ProblemException {
  return new ProblemException({ type: FORBIDDEN, title: 'Forbidden', status: 403, detail });
}

function unsupportedMediaType(sent: string | undefined): ProblemException {
  return new ProblemException({
    type: 'https://demarche.dev/problems/unsupported-media-type',
    title: 'Unsupported media type',
    status: 415,
    detail:
      sent === undefined
        ? 'Writes must carry Content-Type: application/json, also when they have no body'
        : `Writes must carry Content-Type: application/json, not ${JSON.stringify(sent.slice(0, 100))}`,
    errors: [{ field: 'Content-Type', message: 'must be application/json' }],
  });
}

function unsupportedUploadType(sent: string | undefined): ProblemException {
  const expected = UPLOAD_MEDIA_TYPES.join(', ');
  return new ProblemException({
    type: 'https://demarche.dev/problems/unsupported-media-type',
    title: 'Unsupported media type',
    status: 415,
    detail: `An event file is uploaded as its raw bytes with Content-Type one of ${expected}${sent === undefined ? '' : `, not ${JSON.stringify(sent.slice(0, 100))}`}`,
    errors: [{ field: 'Content-Type', message: `must be one of ${expected}` }],
  });
}
