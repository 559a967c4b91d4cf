import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsOccurrenceDate } from '../http/validators.js';
import { SourceDto } from './report-incident.dto.js';

export class RetractIncidentDto {
  @IsString() @IsNotEmpty({ message: 'must say why the incident is retracted' }) @MaxLength(500)
  reason!: string;
}

/**
 * Amends what was reported. Type, actor and target cannot be corrected: retract the incident
 * and report it anew. `details` replaces the details as a whole and is checked against the type.
 */
export class CorrectIncidentDto extends RetractIncidentDto {
  @IsOptional() @IsOccurrenceDate()
  occurredOn?: string;

  @IsOptional() @IsString() @IsNotEmpty({ message: 'must not be empty' }) @MaxLength(280)
  summary?: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources?: SourceDto[];

  @IsOptional() @IsObject()
  details?: Record<string, unknown>;
}
