import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmpty,
  IsIn,
  IsObject,
  IsOptional,
  ValidateIf,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import { INCIDENT_TYPES, isIncidentType, type IncidentType } from '../domain/incident-types.js';
import { reportDetailsSchema } from '../docs/details-schema.js';
import { DiffersFrom, IsCalendarDay, IsCountryCode, IsOccurrenceDate, IsOmittable, IsText, IsWebUrl } from '../http/validators.js';

export class SourceDto {
  @ApiPropertyOptional({ format: 'uri', description: 'http(s) URL of the report; give url and/or publisher', example: 'https://www.example.org/2023/12/26/azerbaijan-expels-french-diplomats' })
  @ValidateIf((source: SourceDto) => source.url !== undefined || source.publisher === undefined)
  @IsWebUrl('must be an http(s) URL; give url and/or publisher')
  url?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Unattributed news report, Baku dateline (Demarche seed article 000_7265cf855958d769)' })
  @ValidateIf((source: SourceDto) => source.publisher !== undefined || source.url === undefined)
  @IsText(200)
  publisher?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 500, example: 'France Expels Azerbaijani Diplomats Amid Accusations of Pro-Armenian Bias' })
  @IsOmittable() @IsText(500)
  title?: string;

  @ApiPropertyOptional({ format: 'date', description: 'YYYY-MM-DD; not in the future', example: '2023-12-27' })
  @IsOmittable() @IsCalendarDay()
  publishedOn?: string;
}

/**
 * Types without details still get a class, so a stray key in `details` is named and rejected.
 * It needs one decorated property: class-validator refuses to validate a class it knows nothing of.
 */
class NoDetails {
  @IsOptional() @IsEmpty()
  private readonly none?: never;
}

export class ReportIncidentDto {
  @ApiProperty({ enum: INCIDENT_TYPES, description: 'What happened (see GET /catalog for CAMEO codes and Goldstein weights)', example: 'DiplomatsExpelled' })
  @IsIn(INCIDENT_TYPES, { message: `must be one of ${INCIDENT_TYPES.join(', ')}` })
  type!: IncidentType;

  @ApiProperty({ description: 'ISO 3166-1 alpha-3 code of the country that acts', example: 'AZE' })
  @IsCountryCode()
  actor!: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-3 code of the country acted upon; not the actor', example: 'FRA' })
  @IsCountryCode()
  @DiffersFrom('actor')
  target!: string;

  @ApiProperty({ description: 'When: YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known, or an ISO 8601 timestamp with offset; not in the future', example: '2023-12-26' })
  @IsOccurrenceDate()
  occurredOn!: string;

  @ApiProperty({ maxLength: 280, description: 'One line; stored NFC-normalised and trimmed; no control, bidi-override or invisible-only text', example: 'Azerbaijan declares two French embassy employees personae non gratae and orders them to leave within 48 hours' })
  @IsText(280)
  summary!: string;

  @ApiProperty({ type: [SourceDto], minItems: 1, maxItems: 20, description: 'Where it was reported: each source needs a url and/or a publisher' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20)
  @IsObject({ each: true, message: 'each source must be an object with a url and/or a publisher' })
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources!: SourceDto[];

  /** Validated against the catalogue's details class for `type`; required when that class has required fields. */
  @ApiPropertyOptional({ ...reportDetailsSchema(INCIDENT_CATALOG), example: { diplomats: 2, deadlineHours: 48 } })
  @ValidateIf((report: ReportIncidentDto) => report.details !== undefined || detailsRequired(report.type))
  @IsDefined({ message: ({ object }) => `is required for ${(object as ReportIncidentDto).type}` })
  @IsObject()
  @ValidateNested()
  @Type((options) => detailsClassFor(options?.object.type))
  details?: Record<string, unknown>;
}

function detailsClassFor(type: unknown): new () => object {
  return (isIncidentType(type) && INCIDENT_CATALOG[type].details) || NoDetails;
}

/** Whether an empty details object would fail the type's details validation. */
function detailsRequired(type: unknown): boolean {
  if (!isIncidentType(type)) return false;
  const Details = INCIDENT_CATALOG[type].details;
  return Details !== null && validateSync(Object.assign(new Details(), {})).length > 0;
}
