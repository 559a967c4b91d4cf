import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

/**
 * Validates real response bodies against the schemas an OpenAPI 3.0 document (/docs-json)
 * publishes for a route, status and content type, with ajv and ajv-formats (uuid, date, date-time).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema: ajv accepts it only beside `type`, while
 * @nestjs/swagger also puts it beside `allOf`/`$ref`. Rewritten as "this, or null" it means the same everywhere.
 */
function withNullAsJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(withNullAsJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([key, value]) => [key, key === 'example' || key === 'examples' ? value : withNullAsJsonSchema(value)] as const);
  const { nullable, ...rest } = Object.fromEntries(entries) as Record<string, Json>;
  return nullable === true ? { anyOf: [rest, { type: 'null' }] } : rest;
}

export interface OpenApiValidator {
  /** Which of the document's operations answer this status with this content type: undefined when none does. */
  validatorFor(route: string, status: number, contentType: string): ValidateFunction | undefined;
  /** Every documented operation, as `METHOD /path/{param}`. */
  routes(): string[];
}

export function openApiValidator(document: { paths: Record<string, Record<string, any>>; components: unknown }): OpenApiValidator {
  const converted = withNullAsJsonSchema(document as unknown as Json) as { paths: Record<string, Record<string, any>> };
  // Not strict: the document carries OpenAPI's own keywords (example, description's siblings) that JSON Schema does not define.
  const ajv = new Ajv({ strict: false, allErrors: true });
  formats.default(ajv);
  ajv.addSchema(converted as object, 'openapi');
  const compiled = new Map<string, ValidateFunction | undefined>();

  return {
    validatorFor(route, status, contentType) {
      const key = `${route} ${status} ${contentType}`;
      if (!compiled.has(key)) {
        const [method, path] = route.split(' ');
        const content = converted.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content;
        const pointer = ['paths', path, method.toLowerCase(), 'responses', String(status), 'content', contentType, 'schema']
          .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
          .join('/');
        compiled.set(key, content?.[contentType]?.schema ? ajv.compile({ $ref: `openapi#/${pointer}` }) : undefined);
      }
      return compiled.get(key);
    },
    routes() {
      return Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    },
  };
}

/** ajv's errors as lines a reader can act on: where in the body, and what was wrong. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message}${error.keyword === 'additionalProperties' ? `: ${error.params.additionalProperty}` : ''}`);
}
