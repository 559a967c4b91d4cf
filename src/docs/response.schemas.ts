import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ESCALATION_LEVELS } from '../domain/escalation.js';
import { INCIDENT_TYPES } from '../domain/incident-catalog.js';

/**
 * OpenAPI pictures of what the routes answer. The routes return plain objects built in their
 * controllers; these classes only describe them (with examples from the seed story) for /docs.
 */

const LEVELS = ESCALATION_LEVELS.map((band) => band.level);
const EXPULSION_ID = '01a20501-cd4a-768f-b4e7-f80f53499456';
const EXPULSION_SUMMARY = 'Azerbaijan declares two French embassy employees personae non gratae and orders them to leave within 48 hours';

export class RecordedDocument {
  @ApiProperty({ format: 'uuid', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ format: 'uuid', example: '01a20501-cd4a-768f-b4e7-f80f53499457' })
  eventId!: string;
  @ApiProperty({ description: 'Event type recorded: the incident type, IncidentCorrected or IncidentRetracted', example: 'DiplomatsExpelled' })
  recordedType!: string;
  @ApiPropertyOptional({ enum: INCIDENT_TYPES, description: 'For reports: the type sent, which the decider may have recorded as another (an expulsion answering one becomes ReciprocalExpulsion)', example: 'DiplomatsExpelled' })
  postedType?: string;
  @ApiProperty({ example: 'relation-AZE-FRA' })
  streamId!: string;
  @ApiProperty({ example: 10 })
  revision!: number;
  @ApiProperty({ description: 'Position in the global log: pass as minPosition to read your write', example: '12' })
  position!: string;
  @ApiProperty({ format: 'date-time', example: '2023-12-27T09:00:00.000Z' })
  recordedAt!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'For a reciprocal expulsion: the expulsion it answers' })
  inResponseTo?: string;
}

export class SourceDocument {
  @ApiPropertyOptional({ example: 'https://www.example.org/2023/12/26/azerbaijan-expels-french-diplomats' })
  url?: string;
  @ApiPropertyOptional({ example: 'Unattributed news report, Baku dateline (Demarche seed article 000_7265cf855958d769)' })
  publisher?: string;
  @ApiPropertyOptional({ example: 'France Expels Azerbaijani Diplomats Amid Accusations of Pro-Armenian Bias' })
  title?: string;
  @ApiPropertyOptional({ format: 'date', example: '2023-12-27' })
  publishedOn?: string;
}

export class AmendmentDocument {
  @ApiProperty({ enum: ['IncidentCorrected', 'IncidentRetracted'] })
  type!: string;
  @ApiProperty({ format: 'uuid' })
  incidentId!: string;
  @ApiProperty({ example: 'The ministry statement gives the date' })
  reason!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'For corrections: the fields amended' })
  changes?: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;
}

export class IncidentDocument {
  @ApiProperty({ format: 'uuid', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: string;
  @ApiProperty({ example: 'AZE' })
  actor!: string;
  @ApiProperty({ example: 'FRA' })
  target!: string;
  @ApiProperty({ example: '2023-12-26' })
  occurredOn!: string;
  @ApiProperty({ enum: ['year', 'month', 'day', 'instant'], example: 'day' })
  precision!: string;
  @ApiProperty({ example: EXPULSION_SUMMARY })
  summary!: string;
  @ApiProperty({ type: [SourceDocument] })
  sources!: SourceDocument[];
  @ApiProperty({ type: 'object', additionalProperties: true, example: { diplomats: 2, deadlineHours: 48 } })
  details!: Record<string, unknown>;
  @ApiPropertyOptional({ format: 'uuid' })
  inResponseTo?: string;
  @ApiPropertyOptional({ enum: INCIDENT_TYPES })
  postedType?: string;
  @ApiProperty({ format: 'date-time', example: '2023-12-27T09:00:00.000Z' })
  recordedAt!: string;
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ example: 'relation-AZE-FRA' })
  streamId!: string;
  @ApiProperty({ example: 10 })
  revision!: number;
  @ApiProperty({ example: '12' })
  position!: string;
  @ApiProperty({ example: false })
  retracted!: boolean;
  @ApiProperty({ type: [AmendmentDocument] })
  amendments!: AmendmentDocument[];
}

