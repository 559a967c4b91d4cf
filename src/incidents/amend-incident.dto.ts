import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  ValidateNested,
} from 'class-validator';
import { IsOccurrenceDate, IsOmittable, IsText } from '../http/validators.js';
import { SourceDto } from './report-incident.dto.js';

export class RetractIncidentDto {
  @ApiProperty({ maxLength: 500, description: 'Why (kept in the log with the amendment)', example: 'The French Foreign Ministry statement dates the expulsion to 27 December' })
  @IsText(500, { lines: 'several lines' })
  reason!: string;
}

/**
 * Amends what was reported. Type, actor and target cannot be corrected: retract the incident
 * and report it anew. `details` replaces the details as a whole and is checked against the type.
 */
export class CorrectIncidentDto extends RetractIncidentDto {
  @ApiPropertyOptional({ description: 'YYYY-MM-DD, YYYY-MM, YYYY or a timestamp with offset', example: '2023-12-27' })
  @IsOmittable() @IsOccurrenceDate()
  occurredOn?: string;

  @ApiPropertyOptional({ maxLength: 280, example: 'France expels two diplomats of Azerbaijan\'s embassy in Paris, citing reciprocity' })
  @IsOmittable() @IsText(280)
  summary?: string;

  @ApiPropertyOptional({ type: [SourceDto], minItems: 1, maxItems: 20, description: 'Replaces the sources as a whole' })
  @IsOmittable() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20)
  @IsObject({ each: true, message: 'each source must be an object with a url and/or a publisher' })
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources?: SourceDto[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Replaces the details as a whole; checked against the incident's type", example: { diplomats: 2 } })
  @IsOmittable() @IsObject()
  details?: Record<string, unknown>;
}

/** An analyst vouches for an imported incident: what was checked, and optionally the source that confirms it. */
export class ConfirmIncidentDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'What the analyst checked (kept in the log with the confirmation)', example: 'Checked against the ministry\'s own statement of 18 February' })
  @IsOmittable() @IsText(500, { lines: 'several lines' })
  note?: string;

  @ApiPropertyOptional({ type: SourceDto, description: 'A source that confirms it; its publisher counts as one more independent source' })
  @IsOmittable() @IsObject({ message: 'must be an object with a url and/or a publisher' })
  @ValidateNested()
  @Type(() => SourceDto)
  source?: SourceDto;
}
