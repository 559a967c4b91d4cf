import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ClosedShape } from './closed-shape.js';
import { EXPULSION_ID } from './seed-story.js';

export const BATCH_ITEM_STATUSES = ['recorded', 'alreadyRecorded', 'refused'] as const;
export type BatchItemStatus = (typeof BATCH_ITEM_STATUSES)[number];

/** What became of one item of POST /incidents/batch. */
@ClosedShape()
export class BatchItemResponse {
  @ApiProperty({ description: 'Index of the item in the request', example: 0 })
  index!: number;
  @ApiProperty({ example: 'article:7265cf855958d769/p-3f2a9c' })
  key!: string;
  @ApiProperty({ format: 'uuid', description: 'Derived from the key: the same for every accept of it', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ example: 'relation-AZE-FRA' })
  streamId!: string;
  @ApiProperty({
    enum: BATCH_ITEM_STATUSES,
    description: 'recorded now; alreadyRecorded by an earlier accept of the same key; refused only when another write changed the pair between the check and the append',
    example: 'recorded',
  })
  status!: BatchItemStatus;
  @ApiPropertyOptional({ description: 'For recorded items: the event type recorded (an expulsion answering one becomes ReciprocalExpulsion)', example: 'DiplomatsExpelled' })
  recordedType?: string;
  @ApiPropertyOptional({ description: 'For recorded items: position in the global log', example: '16' })
  position?: string;
  @ApiPropertyOptional({ description: "For refused items: the decider's reason" })
  reason?: string;
}

@ClosedShape()
export class BatchResponse {
  @ApiProperty({ description: 'Items recorded by this request', example: 3 })
  recorded!: number;
  @ApiProperty({ description: 'Items an earlier request had recorded: nothing new for them', example: 0 })
  alreadyRecorded!: number;
  @ApiProperty({ type: [BatchItemResponse] })
  items!: BatchItemResponse[];
}
