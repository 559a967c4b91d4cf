import { ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * A field that may be left out. Unlike @IsOptional(), which also skips the rules for null, a
 * null is checked like any other value — and refused — so `"summary": null` cannot be recorded.
 */
export function IsOmittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}
