import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { validationProblem, type FieldError } from './problem.js';

/**
 * The one validation pipe: unknown fields are rejected, every broken rule is reported with its
 * field path, and nothing reaches a handler unvalidated.
 */
export function createValidationPipe(): ValidationPipe {
  return new QueryCheckingValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });
}

/**
 * Checks a query's parameter names on the query as Fastify parsed it, before the transformer
 * sees it: Nest and class-transformer silently drop `__proto__` and `constructor` (to stop
 * prototype pollution), so the whitelist would never hear of them and `?__proto__=1` would be
 * answered as if it had not been sent. A query class without rules takes no parameters at all.
 */
class QueryCheckingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'query' || !metadata.metatype || !this.toValidate(metadata) || value === null || typeof value !== 'object') {
      return super.transform(value, metadata);
    }
    const known = parametersOf(metadata.metatype);
    const unknown = Object.keys(value).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      const message = known.size === 0 ? 'is not a parameter: this route takes none' : `is not a parameter of this route (it takes ${[...known].join(', ')})`;
      // Named one by one, but not thousands of them: a long query string must not make a longer answer.
      throw validationProblem(unknown.slice(0, MAX_NAMED_PARAMETERS).map((field) => ({ field, message })));
    }
    return known.size === 0 ? new metadata.metatype() : super.transform(value, metadata);
  }
}

const MAX_NAMED_PARAMETERS = 20;
const parameterNames = new WeakMap<Function, ReadonlySet<string>>();

/** The parameters a query class declares: the properties it has validation rules for (inherited ones included). */
function parametersOf(queryClass: Function): ReadonlySet<string> {
  let names = parameterNames.get(queryClass);
  if (!names) {
    names = new Set(getMetadataStorage().getTargetValidationMetadatas(queryClass, '', true, false).map((rule) => rule.propertyName));
    parameterNames.set(queryClass, names);
  }
  return names;
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
