import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { IsOccurrenceDate } from '../http/validators.js';
import type { TimeTravel } from '../time/perspective.js';
import { EvidenceQuery } from './evidence-query.js';

/**
 * The time-travel parameters shared by the relation endpoints (read by time/perspective.ts). A date means the END of that day,
 * month or year (UTC): `asOf=2023-12-01` is the state at 23:59:59.999 on 1 December.
 *
 * An incident reported only to the month or year counts from the middle of that period (but no
 * later than it was recorded; see occurrence.ts): `2023-11` counts from 16 November 00:00 UTC, so
 * `asOf=2023-11-15` leaves it out and `asOf=2023-11-16` includes it.
 */
export class TimeTravelQuery extends EvidenceQuery implements TimeTravel {
  /** Only incidents that had occurred by then; the score is computed at that instant. */
  @ApiPropertyOptional({ description: 'Only incidents that had occurred by the end of this date (YYYY, YYYY-MM, YYYY-MM-DD or a timestamp); the score is computed then', example: '2023-12-28' })
  @IsOptional() @IsOccurrenceDate()
  asOf?: string;

  /** Only what Demarche had recorded by then (reports, corrections, retractions). */
  @ApiPropertyOptional({ description: 'Only what Demarche had recorded by the end of this date (reports, corrections, retractions)', example: '2023-12-31' })
  @IsOptional() @IsOccurrenceDate()
  knownAt?: string;

  /** Wait (up to 2 s) until the read model has applied this log position (read-your-writes). */
  @ApiPropertyOptional({ description: 'Wait (up to 2 s, else 503) until the read model has applied this log position: the `position` a write answered', example: '14' })
  @IsOptional() @IsString()
  minPosition?: string;
}
