import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import type { AuthConfig } from '../auth/auth.config.js';
import type { CountryCode } from '../domain/countries.js';
import { pairFaults } from '../domain/relation-pair.js';
import type { SecurityHeaders } from '../http/security-headers.js';
import { negotiatedEncoding } from '../http/kept-encodings.js';
import { addOnRequestHook } from '../http/route-hooks.js';
import { occurrenceError } from '../http/validators.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import type { TimeTravel } from '../time/perspective.js';
import type { ServedRelationView } from './relation-view-answer.js';
import { relationListFastPath } from './relation-list-fast-path.js';
import { sendServed } from './relation-view-raw-reply.js';
import { RelationsController } from './relations.controller.js';

/** The routes Nest registers for `RelationsController#get` and `#list`. */
const VIEW_ROUTE = '/relations/:a/:b';
const LIST_ROUTE = '/relations';
/** The query parameters the fast path answers; anything else (minPosition, an unknown name) goes through Nest. */
const TRAVEL_PARAMETERS = new Set(['asOf', 'knownAt']);

/**
 * Serves GET /relations/{a}/{b} from a route-level Fastify hook, without Nest's router, guard,
 * validation pipe and interceptors, which were most of a small view's CPU (docs/read-performance.md).
 * A bare GET /relations is served the same way when the controller kept its list less than a
 * second ago (relation-list-fast-path.ts).
 *
 * It answers only questions whose outcome it knows Nest's path would give: two country codes, no
 * Authorization header while reads need no key (the guard would let them through), and a query
 * of at most asOf and knownAt each a valid date (the validation pipe would accept it). The answer
 * is the controller's own (`RelationsController.views`), so ETag, Cache-Control, the kept
 * serialised views and the body are one code path. A view kept (relation-view-kept.ts) is
 * answered synchronously. The global hooks (CORS, the request gate) and the route's rate limit
 * have already run; the answer goes through the onSend hooks (security headers,
 * compression) unless they would leave it as it is, when it is written on Node's response in
 * one writeHead with the security headers (relation-view-raw-reply.ts). Anything else — a 404, a bad date, asOf in the future — falls
 * through to Nest, whose filter words the problem. test/e2e/relation-view-fast-path.e2e-spec.ts
 * holds the two paths to the same bytes and headers.
 */
export function registerRelationFastPaths(app: NestFastifyApplication, security: SecurityHeaders, auth: AuthConfig, corsOrigins: readonly string[] = []): void {
  if (auth.readsRequireKey) return;
  const corsConfigured = corsOrigins.length > 0;
  const send = (request: FastifyRequest, reply: FastifyReply, answer: ServedRelationView): void => sendServed(request, reply, answer, corsConfigured, security.flat);
  let controller: RelationsController | undefined;
  let projections: ProjectionRunner | undefined;
  const listFastPath = relationListFastPath(() => {
    controller ??= app.get(RelationsController) as RelationsController;
    projections ??= app.get(ProjectionRunner) as ProjectionRunner;
    return { lists: controller.lists, readModel: projections.readModel };
  }, send);
  // Callback style, not async: a view answered again from its kept bytes (most of them) costs no promise.
  const fastPath = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (request.method !== 'GET' || request.headers.authorization !== undefined) return done();
    const { a, b } = request.params as { a: string; b: string };
    const travel = travelOf(request.query);
    if (travel === undefined || pairFaults(a, b) !== undefined) return done();
    controller ??= app.get(RelationsController) as RelationsController;
    projections ??= app.get(ProjectionRunner) as ProjectionRunner;
    const { views } = controller;
    const { readModel } = projections;
    const ifNoneMatch = request.headers['if-none-match'];
    const kept = views.keptAnswer(readModel, a as CountryCode, b as CountryCode, travel, ifNoneMatch, (bytes) => negotiatedEncoding(request.headers, bytes));
    if (kept !== undefined) return send(request, reply, kept);
    views
      .answer(readModel, a as CountryCode, b as CountryCode, travel, ifNoneMatch)
      .then(
        (answer) => (answer.status === 404 ? done() : send(request, reply, answer)),
        // Nest's path answers the same question again and its filter turns the error into a problem.
        () => done(),
      )
      // Sending failed: Fastify's error handling answers (never an unhandled rejection).
      .catch((error: unknown) => done(error instanceof Error ? error : new Error(String(error))));
  };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route: RouteOptions) => {
      if (route.method !== 'GET') return;
      const hook = route.url === VIEW_ROUTE ? fastPath : route.url === LIST_ROUTE ? listFastPath : undefined;
      if (hook === undefined) return;
      // The raw writer sends the security headers in its one writeHead; every other answer of the route gets them in onSend.
      security.deferTo(route);
      addOnRequestHook(route, hook, 'last');
    });
}

/** asOf and knownAt when they are all the query holds and each is a valid date; undefined otherwise. */
function travelOf(query: unknown): TimeTravel | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  const travel: TimeTravel = {};
  for (const [name, value] of Object.entries(query)) {
    if (!TRAVEL_PARAMETERS.has(name) || typeof value !== 'string' || occurrenceError(value) !== undefined) return undefined;
    travel[name as keyof TimeTravel] = value;
  }
  return travel;
}