export class IncidentPageDocument {
  @ApiProperty({ type: [IncidentDocument] })
  items!: IncidentDocument[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page', example: '12' })
  next!: string | null;
}

export class TrendDocument {
  @ApiProperty({ enum: ['deteriorated', 'improved', 'unchanged'], example: 'deteriorated' })
  direction!: string;
  @ApiProperty({ description: 'Score now minus the score windowDays earlier', example: 35.4 })
  change!: number;
  @ApiProperty({ example: 30 })
  windowDays!: number;
  @ApiProperty({ example: 15.3 })
  scoreThen!: number;
}

export class ContributionDocument {
  @ApiProperty({ format: 'uuid', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: string;
  @ApiProperty({ example: 'AZE' })
  actor!: string;
  @ApiProperty({ example: 'FRA' })
  target!: string;
  @ApiProperty({ example: '2023-12-26' })
  occurredOn!: string;
  @ApiProperty({ example: EXPULSION_SUMMARY })
  summary!: string;
  @ApiProperty({ description: 'Goldstein weight of the CAMEO code', example: -4 })
  goldstein!: number;
  @ApiProperty({ description: 'Tit-for-tat and magnitude multiplier', example: 1.301 })
  multiplier!: number;
  @ApiProperty({ description: 'Share of the weight left after decay', example: 0.944 })
  remaining!: number;
  @ApiProperty({ description: 'Points of net conflict pressure this incident adds; negative for cooperation', example: 4.91 })
  contribution!: number;
  @ApiProperty({ description: "Points of the score it accounts for: the score's share its part of the pressure is (none while cooperation outweighs conflict)", example: 14.2 })
  points!: number;
  @ApiProperty({ example: 'DiplomatsExpelled AZE→FRA (2023-12-26): Goldstein -4 × 1.3, 94% of its weight left after 2 days' })
  explanation!: string;
}

export class ConditionDocument {
  @ApiProperty({
    enum: ['relations_severed', 'relations_downgraded', 'hostilities', 'ambassador_recalled', 'ambassador_expelled', 'ambassador_post_vacant', 'sanctions', 'expulsion_unanswered'],
    example: 'expulsion_unanswered',
  })
  kind!: string;
  @ApiProperty({ description: 'The side it concerns: who severed, downgraded or attacked; whose ambassador; who sanctions; who expelled', example: 'AZE' })
  country!: string;
  @ApiProperty({ description: 'The day it began', example: '2023-12-26' })
  since!: string;
  @ApiProperty({ format: 'uuid', description: 'The incident that began it', example: EXPULSION_ID })
  incidentId!: string;
  @ApiPropertyOptional({ type: [String], description: 'Sanction scopes in force (sanctions only)', example: ['economic'] })
  scopes?: string[];
  @ApiProperty({ description: 'Points of pressure it adds; constant while it stands (an unanswered expulsion fades over months)', example: 3 })
  tension!: number;
  @ApiProperty({ description: 'Points of the score it accounts for', example: 9.8 })
  points!: number;
  @ApiProperty({ example: "Azerbaijan's expulsion of 2 diplomats of France on 26 Dec 2023, not answered yet" })
  description!: string;
}

export class EscalationDocument {
  @ApiProperty({ minimum: 0, maximum: 100, example: 43.1 })
  score!: number;
  @ApiProperty({ enum: LEVELS, description: 'A function of the score alone: calm <10 ≤ friction <30 ≤ strained <55 ≤ crisis <80 ≤ rupture', example: 'strained' })
  level!: string;
  @ApiProperty({ description: 'Tension + momentum: what the score transforms, 100·(1 − e^(−pressure/25))', example: 14.1 })
  pressure!: number;
  @ApiProperty({ description: "The standing conditions' tension", example: 2.95 })
  tension!: number;
  @ApiProperty({ description: "The incidents' decaying momentum, max(0, conflict − 0.5·cooperation)", example: 11.15 })
  momentum!: number;
  @ApiProperty({ example: 11.2 })
  conflict!: number;
  @ApiProperty({ example: 0 })
  cooperation!: number;
  @ApiProperty({ type: TrendDocument })
  trend!: TrendDocument;
  @ApiProperty({ type: [ConditionDocument], description: 'Every standing condition, heaviest first' })
  conditions!: ConditionDocument[];
  @ApiProperty({ type: [ContributionDocument] })
  topContributors!: ContributionDocument[];
  @ApiProperty({ description: 'Points of the incidents not listed; conditions + listed incidents + this = the score', example: 2.3 })
  otherIncidentsPoints!: number;
}

export class MonthJudgementDocument {
  @ApiProperty({ example: '2023-12' })
  month!: string;
  @ApiProperty({ enum: ['deteriorated', 'improved', 'unchanged'], example: 'deteriorated' })
  judgement!: string;
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

export class MonthsDocument {
  @ApiProperty({ type: [String], example: ['AZE', 'FRA'] })
  pair!: string[];
  @ApiProperty({ example: '2023-09' })
  from!: string;
  @ApiProperty({ example: '2024-01' })
  to!: string;
  @ApiProperty({ type: [MonthJudgementDocument] })
  months!: MonthJudgementDocument[];
}

export class SideDocument {
  @ApiProperty({ example: 'AZE' })
  country!: string;
  @ApiProperty({ enum: ['in_post', 'recalled', 'expelled', 'vacant'], description: "This country's ambassador to the other (vacant: relations restored, no ambassador appointed yet)", example: 'in_post' })
  ambassador!: string;
  @ApiProperty({ description: "The other country's diplomats this country expelled", example: 2 })
  diplomatsExpelled!: number;
  @ApiProperty({ example: 1 })
  expulsions!: number;
  @ApiProperty({ description: 'Expulsions by this country the other has not answered yet', example: 0 })
  unansweredExpulsions!: number;
  @ApiProperty({ type: [String], example: [] })
  sanctionsInForce!: string[];
}

export class IncidentRefDocument {
  @ApiProperty({ format: 'uuid', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: string;
  @ApiProperty({ example: '2023-12-26' })
  occurredOn!: string;
  @ApiProperty({ description: 'The day it counts from: the middle of the part of its reported period where it can have happened, after what it answers', example: '2023-12-26' })
  countsFrom!: string;
}

export class RelationDocument {
  @ApiProperty({ type: [String], example: ['AZE', 'FRA'] })
  pair!: string[];
  @ApiProperty({ format: 'date-time', description: 'The instant the score is computed at', example: '2023-12-28T23:59:59.999Z' })
  at!: string;
  @ApiProperty({ type: EscalationDocument })
  escalation!: EscalationDocument;
  @ApiProperty({ enum: ['normal', 'downgraded', 'severed'], example: 'normal' })
  relations!: string;
  @ApiProperty({ type: [SideDocument] })
  sides!: SideDocument[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { Accusation: 3, DiplomatsExpelled: 1, ReciprocalExpulsion: 1 } })
  countsByType!: Record<string, number>;
  @ApiProperty({ type: IncidentRefDocument, nullable: true })
  firstIncident!: IncidentRefDocument | null;
  @ApiProperty({ type: IncidentRefDocument, nullable: true })
  lastIncident!: IncidentRefDocument | null;
  @ApiProperty({ example: 11 })
  incidentCount!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { AZE: 'Azerbaijan', FRA: 'France' } })
  names!: Record<string, string>;
  @ApiProperty({ type: MonthJudgementDocument, nullable: true, description: 'This month so far against the end of last month (the month of asOf when given)' })
  thisMonth!: MonthJudgementDocument | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: "Day the pair's first incident counts from: the earliest asOf that shows it", example: '2023-07-02' })
  firstIncidentOn?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2023-12-28' })
  asOf?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null })
  knownAt?: string | null;
}

