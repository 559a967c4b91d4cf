import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ESCALATION_LEVELS } from '../domain/escalation.js';
import { EXPORT_FORMATS, FORMAT_DESCRIPTION } from '../export/csv.js';
import type { PageRequest } from '../projections/relations.read-model.js';
import { IsCountryCode, IsQueryInteger } from '../http/validators.js';
import { TimeTravelQuery } from './relation-query.js';

const LEVELS = ESCALATION_LEVELS.map((band) => band.level);
/** Most pairs on one page: every pair there can be (249 countries make 30,876). */
export const MAX_RELATIONS_PAGE = 31_000;
export const DEFAULT_RELATIONS_PAGE = 50;

export class ListRelationsQuery extends TimeTravelQuery {
  @ApiPropertyOptional({ description: 'Only pairs with this country (ISO alpha-3)', example: 'FRA' })
  @IsOptional() @IsCountryCode()
  country?: string;

  @ApiPropertyOptional({ enum: LEVELS, description: 'Only pairs at this escalation level' })
  @IsOptional() @IsIn(LEVELS, { message: `must be one of ${LEVELS.join(', ')}` })
  level?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RELATIONS_PAGE, description: `Pairs on the page (default ${DEFAULT_RELATIONS_PAGE} once limit or offset is given; without either, every pair)` })
  @IsOptional() @IsQueryInteger(1, MAX_RELATIONS_PAGE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Pairs to skip, in the order of the list', default: 0 })
  @IsOptional() @IsQueryInteger(0, MAX_RELATIONS_PAGE)
  offset?: number;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: FORMAT_DESCRIPTION })
  @IsOptional() @IsIn(EXPORT_FORMATS, { message: `must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: (typeof EXPORT_FORMATS)[number];
}

export function pageOf(query: ListRelationsQuery): PageRequest {
  return { limit: query.limit ?? DEFAULT_RELATIONS_PAGE, offset: query.offset ?? 0 };
}
