import { Transform } from 'class-transformer';
import { isURL, ValidateBy, type ValidationOptions } from 'class-validator';
import { isCountryCode } from '../domain/countries.js';
import { InvalidOccurrenceError, parseOccurrence } from '../domain/occurrence.js';
import { codePoint } from '../domain/text.js';

export { IsOmittable } from '../domain/omittable.js';
export { IsText } from '../domain/text.js';

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

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day, YYYY-MM-DD, that exists in the calendar (a publication date: never vaguer, never a time). */
export function IsCalendarDay(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDay',
      validator: {
        validate: (value) => typeof value === 'string' && CALENDAR_DAY.test(value) && occurrenceError(value) === undefined,
        defaultMessage: (args) => (typeof args?.value === 'string' && CALENDAR_DAY.test(args.value) ? (occurrenceError(args.value) ?? '') : 'must be a date YYYY-MM-DD'),
      },
    },
    options,
  );
}

export function occurrenceError(value: string): string | undefined {
  if (value.length > 40) return 'is too long to be a date';
  try {
    parseOccurrence(value);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidOccurrenceError) return error.message;
    throw error;
  }
}

/**
 * Characters a URL never needs and that make it read as something it is not: white space,
 * controls, lone surrogates and default-ignorable code points (zero-width characters, the
 * bidirectional controls and marks). Percent-encode them if a resource's address really has them.
 */
const HIDDEN_IN_URL = /[\p{White_Space}\p{Cc}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;

const HIDDEN_IN_URL_EVERYWHERE = new RegExp(HIDDEN_IN_URL.source, 'gu');
const WEB_URL = { protocols: ['http', 'https'], require_protocol: true };

/**
 * An http(s) URL with nothing hidden in it (see HIDDEN_IN_URL). One message per URL: the hidden
 * character when the URL is one without it (a disguise, or a pasted space), else `message`.
 */
export function IsWebUrl(message: string): PropertyDecorator {
  return ValidateBy({
    name: 'isWebUrl',
    validator: {
      validate: (value) => typeof value === 'string' && !HIDDEN_IN_URL.test(value) && isURL(value, WEB_URL),
      defaultMessage: (args) => {
        const value = args?.value;
        const found = typeof value === 'string' ? HIDDEN_IN_URL.exec(value) : null;
        if (!found || !isURL(value.replace(HIDDEN_IN_URL_EVERYWHERE, ''), WEB_URL)) return message;
        return `must not contain spaces, control, bidirectional or invisible characters: ${codePoint(found[0])} at position ${found.index + 1}; percent-encode them`;
      },
    },
  });
}

/** Plain decimal digits, and few enough of them to be read exactly. */
const DECIMAL_DIGITS = /^[0-9]{1,15}$/;

/**
 * A whole number from a query string. Only plain decimal digits are read as a number: Number()
 * and @Type(() => Number) would also read `0x10`, `1e2`, `+16`, `16.0` and ` 16` as numbers,
 * so a typo or a probe would be answered as if it were meant.
 */
export function IsQueryInteger(min: number, max: number): PropertyDecorator {
  return (target, property) => {
    Transform(({ value }) => (typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value))(target, property);
    ValidateBy({
      name: 'isQueryInteger',
      constraints: [min, max],
      validator: {
        validate: (value) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
        defaultMessage: () => `must be a whole number from ${min} to ${max} in decimal digits only (no sign, spaces, decimal point, exponent or 0x)`,
      },
    })(target, property);
  };
}
