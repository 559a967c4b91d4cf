import { EVIDENCE_WEIGHT, PROVENANCES, type Provenance } from '../../domain/evidence-weight.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INCIDENT_TYPES, type IncidentType } from '../../domain/incident-types.js';
import type { IncidentChanges, IncidentData, IncidentDetails, Source } from '../../domain/incident.js';
import type { DatePrecision } from '../../domain/occurrence.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { ClosedShape } from './closed-shape.js';
import { IncidentHeadlineResponse } from './incident-headline.response.js';
import { EXPULSION_ID } from './seed-story.js';

/** Where an event sits in the log, as the incident routes show it. */
type LogAddress = Pick<StoredEvent, 'eventId' | 'streamId' | 'revision' | 'position'>;

const PRECISIONS: DatePrecision[] = ['year', 'month', 'day', 'instant'];

/** The 201 body of a report, correction or retraction: what was recorded (a retry under the same Idempotency-Key gets the same). */
@ClosedShape()
export class RecordedResponse implements LogAddress {
  @ApiProperty({ format: 'uuid', example: EXPULSION_ID })
  incidentId!: string;
  @ApiProperty({ format: 'uuid', example: '01a20501-cd4a-768f-b4e7-f80f53499457' })
  eventId!: string;
  @ApiProperty({ description: 'Event type recorded: the incident type, IncidentCorrected, IncidentRetracted or IncidentConfirmed', example: 'DiplomatsExpelled' })
  recordedType!: string;
  @ApiPropertyOptional({ enum: INCIDENT_TYPES, description: 'For reports: the type sent, which the decider may have recorded as another (an expulsion answering one becomes ReciprocalExpulsion)', example: 'DiplomatsExpelled' })
  postedType?: IncidentType;
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

@ClosedShape()
export class SourceResponse implements Source {
  @ApiPropertyOptional({ example: 'https://www.example.org/2023/12/26/azerbaijan-expels-french-diplomats' })
  url?: string;
  @ApiPropertyOptional({ example: 'Unattributed news report, Baku dateline (Demarche seed article 000_7265cf855958d769)' })
  publisher?: string;
  @ApiPropertyOptional({ example: 'France Expels Azerbaijani Diplomats Amid Accusations of Pro-Armenian Bias' })
  title?: string;
  @ApiPropertyOptional({ format: 'date', example: '2023-12-27' })
  publishedOn?: string;
}

/** A correction or retraction of an incident: a later fact about it, never a rewrite. */
@ClosedShape()
export class AmendmentResponse {
  @ApiProperty({ enum: ['IncidentCorrected', 'IncidentRetracted'] })
  type!: 'IncidentCorrected' | 'IncidentRetracted';
  @ApiProperty({ format: 'uuid' })
  incidentId!: string;
  @ApiProperty({ example: 'The ministry statement gives the date' })
  reason!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'For corrections: the fields amended' })
  changes?: IncidentChanges;
  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;
}

/** Where an incident came from and how well it is sourced. */
@ClosedShape()
export class IncidentEvidenceResponse {
  @ApiProperty({ enum: ['analyst', 'import'], description: 'Reported by an analyst (POST /incidents, seeds) or imported from coded event data', example: 'analyst' })
  reportedBy!: 'analyst' | 'import';
  @ApiProperty({ type: [String], description: 'The dataset rows it was imported from or corroborated by ("dataset/row key"), in log order', example: ['gdelt2/410412348'] })
  importedRows!: string[];
  @ApiProperty({ description: 'Distinct publishers (registrable domains of source URLs, else publisher names) of its sources and corroborations', example: 2 })
  independentSources!: number;
  @ApiProperty({ enum: PROVENANCES, description: 'analyst: reported by an analyst; imported: machine-coded and not confirmed; confirmed: imported and confirmed by an analyst (POST /incidents/{id}/confirmation)', example: 'analyst' })
  provenance!: Provenance;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When an analyst confirmed the imported incident', example: null })
  confirmedAt!: string | null;
  @ApiProperty({
    minimum: 0,
    maximum: 1,
    description: `The share of its weight the escalation score gives it: 1 for an analyst's report or a confirmed import, ${EVIDENCE_WEIGHT.perIndependentSource} per independent source (at most 1) for an unconfirmed import`,
    example: 1,
  })
  weight!: number;
}

/** One incident as currently believed: the report with its corrections applied, and where it sits in the log. */
@ClosedShape()
export class IncidentResponse extends IncidentHeadlineResponse implements IncidentData, LogAddress {
  @ApiProperty({ enum: PRECISIONS, example: 'day' })
  precision!: DatePrecision;
  @ApiProperty({ type: [SourceResponse] })
  sources!: SourceResponse[];
  @ApiProperty({ type: 'object', additionalProperties: true, example: { diplomats: 2, deadlineHours: 48 } })
  details!: IncidentDetails;
  @ApiPropertyOptional({ format: 'uuid' })
  inResponseTo?: string;
  @ApiPropertyOptional({ enum: INCIDENT_TYPES })
  postedType?: IncidentType;
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
  @ApiProperty({ type: [AmendmentResponse] })
  amendments!: AmendmentResponse[];
  @ApiProperty({ type: IncidentEvidenceResponse })
  evidence!: IncidentEvidenceResponse;
}

@ClosedShape()
export class IncidentPageResponse {
  @ApiProperty({ type: [IncidentResponse] })
  items!: IncidentResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page', example: '12' })
  next!: string | null;
}
