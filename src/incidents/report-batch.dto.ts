import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, ValidateNested } from 'class-validator';
import { IsText } from '../http/validators.js';
import { ReportIncidentDto } from './report-incident.dto.js';

/** The most incidents one batch may carry: more than any article reports, few enough to decide in one request. */
export const MAX_BATCH_INCIDENTS = 50;

/** One incident of a batch: a report exactly as POST /incidents takes it, plus the key that makes it idempotent. */
export class BatchIncidentDto extends ReportIncidentDto {
  @ApiProperty({
    maxLength: 200,
    description:
      'Names what this item records, whoever sends it: the same key is recorded once (the incident and event ids are derived from it). ' +
      'The review page sends the article fingerprint and the proposal id.',
    example: 'article:7265cf855958d769/p-3f2a9c',
  })
  @IsText(200)
  key!: string;
}

/** POST /incidents/batch: the incidents an analyst accepted, recorded together or not at all. */
export class ReportBatchDto {
  @ApiProperty({ type: [BatchIncidentDto], minItems: 1, maxItems: MAX_BATCH_INCIDENTS })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BATCH_INCIDENTS)
  @IsObject({ each: true, message: 'each incident must be an object' })
  @ValidateNested({ each: true })
  @Type(() => BatchIncidentDto)
  incidents!: BatchIncidentDto[];
}
