import { ApiProperty } from '@nestjs/swagger';
import type { EscalationLevel } from '../../domain/escalation.js';
import type { IncidentData } from '../../domain/incident.js';
import { INCIDENT_TYPES, type IncidentType } from '../../domain/incident-types.js';
import type { TimelineInterval } from '../../domain/timeline.js';
import { ClosedShape } from './closed-shape.js';
import { LEVELS } from './escalation.responses.js';
import { EXPULSION_ID, EXPULSION_SUMMARY } from './seed-story.js';

const INTERVALS: TimelineInterval[] = ['day', 'week', 'month'];

/** An incident arriving at a timeline point: the report's headline fields. */
@ClosedShape()
export class TimelineIncidentResponse implements Pick<IncidentData, 'incidentId' | 'actor' | 'target' | 'occurredOn' | 'summary'> {
  @ApiProperty({ format: 'uuid', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: IncidentType;
  @ApiProperty({ example: 'AZE' })
  actor!: string;
  @ApiProperty({ example: 'FRA' })
  target!: string;
  @ApiProperty({ example: '2023-12-26' })
  occurredOn!: string;
  @ApiProperty({ example: EXPULSION_SUMMARY })
  summary!: string;
}

@ClosedShape()
export class TimelinePointResponse {
  @ApiProperty({ format: 'date-time', example: '2023-12-27T00:00:00.000Z' })
  at!: string;
  @ApiProperty({ example: 48.9 })
  score!: number;
  @ApiProperty({ enum: LEVELS, example: 'strained' })
  level!: EscalationLevel;
  @ApiProperty({ type: [TimelineIncidentResponse], description: 'Incidents whose reference instant falls after the previous point and not after this one' })
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
