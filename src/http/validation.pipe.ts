import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { validationProblem, type FieldError } from './problem.js';

/**
 * The one validation pipe: unknown fields are rejected, every broken rule is reported with its
 * field path, and nothing reaches a handler unvalidated.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: rename(message, error.property, field) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** class-validator messages start with the bare property name; say the full path instead. */
function rename(message: string, property: string, field: string): string {
  if (message.startsWith('property ') && message.endsWith(' should not exist')) {
    return 'is not a known field';
  }
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
