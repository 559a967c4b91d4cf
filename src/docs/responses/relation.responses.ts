import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CountryCode } from '../../domain/countries.js';
import { INCIDENT_TYPES, type IncidentType } from '../../domain/incident-types.js';
import type { Trend } from '../../domain/escalation.js';
import type { MonthJudgement } from '../../domain/monthly-judgement.js';
import type { AmbassadorStatus, RelationsStatus } from '../../domain/relation-facts.js';
import type { CountryPair } from '../../domain/relation-pair.js';
import type { IncidentRefView, RelationView, SideView } from '../../domain/relation-view.js';
import { ClosedShape } from './closed-shape.js';
import { EscalationResponse, TRENDS } from './escalation.responses.js';
import { EXPULSION_ID } from './seed-story.js';

export const AMBASSADOR_STATUSES: AmbassadorStatus[] = ['in_post', 'recalled', 'expelled', 'vacant'];
export const RELATIONS_STATUSES: RelationsStatus[] = ['normal', 'downgraded', 'severed'];

@ClosedShape()
export class MonthJudgementResponse implements MonthJudgement {
  @ApiProperty({ example: '2023-12' })
  month!: string;
  @ApiProperty({ enum: TRENDS, example: 'deteriorated' })
  judgement!: Trend;
  @ApiProperty({ description: 'Score at the end of the month before', example: 20.5 })
  scoreBefore!: number;
  @ApiProperty({ description: 'Score at the end of the month (now, for the month under way)', example: 35.2 })
  scoreAfter!: number;
  @ApiProperty({ example: 14.7 })
  change!: number;
  @ApiProperty({ description: 'The highest score within the month (right after one of its incidents)', example: 52.1 })
  peak!: number;
  @ApiProperty({ description: 'The day of the peak', example: '2023-12-31' })
  peakOn!: string;
  @ApiProperty({ example: 5 })
  conflictIncidents!: number;
  @ApiProperty({ example: 0 })
  cooperationIncidents!: number;
  @ApiProperty({ type: [String], example: ['Momentum up (7.5 → 12.1): 5 conflict incidents'] })
  reasons!: string[];
}

@ClosedShape()
export class MonthsResponse {
  @ApiProperty({ type: [String], example: ['AZE', 'FRA'] })
  pair!: string[];
  @ApiProperty({ example: '2023-09' })
  from!: string;
  @ApiProperty({ example: '2024-01' })
  to!: string;
  @ApiProperty({ type: [MonthJudgementResponse] })
  months!: MonthJudgementResponse[];
}

@ClosedShape()
export class SideResponse implements SideView {
  // Explicit type: the alias leaves swc's decorator metadata (the tests' compiler) at Object, where tsc's says String.
  @ApiProperty({ type: String, example: 'AZE' })
  country!: CountryCode;
  @ApiProperty({ enum: AMBASSADOR_STATUSES, description: "This country's ambassador to the other (vacant: relations restored, no ambassador appointed yet)", example: 'in_post' })
  ambassador!: AmbassadorStatus;
  @ApiProperty({ description: "The other country's diplomats this country expelled", example: 2 })
  diplomatsExpelled!: number;
  @ApiProperty({ example: 1 })
  expulsions!: number;
  @ApiProperty({ description: 'Expulsions by this country the other has not answered yet', example: 0 })
  unansweredExpulsions!: number;
  @ApiProperty({ type: [String], example: [] })
  sanctionsInForce!: string[];
}

@ClosedShape()
export class IncidentRefResponse implements IncidentRefView {
  @ApiProperty({ format: 'uuid', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: IncidentType;
  @ApiProperty({ example: '2023-12-26' })
  occurredOn!: string;
  @ApiProperty({ description: 'The day it counts from: the middle of the part of its reported period where it can have happened, after what it answers', example: '2023-12-26' })
  countsFrom!: string;
}

/** A pair's view (the domain's RelationView) with what the HTTP layer adds: names, this month, the time-travel inputs. */
@ClosedShape()
export class RelationResponse implements RelationView {
  @ApiProperty({ type: [String], example: ['AZE', 'FRA'] })
  pair!: CountryPair;
  @ApiProperty({ format: 'date-time', description: 'The instant the score is computed at', example: '2023-12-28T23:59:59.999Z' })
  at!: string;
  @ApiProperty({ type: EscalationResponse })
  escalation!: EscalationResponse;
  @ApiProperty({ enum: RELATIONS_STATUSES, example: 'normal' })
  relations!: RelationsStatus;
  @ApiProperty({ type: [SideResponse] })
  sides!: [SideResponse, SideResponse];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { Accusation: 3, DiplomatsExpelled: 1, ReciprocalExpulsion: 1 } })
  countsByType!: Partial<Record<IncidentType, number>>;
  @ApiProperty({ type: IncidentRefResponse, nullable: true })
  firstIncident!: IncidentRefResponse | null;
  @ApiProperty({ type: IncidentRefResponse, nullable: true })
  lastIncident!: IncidentRefResponse | null;
  @ApiProperty({ example: 11 })
  incidentCount!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { AZE: 'Azerbaijan', FRA: 'France' } })
  names!: Record<string, string>;
  @ApiProperty({ type: MonthJudgementResponse, nullable: true, description: 'This month so far against the end of last month (the month of asOf when given)' })
  thisMonth!: MonthJudgementResponse | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: "Day the pair's first incident counts from: the earliest asOf that shows it", example: '2023-07-02' })
  firstIncidentOn?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2023-12-28' })
  asOf?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null })
  knownAt?: string | null;
}

/** What a list of relations says of itself: when it is scored, from which perspective, how many pairs match. */
export class RelationsAtResponse {
  @ApiProperty({ format: 'date-time', example: '2023-12-28T23:59:59.999Z' })
  at!: string;
  @ApiProperty({ type: String, nullable: true, example: '2023-12-28' })
  asOf!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null })
  knownAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Day the first incident (of the pairs asked about) counts from: the earliest asOf with anything to show', example: '2023-07-02' })
  firstIncidentOn!: string | null;
  @ApiProperty({ description: 'Pairs that pass the filters (on all pages when paged)', example: 3 })
  total!: number;
}

@ClosedShape()
export class RelationListResponse extends RelationsAtResponse {
  @ApiPropertyOptional({ description: 'Page size, when limit or offset was given', example: 50 })
  limit?: number;
  @ApiPropertyOptional({ description: 'Pairs skipped, when limit or offset was given', example: 0 })
  offset?: number;
  @ApiProperty({ type: [RelationResponse], description: 'Highest level first, then highest score, then the latest incident' })
  items!: RelationResponse[];
}
