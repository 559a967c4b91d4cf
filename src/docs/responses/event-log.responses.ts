import { ApiProperty } from '@nestjs/swagger';
import type { JsonObject, StoredEvent } from '../../event-store/event-store.port.js';
import { ClosedShape } from './closed-shape.js';
import { EXPULSION_SUMMARY } from './seed-story.js';

/** An event as the store recorded it; `data` and `metadata` are the event's own, open objects. */
@ClosedShape()
export class StoredEventResponse implements StoredEvent {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ example: 'DiplomatsExpelled' })
  type!: string;
  @ApiProperty({ example: 'relation-AZE-FRA' })
  streamId!: string;
  @ApiProperty({ example: 10 })
  revision!: number;
  @ApiProperty({ example: '12' })
  position!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { actor: 'AZE', target: 'FRA', occurredOn: '2023-12-26', summary: EXPULSION_SUMMARY, details: { diplomats: 2, deadlineHours: 48 } } })
  data!: JsonObject;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  metadata!: JsonObject;
}

@ClosedShape()
export class EventPageResponse {
  @ApiProperty({ type: [StoredEventResponse] })
  events!: StoredEventResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as after for the next page; null at the end of the log', example: null })
  next!: string | null;
}
