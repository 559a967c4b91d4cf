import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IncidentNotFound, InvalidIncidentDetails, RelationRuleViolation } from '../domain/domain-errors.js';
import { WrongExpectedRevisionError } from '../event-store/event-store.port.js';
import { ThrottledLogger } from '../logging/throttled-logger.js';
import { PROBLEM_CONTENT_TYPE, ProblemException, validationProblem, type ProblemDetails, type ProblemInit } from './problem.js';
import { FutureAsOf } from '../time/perspective.js';
import { flattenValidationErrors } from './validation.pipe.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Fastify's wording for the errors clients cause while the body is read, said plainly. */
const BODY_ERROR_DETAILS: Record<number, string> = {
  413: 'The body is larger than the 64 KiB limit',
  415: 'Send the body as application/json',
};

/** A failure clients can repeat at will is logged once a minute, with its stack, and counted. */
const logger = new ThrottledLogger(new Logger('Problems'));

/** Turns anything thrown into an RFC 9457 problem document: never a stack trace, never a path. */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  const problem = describe(error);
  return { type: 'about:blank', title: TITLES[problem.status] ?? 'Error', ...problem, ...(instance ? { instance } : {}) } as ProblemDetails;
}

function describe(error: unknown): ProblemInit {
  if (error instanceof ProblemException) return error.problem;
  if (error instanceof RelationRuleViolation) {
    return { type: 'https://demarche.dev/problems/relation-rule', title: 'The relation does not allow this incident', status: 422, detail: error.reason };
  }
  if (error instanceof IncidentNotFound) return { status: 404, detail: error.message };
  // Named like the body's own validation errors (details.diplomats, …): the client cannot tell where the check ran.
  if (error instanceof FutureAsOf) return validationProblem([{ field: 'asOf', message: error.reason }]).problem;
  if (error instanceof InvalidIncidentDetails) return validationProblem(flattenValidationErrors(error.errors, 'details')).problem;
  if (error instanceof WrongExpectedRevisionError) {
    return {
      type: 'https://demarche.dev/problems/concurrent-write',
      title: 'The relation changed while the incident was being recorded',
      status: 409,
      detail: 'Another incident for this pair was recorded at the same time; retry the request',
      currentRevision: error.actual,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const detail = Array.isArray(message) ? message.join('; ') : String(message ?? error.message);
    return { status, detail: BODY_ERROR_DETAILS[status] ?? plainBodyError(detail) };
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const detail = BODY_ERROR_DETAILS[fastifyError.statusCode] ?? plainBodyError(fastifyError.message ?? TITLES[fastifyError.statusCode] ?? 'The request was rejected');
    return { status: fastifyError.statusCode, detail };
  }
  logger.error(error instanceof Error ? error.message : String(error), error instanceof Error ? error.stack : undefined);
  return { status: 500, detail: 'The server failed to handle the request; it has been logged' };
}

/** Fastify rejects prototype-poisoning keys with its generic "not valid JSON" message; say what it is. */
function plainBodyError(message: string): string {
  return /not valid JSON/.test(message)
    ? 'The body is not valid JSON (or uses a forbidden key such as __proto__ or constructor.prototype)'
    : message;
}

export function sendProblem(reply: FastifyReply, problem: ProblemDetails, headers: Record<string, string> = {}): void {
  reply.status(problem.status).headers(headers).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/**
 * Fastify's `frameworkErrors`: what its router rejects before any route, hook or filter runs — a
 * malformed percent-encoding in the path (400), a path parameter over its length limit (414).
 */
export function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, toProblem(error, request.url));
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const headers = error instanceof ProblemException ? error.headers : {};
    sendProblem(reply, toProblem(error, request?.url), headers);
  }
}
