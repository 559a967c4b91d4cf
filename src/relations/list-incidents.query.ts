import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { INCIDENT_TYPES, type IncidentType } from '../domain/incident-types.js';
import { EXPORT_FORMATS } from '../export/csv.js';
import { EvidenceQuery } from './evidence-query.js';
import { IsCountryCode, IsOccurrenceDate, IsQueryInteger, IsText } from '../http/validators.js';

export const MAX_PAGE_SIZE = 500;
/** Longest text search: a handful of words, not a document. */
export const MAX_SEARCH_LENGTH = 200;
export const INCIDENT_ORDERS = ['reported', '-reported', 'occurred', '-occurred', 'relevance'] as const;
export const RETRACTED_CHOICES = ['exclude', 'include'] as const;

export class ListIncidentsQuery extends EvidenceQuery {
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

  @ApiPropertyOptional({
    description:
      'As Demarche knew it then: only incidents recorded by the end of this date, each with the corrections and retractions recorded by then (q matches the words as they read now)',
    example: '2023-12-27',
  })
  @IsOptional() @IsOccurrenceDate()
  knownAt?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional() @IsQueryInteger(1, MAX_PAGE_SIZE)
  limit?: number;

  /** The `next` value of the previous page. */
  @ApiPropertyOptional({ description: 'The `next` value of the previous page' })
  @IsOptional() @IsString()
  cursor?: string;

  @ApiPropertyOptional({
    description: 'Words to find in the summary or the sources (publisher, title, URL); each must appear, as a word or the start of one ("expel" finds "expelled")',
    example: 'expel',
    maxLength: MAX_SEARCH_LENGTH,
  })
  @IsOptional() @IsText(MAX_SEARCH_LENGTH)
  q?: string;

  @ApiPropertyOptional({ description: 'Incidents with this country on either side (ISO alpha-3)', example: 'FRA' })
  @IsOptional() @IsCountryCode()
  country?: string;

  @ApiPropertyOptional({ description: 'Incidents this country did (ISO alpha-3)', example: 'AZE' })
  @IsOptional() @IsCountryCode()
  actor?: string;

  @ApiPropertyOptional({ description: 'Incidents done to this country (ISO alpha-3)', example: 'FRA' })
  @IsOptional() @IsCountryCode()
  target?: string;

  @ApiPropertyOptional({
    enum: INCIDENT_ORDERS,
    default: 'reported',
    description: 'reported: in the order Demarche recorded them (- for newest first); occurred: by the start of the reported date; relevance: best text match first (needs q)',
  })
  @IsOptional() @IsIn(INCIDENT_ORDERS, { message: `must be one of ${INCIDENT_ORDERS.join(', ')}` })
  sort?: (typeof INCIDENT_ORDERS)[number];

  @ApiPropertyOptional({ enum: RETRACTED_CHOICES, default: 'exclude', description: 'include: retracted incidents too, marked retracted with their reason in amendments' })
  @IsOptional() @IsIn(RETRACTED_CHOICES, { message: `must be one of ${RETRACTED_CHOICES.join(', ')}` })
  retracted?: (typeof RETRACTED_CHOICES)[number];

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: 'csv: the page as RFC 4180 CSV with a header row (as does Accept: text/csv)' })
  @IsOptional() @IsIn(EXPORT_FORMATS, { message: `must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: (typeof EXPORT_FORMATS)[number];
}