export class RelationListDocument {
  @ApiProperty({ format: 'date-time', example: '2023-12-28T23:59:59.999Z' })
  at!: string;
  @ApiProperty({ type: String, nullable: true, example: '2023-12-28' })
  asOf!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null })
  knownAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Day the first incident (of the pairs asked about) counts from: the earliest asOf with anything to show', example: '2023-07-02' })
  firstIncidentOn!: string | null;
  @ApiProperty({ example: 3 })
  total!: number;
  @ApiProperty({ type: [RelationDocument], description: 'Highest level first, then highest score, then the latest incident' })
  items!: RelationDocument[];
}

export class TimelineIncidentDocument {
  @ApiProperty({ format: 'uuid', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: string;
  @ApiProperty({ example: 'AZE' })
  actor!: string;
  @ApiProperty({ example: 'FRA' })
  target!: string;
  @ApiProperty({ example: '2023-12-26' })
  occurredOn!: string;
  @ApiProperty({ example: EXPULSION_SUMMARY })
  summary!: string;
}

export class TimelinePointDocument {
  @ApiProperty({ format: 'date-time', example: '2023-12-27T00:00:00.000Z' })
  at!: string;
  @ApiProperty({ example: 48.9 })
  score!: number;
  @ApiProperty({ enum: LEVELS, example: 'strained' })
  level!: string;
  @ApiProperty({ type: [TimelineIncidentDocument], description: 'Incidents whose reference instant falls after the previous point and not after this one' })
  incidents!: TimelineIncidentDocument[];
}

export class TimelineDocument {
  @ApiProperty({ type: [String], example: ['AZE', 'FRA'] })
  pair!: string[];
  @ApiProperty({ enum: ['day', 'week', 'month'], example: 'day' })
  interval!: string;
  @ApiProperty({ format: 'date-time', example: '2023-01-01T00:00:00.000Z' })
  from!: string;
  @ApiProperty({ format: 'date-time', example: '2024-03-31T23:59:59.999Z' })
  to!: string;
  @ApiProperty({ type: [TimelinePointDocument] })
  points!: TimelinePointDocument[];
}

export class StoredEventDocument {
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
  data!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  metadata!: Record<string, unknown>;
}

export class EventPageDocument {
  @ApiProperty({ type: [StoredEventDocument] })
  events!: StoredEventDocument[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as after for the next page; null at the end of the log', example: null })
  next!: string | null;
}

export class ReadModelHealthDocument {
  @ApiProperty({ type: String, nullable: true, example: '14' })
  position!: string | null;
  @ApiProperty({ example: 14 })
  incidents!: number;
  @ApiProperty({ example: 3 })
  pairs!: number;
}

export class HealthDocument {
  @ApiProperty({ example: 'ok' })
  status!: string;
  @ApiProperty({ type: ReadModelHealthDocument })
  readModel!: ReadModelHealthDocument;
}

export class SubscriptionStateDocument {
  @ApiProperty({ enum: ['following', 'down'], example: 'following' })
  state!: 'following' | 'down';
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Following since (or down since, in a 503)' })
  since!: string | null;
}

export class LagDocument {
  @ApiProperty({ description: 'Events in the log not yet applied (counted up to the bound + 1)', example: 0 })
  events!: number;
  @ApiProperty({ description: 'How long the oldest of them has waited, in seconds', example: 0 })
  seconds!: number;
}

export class ReadinessBoundsDocument {
  @ApiProperty({ description: 'READINESS_MAX_LAG_EVENTS', example: 1000 })
  events!: number;
  @ApiProperty({ description: 'READINESS_MAX_LAG_SECONDS', example: 30 })
  seconds!: number;
}

export class ReadinessDocument {
  @ApiProperty({ example: 'ready' })
  status!: string;
  @ApiProperty({ type: SubscriptionStateDocument })
  subscription!: SubscriptionStateDocument;
  @ApiProperty({ type: String, nullable: true, description: 'Position of the last event the read model applied', example: '14' })
  checkpoint!: string | null;
  @ApiProperty({ type: LagDocument })
  behind!: LagDocument;
  @ApiProperty({ type: ReadinessBoundsDocument })
  bounds!: ReadinessBoundsDocument;
}

export class SnapshotDocument {
  @ApiProperty({ example: '14' })
  checkpoint!: string;
  @ApiProperty({ format: 'date-time' })
  savedAt!: string;
}

export class ProjectionStatusDocument {
  @ApiProperty({ example: 'relation-state' })
  name!: string;
  @ApiProperty({ example: 2 })
  version!: number;
  @ApiProperty({ type: String, nullable: true, example: '14' })
  checkpoint!: string | null;
  @ApiProperty({ description: 'Digest of the read model: a live model and a rebuild from the same log hash the same' })
  hash!: string;
  @ApiProperty({ example: 14 })
  events!: number;
  @ApiProperty({ example: 14 })
  incidents!: number;
  @ApiProperty({ example: 3 })
  pairs!: number;
  @ApiProperty({ type: SnapshotDocument, nullable: true })
  lastSnapshot!: SnapshotDocument | null;
}

export class ProjectionsDocument {
  @ApiProperty({ type: [ProjectionStatusDocument] })
  projections!: ProjectionStatusDocument[];
}

export class RebuildDocument {
  @ApiProperty({ example: 14 })
  events!: number;
  @ApiProperty({ example: 3 })
  durationMs!: number;
  @ApiProperty({ example: 4667 })
  eventsPerSecond!: number;
  @ApiProperty()
  hash!: string;
  @ApiProperty({ type: String, nullable: true, example: '14' })
  checkpoint!: string | null;
}

export class IncidentTypeDocument {
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: string;
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
  details!: Record<string, unknown> | null;
}

export class LevelDocument {
  @ApiProperty({ enum: LEVELS, example: 'strained' })
  level!: string;
  @ApiProperty({ example: 30 })
  from!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Upper bound (exclusive); null for the top level', example: 55 })
  below!: number | null;
}

export class CountryDocument {
  @ApiProperty({ example: 'AZE' })
  code!: string;
  @ApiProperty({ example: 'Azerbaijan' })
  name!: string;
}

export class CatalogDocument {
  @ApiProperty({ type: [IncidentTypeDocument] })
  incidentTypes!: IncidentTypeDocument[];
  @ApiProperty({ type: [LevelDocument] })
  levels!: LevelDocument[];
  @ApiProperty({ type: [CountryDocument] })
  countries!: CountryDocument[];
}
