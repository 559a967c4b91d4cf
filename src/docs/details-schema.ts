import { getMetadataStorage } from 'class-validator';
import type { SchemaObject } from '@nestjs/swagger';

/**
 * A JSON schema of an incident type's `details`, read from the class-validator rules of its
 * details class in the catalogue — so the API docs and the dashboard's form can never drift
 * from what the validation pipe enforces.
 */
export function detailsSchema(Details: (new () => object) | null): SchemaObject | null {
  if (!Details) return null;
  const chain: Function[] = [];
  for (let c: Function | null = Details; c && c !== Object && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  const rules = getMetadataStorage()
    .getTargetValidationMetadatas(Details, '', true, false)
    .map((rule, index) => ({ rule, index, depth: chain.indexOf(rule.target as Function) }))
    .sort((x, y) => x.depth - y.depth || x.index - y.index)
    .map(({ rule }) => rule);

  const properties: Record<string, SchemaObject> = {};
  const optional = new Set<string>();
  for (const rule of rules) {
    const property = (properties[rule.propertyName] ??= {});
    const [first, second] = (rule.constraints ?? []) as unknown[];
    // @IsOptional() and @IsOmittable() (a ValidateIf) are both conditional: the field may be left out.
    if (rule.type === 'conditionalValidation') {
      optional.add(rule.propertyName);
      continue;
    }
    switch (rule.name) {
      case 'isInt':
        property.type = 'integer';
        break;
      case 'isString':
        property.type = 'string';
        break;
      case 'isBoolean':
        property.type = 'boolean';
        break;
      case 'isUuid':
        Object.assign(property, { type: 'string', format: 'uuid' });
        break;
      case 'min':
        property.minimum = first as number;
        break;
      case 'max':
        property.maximum = first as number;
        break;
      case 'isLength':
        Object.assign(property, { type: 'string', minLength: first as number, maxLength: second as number });
        break;
      case 'arrayMinSize':
        Object.assign(property, { type: 'array', minItems: first as number });
        break;
      case 'arrayMaxSize':
        Object.assign(property, { type: 'array', maxItems: first as number });
        break;
      case 'arrayUnique':
        Object.assign(property, { type: 'array', uniqueItems: true });
        break;
      case 'isIn':
        if (rule.each) Object.assign(property, { type: 'array', items: { type: 'string', enum: first as string[] } });
        else property.enum = first as string[];
        break;
    }
  }
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

/**
 * `details` of a report as OpenAPI sees it: one alternative per details class of the catalogue,
 * titled with the types that use it (the `type` field says which applies).
 */
export function reportDetailsSchema(catalog: Readonly<Record<string, { details: (new () => object) | null }>>): { description: string; anyOf: SchemaObject[] } {
  const byClass = new Map<new () => object, string[]>();
  for (const [type, definition] of Object.entries(catalog)) {
    if (definition.details) byClass.set(definition.details, [...(byClass.get(definition.details) ?? []), type]);
  }
  const withoutDetails = Object.entries(catalog).filter(([, definition]) => !definition.details).map(([type]) => type);
  return {
    description:
      'Depends on `type`; required for types whose details have required fields (e.g. `diplomats` for expulsions). ' +
      `Types that take none: ${withoutDetails.join(', ')}.`,
    anyOf: [...byClass].map(([Details, types]) => ({ title: types.join(', '), ...detailsSchema(Details)! })),
  };
}
