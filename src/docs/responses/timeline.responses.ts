import { ApiProperty } from '@nestjs/swagger';
import type { EscalationLevel } from '../../domain/escalation.js';
import type { TimelineInterval } from '../../domain/timeline.js';
import { ClosedShape } from './closed-shape.js';
import { IncidentHeadlineResponse } from './incident-headline.response.js';
import { LEVELS } from './escalation.responses.js';

const INTERVALS: TimelineInterval[] = ['day', 'week', 'month'];

/** An incident arriving at a timeline point: the report's headline fields. */
@ClosedShape()
export class TimelineIncidentResponse extends IncidentHeadlineResponse {}

@ClosedShape()
export class TimelinePointResponse {
  @ApiProperty({ format: 'date-time', example: '2023-12-27T00:00:00.000Z' })
  at!: string;
  @ApiProperty({ example: 48.9 })
  score!: number;
  @ApiProperty({ enum: LEVELS, example: 'strained' })
  level!: EscalationLevel;
  @ApiProperty({ example: 2, description: 'Incidents whose reference instant falls after the previous point and not after this one: all of them, listed or not' })
  incidentCount!: number;
  @ApiProperty({
    type: [TimelineIncidentResponse],
    description: 'Of those incidents, the ones listed (the `incidents` parameter): by default the 3 heaviest, in the order they arrived; with incidents=all every one',
  })
  incidents!: TimelineIncidentResponse[];
}

@ClosedShape()
export class TimelineResponse {
  @ApiProperty({ type: [String], example: ['AZE', 'FRA'] })
  pair!: readonly string[];
  @ApiProperty({ enum: INTERVALS, example: 'day' })
  interval!: TimelineInterval;
  @ApiProperty({ format: 'date-time', example: '2023-01-01T00:00:00.000Z' })
  from!: string;
  @ApiProperty({ format: 'date-time', example: '2024-03-31T23:59:59.999Z' })
  to!: string;
  @ApiProperty({ type: [TimelinePointResponse] })
  points!: TimelinePointResponse[];
}
