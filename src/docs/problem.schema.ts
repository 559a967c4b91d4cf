import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../http/problem.js';

/** OpenAPI picture of `FieldError` (src/http/problem.ts). */
export class FieldErrorDocument {
  @ApiProperty({ description: 'Path of the offending field, as sent', example: 'details.diplomats' })
  field!: string;

  @ApiProperty({ example: 'must be an integer number' })
  message!: string;
}

/** OpenAPI picture of `ProblemDetails` (RFC 9457), the body of every error. */
export class ProblemDocument {
  @ApiProperty({ description: 'URI naming the kind of problem; about:blank for plain HTTP errors', example: 'https://demarche.dev/problems/validation' })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ description: 'What went wrong, in words', example: 'details.diplomats: must be an integer number' })
  detail!: string;

  @ApiPropertyOptional({ description: 'The request path', example: '/incidents' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorDocument], description: 'For 400s: one entry per broken rule, named by field path (`sources[0].url`, `details.diplomats`)' })
  errors?: FieldErrorDocument[];
}

const PROBLEM_EXAMPLES: Record<number, { description: string; example: Record<string, unknown> }> = {
  400: {
    description: 'The request is not valid: `errors` names each offending field',
    example: {
      type: 'https://demarche.dev/problems/validation',
      title: 'The request is not valid',
      status: 400,
      detail: 'sources[0].url: must be an http(s) URL; give url and/or publisher; details.diplomats: must be an integer number',
      errors: [
        { field: 'sources[0].url', message: 'must be an http(s) URL; give url and/or publisher' },
        { field: 'details.diplomats', message: 'must be an integer number' },
      ],
      instance: '/incidents',
    },
  },
  401: {
    description: 'No valid API key: send `Authorization: Bearer <secret>` (needed for writes when the server has API keys)',
    example: {
      type: 'https://demarche.dev/problems/unauthenticated',
      title: 'Unauthorized',
      status: 401,
      detail: "Recording incidents needs an API key with role reporter or above, sent as 'Authorization: Bearer <secret>'",
      instance: '/incidents',
    },
  },
  403: {
    description: "The caller's role does not reach far enough (or, without API keys, the caller is not on this machine)",
    example: {
      type: 'https://demarche.dev/problems/forbidden',
      title: 'Forbidden',
      status: 403,
      detail: "The API key 'analyst' has role reader; this needs reporter or above",
      requiredRole: 'reporter',
      instance: '/incidents',
    },
  },
  404: {
    description: 'Nothing is recorded under this name',
    example: { type: 'about:blank', title: 'Not found', status: 404, detail: 'No incidents are recorded between AZE and USA', instance: '/relations/AZE/USA' },
  },
  409: {
    description: 'Another write to the same pair won the race; retry',
    example: {
      type: 'https://demarche.dev/problems/concurrent-write',
      title: 'The relation changed while the incident was being recorded',
      status: 409,
      detail: 'Another incident for this pair was recorded at the same time; retry the request',
      currentRevision: 11,
      instance: '/incidents',
    },
  },
  412: {
    description: "If-Match named a revision the pair's stream is no longer at: look again, then decide",
    example: {
      type: 'https://demarche.dev/problems/precondition-failed',
      title: 'The relation has changed',
      status: 412,
      detail: 'If-Match does not match: the relation is at ETag "11"; GET /relations/AZE/FRA and decide again',
      currentVersion: 11,
      currentETag: '"11"',
      relation: '/relations/AZE/FRA',
      instance: '/incidents',
    },
  },
  413: {
    description: 'The body is larger than 64 KiB',
    example: { type: 'about:blank', title: 'Payload too large', status: 413, detail: 'The body is larger than the 64 KiB limit', instance: '/incidents' },
  },
  415: {
    description: 'The body is not JSON',
    example: { type: 'about:blank', title: 'Unsupported media type', status: 415, detail: 'Send the body as application/json', instance: '/incidents' },
  },
  422: {
    description: "The incident breaks a rule of the relation's current state (or the Idempotency-Key was used for another request)",
    example: {
      type: 'https://demarche.dev/problems/relation-rule',
      title: 'The relation does not allow this incident',
      status: 422,
      detail: 'DiplomaticRelationsRestored rejected: relations between AZE and FRA are neither severed nor downgraded',
      instance: '/incidents',
    },
  },
  429: {
    description: 'Too many requests from this client; retry after the Retry-After delay',
    example: { type: 'about:blank', title: 'Too many requests', status: 429, detail: 'Rate limit exceeded; retry in 12 s', instance: '/incidents' },
  },
  503: {
    description: 'The read model has not reached `minPosition` within 2 s; retry after the Retry-After delay',
    example: {
      type: 'about:blank',
      title: 'The read model has not caught up yet',
      status: 503,
      detail: 'The read model has not reached position 42 yet; retry shortly',
      instance: '/relations/AZE/FRA?minPosition=42',
    },
  },
};

/** Documents the problem+json answers of a route, with an example each. */
export function ApiProblems(...statuses: (keyof typeof PROBLEM_EXAMPLES)[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_EXAMPLES[status].description,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocument) }, example: PROBLEM_EXAMPLES[status].example } },
      }),
    ),
  );
}

/** What every write route accepts beyond its body: an API key, an Idempotency-Key, an If-Match. */
export function ApiWriteRoute(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Send the same key when retrying: the command is recorded at most once, and a retry gets the first outcome',
      example: '"9b2f6c1e-report-aze-fra-2023-12-26"',
    }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: "Record only if the pair's stream is still at this revision (the ETag of GET /relations/{a}/{b}); 412 otherwise",
      example: '"10"',
    }),
  );
}

/** Documents one problem+json answer whose meaning on this route differs from the shared wording above. */
export function ApiProblemAs(status: keyof typeof PROBLEM_EXAMPLES, description: string, detail: string, instance: string): MethodDecorator & ClassDecorator {
  const example = { ...PROBLEM_EXAMPLES[status].example, type: 'about:blank', status, detail, instance };
  return ApiResponse({ status, description, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocument) }, example } } });
}
