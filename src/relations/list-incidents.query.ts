import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { INCIDENT_TYPES, type IncidentType } from '../domain/incident-types.js';
import { IsOccurrenceDate, IsQueryInteger } from '../http/validators.js';

export const MAX_PAGE_SIZE = 500;

export class ListIncidentsQuery {
  /** Two alpha-3 codes, either order: AZE-FRA. */
  @ApiPropertyOptional({ description: 'Two alpha-3 codes joined by a dash, either order', example: 'AZE-FRA' })
  @IsOptional() @Matches(/^[A-Z]{3}-[A-Z]{3}$/, { message: 'must be two alpha-3 country codes joined by a dash, e.g. AZE-FRA' })
  pair?: string;

  @ApiPropertyOptional({ enum: INCIDENT_TYPES })
  @IsOptional() @IsIn(INCIDENT_TYPES, { message: `must be one of ${INCIDENT_TYPES.join(', ')}` })
  type?: IncidentType;

  /** Incidents occurring on or after the start of this date (YYYY, YYYY-MM, YYYY-MM-DD or timestamp). */
  @ApiPropertyOptional({ description: 'Incidents occurring on or after the start of this date (YYYY, YYYY-MM, YYYY-MM-DD or timestamp)', example: '2023-12' })
  @IsOptional() @IsOccurrenceDate()
  from?: string;

  /** Incidents occurring before the end of this date. */
  @ApiPropertyOptional({ description: 'Incidents occurring before the end of this date', example: '2023-12-31' })
  @IsOptional() @IsOccurrenceDate()
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional() @IsQueryInteger(1, MAX_PAGE_SIZE)
  limit?: number;

  /** The `next` value of the previous page. */
  @ApiPropertyOptional({ description: 'The `next` value of the previous page' })
  @IsOptional() @IsString()
  cursor?: string;
}
