import { ApiProperty } from '@nestjs/swagger';
import type { IncidentHeadline } from '../../domain/incident.js';
import { INCIDENT_TYPES, type IncidentType } from '../../domain/incident-types.js';
import { EXPULSION_ID, EXPULSION_SUMMARY } from './seed-story.js';

/**
 * The fields that name an incident wherever a response lists one (a contribution, a timeline
 * point's arrivals, the incident itself): declared once, extended by those responses, each of
 * which is a closed shape of its own.
 */
export class IncidentHeadlineResponse implements IncidentHeadline {
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
