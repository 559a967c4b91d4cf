import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmpty,
  Length,
  IsIn,
  IsObject,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  ValidateIf,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { INCIDENT_CATALOG, INCIDENT_TYPES, isIncidentType, type IncidentType } from '../domain/incident-catalog.js';
import { DiffersFrom, IsCountryCode, IsOccurrenceDate } from '../http/validators.js';

export class SourceDto {
  @ValidateIf((source: SourceDto) => source.url !== undefined || source.publisher === undefined)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL; give url and/or publisher' })
  url?: string;

  @ValidateIf((source: SourceDto) => source.publisher !== undefined || source.url === undefined)
  @IsString({ message: 'must be a string; give url and/or publisher' })
  @IsNotEmpty({ message: 'must not be empty; give url and/or publisher' })
  @MaxLength(200)
  publisher?: string;

  @IsOptional() @IsString() @Length(1, 500)
  title?: string;

  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) @Length(10, 10, { message: 'must be a date YYYY-MM-DD' })
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
  @IsIn(INCIDENT_TYPES, { message: `must be one of ${INCIDENT_TYPES.join(', ')}` })
  type!: IncidentType;

  @IsCountryCode()
  actor!: string;

  @IsCountryCode()
  @DiffersFrom('actor')
  target!: string;

  @IsOccurrenceDate()
  occurredOn!: string;

  @IsString() @IsNotEmpty({ message: 'must not be empty' }) @MaxLength(280)
  summary!: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources!: SourceDto[];

  /** Validated against the catalogue's details class for `type`; required when that class has required fields. */
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
