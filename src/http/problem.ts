import { HttpException } from '@nestjs/common';

/** One broken validation rule, named by the field's path (e.g. `sources[0].url`). */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** What a thrower says about a problem; the filter fills in `type` and `title` when absent. */
export interface ProblemInit {
  status: number;
  detail: string;
  type?: string;
  title?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** An HTTP error that already knows its problem document. */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: ProblemInit,
    /** Response headers that belong with the problem, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(String(problem.detail), problem.status);
  }
}

export function validationProblem(errors: FieldError[]): ProblemException {
  return new ProblemException({
    type: 'https://demarche.dev/problems/validation',
    title: 'The request is not valid',
    status: 400,
    detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  });
}
