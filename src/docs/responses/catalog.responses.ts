import { ApiProperty } from '@nestjs/swagger';
import type { EscalationLevel } from '../../domain/escalation.js';
import { INCIDENT_TYPES, type IncidentType } from '../../domain/incident-types.js';
import type { AmbassadorStatus, RelationsStatus } from '../../domain/relation-facts.js';
import { ClosedShape } from './closed-shape.js';
import { LEVELS } from './escalation.responses.js';
import { AMBASSADOR_STATUSES, RELATIONS_STATUSES } from './relation.responses.js';

/** GET /catalog: what a client needs to build a report form and to label what the API answers. */

@ClosedShape()
export class IncidentTypeResponse {
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: IncidentType;
  @ApiProperty({ description: 'The type as a reader sees it', example: 'Diplomats expelled' })
  label!: string;
  @ApiProperty({ example: '161' })
  cameo!: string;
  @ApiProperty({ example: 'Reduce or break diplomatic relations' })
  cameoName!: string;
  @ApiProperty({ example: -4 })
  goldstein!: number;
  @ApiProperty({ example: true })
  conflict!: boolean;
  @ApiProperty({ example: "The actor declares the target's diplomats personae non gratae." })
  description!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'JSON schema of `details` for this type (null: the type takes none)',
    example: { type: 'object', properties: { diplomats: { type: 'integer', minimum: 1, maximum: 1000 } }, required: ['diplomats'], additionalProperties: false },
  })
  details!: object | null;
}

@ClosedShape()
export class LevelResponse {
  @ApiProperty({ enum: LEVELS, example: 'strained' })
  level!: EscalationLevel;
  @ApiProperty({ example: 30 })
  from!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Upper bound (exclusive); null for the top level', example: 55 })
  below!: number | null;
}

@ClosedShape()
export class CountryResponse {
  @ApiProperty({ example: 'AZE' })
  code!: string;
  @ApiProperty({ example: 'Azerbaijan' })
  name!: string;
}

@ClosedShape()
export class RelationsStatusResponse {
  @ApiProperty({ enum: RELATIONS_STATUSES, example: 'downgraded' })
  status!: RelationsStatus;
  @ApiProperty({ example: 'Downgraded' })
  label!: string;
}

@ClosedShape()
export class AmbassadorStatusResponse {
  @ApiProperty({ enum: AMBASSADOR_STATUSES, example: 'vacant' })
  status!: AmbassadorStatus;
  @ApiProperty({ example: 'Post vacant' })
  label!: string;
}

@ClosedShape()
export class CatalogResponse {
  @ApiProperty({ type: [IncidentTypeResponse] })
  incidentTypes!: IncidentTypeResponse[];
  @ApiProperty({ type: [LevelResponse] })
  levels!: LevelResponse[];
  @ApiProperty({ type: [CountryResponse] })
  countries!: CountryResponse[];
  @ApiProperty({ type: [RelationsStatusResponse], description: 'The values of a relation view’s `relations`, with their labels' })
  relationsStatuses!: RelationsStatusResponse[];
  @ApiProperty({ type: [AmbassadorStatusResponse], description: 'The values of a side’s `ambassador`, with their labels' })
  ambassadorStatuses!: AmbassadorStatusResponse[];
}
