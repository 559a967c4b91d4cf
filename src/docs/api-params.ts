import { applyDecorators } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

/** The {a}/{b} path parameters of the relation routes, with the seed story's pair as example. */
export function ApiPairParams(): MethodDecorator {
  return applyDecorators(
    ApiParam({ name: 'a', description: 'ISO 3166-1 alpha-3 code of one country (either order)', example: 'AZE' }),
    ApiParam({ name: 'b', description: 'ISO 3166-1 alpha-3 code of the other country', example: 'FRA' }),
  );
}
