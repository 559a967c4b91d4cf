import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isCountryCode } from '../domain/countries.js';
import { InvalidOccurrenceError, parseOccurrence } from '../domain/occurrence.js';

export { IsOmittable } from '../domain/omittable.js';

export function IsCountryCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCountryCode',
      validator: {
        validate: (value) => isCountryCode(value),
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? `must be an ISO 3166-1 alpha-3 country code in capitals (e.g. FRA); ${JSON.stringify(args.value.slice(0, 20))} is not one`
            : 'must be an ISO 3166-1 alpha-3 country code (e.g. FRA)',
      },
    },
    options,
  );
}

export function DiffersFrom(property: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'differsFrom',
      constraints: [property],
      validator: {
        validate: (value, args) => value !== (args?.object as Record<string, unknown>)[property],
        defaultMessage: () => `must be a different country from ${property}`,
      },
    },
    options,
  );
}

/** YYYY, YYYY-MM, YYYY-MM-DD or an ISO timestamp with offset, and a real calendar date. */
export function IsOccurrenceDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOccurrenceDate',
      validator: {
        validate: (value) => typeof value === 'string' && occurrenceError(value) === undefined,
        defaultMessage: (args) =>
          typeof args?.value === 'string' ? (occurrenceError(args.value) ?? '') : 'must be a date string: YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 timestamp',
      },
    },
    options,
  );
}

function occurrenceError(value: string): string | undefined {
  if (value.length > 40) return 'is too long to be a date';
  try {
    parseOccurrence(value);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidOccurrenceError) return error.message;
    throw error;
  }
}
