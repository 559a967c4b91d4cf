import { ApiSchema, type ApiSchemaOptions } from '@nestjs/swagger';

/**
 * Marks a response class as a closed shape (`additionalProperties: false`): the server answers
 * exactly these fields, so a field a controller adds without declaring it fails the response
 * contract spec instead of reaching clients undocumented. @nestjs/swagger spreads an
 * @ApiSchema's options into the class's schema; its type names only `name` and `description`.
 */
export function ClosedShape(): ClassDecorator {
  return ApiSchema({ additionalProperties: false } as ApiSchemaOptions);
}
