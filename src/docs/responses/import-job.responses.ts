import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EventFormat } from '../../import/formats/event-format.js';
import type { ImportJobState } from '../../import/import-jobs.js';
import { ClosedShape } from './closed-shape.js';

/** The bodies of POST /admin/imports (202) and GET /admin/imports/{jobId}. */

@ClosedShape()
export class SkippedLineResponse {
  @ApiProperty({ description: 'Line number (record number for PLOVER JSON) in the uploaded file', example: 17 })
  line!: number;
  @ApiPropertyOptional({ description: 'What was wrong, for malformed lines and rows the rules refused', example: 'expected 61 tab-separated columns, found 12' })
  problem?: string;
}

@ClosedShape()
export class SkipCountResponse {
  @ApiProperty({ example: 705 })
  count!: number;
  @ApiProperty({ type: [SkippedLineResponse], description: 'The first five lines skipped for this reason' })
  firstLines!: SkippedLineResponse[];
}

@ClosedShape()
export class SkippedRowsResponse {
  @ApiPropertyOptional({ type: SkipCountResponse, description: 'Wrong column count, a date or code that does not parse' })
  malformed?: SkipCountResponse;
  @ApiPropertyOptional({ type: SkipCountResponse, description: 'The actor is a region, organisation or no one (not an ISO 3166-1 state)' })
  'actor-not-a-state'?: SkipCountResponse;
  @ApiPropertyOptional({ type: SkipCountResponse })
  'target-not-a-state'?: SkipCountResponse;
  @ApiPropertyOptional({ type: SkipCountResponse, description: 'A state acting on itself' })
  domestic?: SkipCountResponse;
  @ApiPropertyOptional({ type: SkipCountResponse, description: 'A code outside the CAMEO reference' })
  'unknown-cameo-code'?: SkipCountResponse;
  @ApiPropertyOptional({ type: SkipCountResponse })
  'no-cameo-code'?: SkipCountResponse;
  @ApiPropertyOptional({ type: SkipCountResponse, description: "Refused by the relation's rules" })
  'rejected-by-rules'?: SkipCountResponse;
}

@ClosedShape()
export class ImportJobResponse {
  @ApiProperty({ format: 'uuid', example: '0b8a3f9e-6c1d-4a57-9e0b-2f4c8d1a7e35' })
  jobId!: string;
  @ApiProperty({ enum: ['queued', 'running', 'finished', 'failed'], description: 'Jobs run one at a time, in the order accepted', example: 'running' })
  state!: ImportJobState;
  @ApiProperty({ enum: ['gdelt2', 'gdelt1', 'icews', 'plover-json', 'plover-jsonl'], description: 'Detected from the content', example: 'gdelt2' })
  format!: EventFormat;
  @ApiProperty({ description: 'Size of the upload as sent (compressed, if it was)', example: 436814 })
  bytes!: number;
  @ApiProperty({ format: 'date-time', example: '2026-12-03T07:00:00.000Z' })
  acceptedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: '2026-12-03T07:00:00.020Z' })
  startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When it finished or failed', example: null })
  endedAt!: string | null;
  @ApiProperty({ description: 'Rows (records) read so far', example: 1135 })
  rowsRead!: number;
  @ApiProperty({ description: 'Rows between two states with a CAMEO code, sent to the decider', example: 234 })
  interstateRows!: number;
  @ApiProperty({ description: 'Rows appended: new incidents plus corroborations', example: 234 })
  accepted!: number;
  @ApiProperty({ example: 125 })
  incidentsCreated!: number;
  @ApiProperty({ description: 'Rows appended as IncidentCorroborated on an existing incident', example: 109 })
  corroborations!: number;
  @ApiProperty({ description: 'Rows an earlier import already recorded (same UUID v5 event id): appended again never', example: 0 })
  alreadyRecorded!: number;
  @ApiProperty({ type: SkippedRowsResponse, description: 'Rows skipped, by reason, with the first lines of each' })
  skipped!: SkippedRowsResponse;
  @ApiProperty({ type: [SkippedLineResponse], description: 'The first malformed lines, with what was wrong (also in skipped.malformed)' })
  malformedLines!: SkippedLineResponse[];
  @ApiProperty({ example: 812 })
  elapsedMs!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the job failed; the batches appended before it stay appended', example: null })
  error!: string | null;
}
