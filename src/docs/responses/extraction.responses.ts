import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INCIDENT_TYPES, type IncidentType } from '../../domain/incident-types.js';
import type { ExtractionResult, ProposalEvidence, ProposedIncident, TextSpan } from '../../extraction/proposal.js';
import { ClosedShape } from './closed-shape.js';

/** Responses of POST /extractions: the extractor's contract (src/extraction/proposal.ts) as OpenAPI shows it. */

@ClosedShape()
export class TextSpanResponse implements TextSpan {
  @ApiProperty({ description: 'UTF-16 offset of the first character in `text` of the response', example: 7 })
  start!: number;
  @ApiProperty({ description: 'UTF-16 offset just after the last character', example: 30 })
  end!: number;
  @ApiProperty({ description: 'The characters between start and end', example: 'announced the expulsion' })
  text!: string;
}

@ClosedShape()
export class ProposalEvidenceResponse implements ProposalEvidence {
  @ApiProperty({ type: TextSpanResponse, description: 'The sentence the proposal was read from' })
  sentence!: TextSpanResponse;
  @ApiProperty({ type: TextSpanResponse, description: 'The words that name the act' })
  trigger!: TextSpanResponse;
  @ApiProperty({ type: TextSpanResponse, description: 'The mention of the acting state' })
  actor!: TextSpanResponse;
  @ApiProperty({ type: TextSpanResponse, description: 'The mention of the state acted upon' })
  target!: TextSpanResponse;
}

@ClosedShape()
export class ProposedIncidentResponse implements ProposedIncident {
  @ApiProperty({ description: 'Stable for the same article text and act: acceptance keys on it', example: 'p-3f2a9c' })
  proposalId!: string;
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' })
  type!: IncidentType;
  @ApiProperty({ description: 'ISO 3166-1 alpha-3', example: 'AZE' })
  actor!: string;
  @ApiProperty({ description: 'ISO 3166-1 alpha-3', example: 'FRA' })
  target!: string;
  @ApiProperty({ description: 'YYYY-MM-DD, YYYY-MM or YYYY: as precise as the text supports', example: '2023-12-26' })
  occurredOn!: string;
  @ApiProperty({ example: 'Azerbaijan expels two French diplomats' })
  summary!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "Only what the text states, in the type's detail fields", example: { diplomats: 2, deadlineHours: 48 } })
  details!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'The proposal this one answers, when the article says so' })
  inResponseTo?: string;
  @ApiProperty({ type: ProposalEvidenceResponse })
  evidence!: ProposalEvidenceResponse;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.9 })
  confidence!: number;
  @ApiProperty({ description: 'Which rule fired, on which words', example: 'expulsion verb "announced the expulsion" with "two French diplomats" as object' })
  why!: string;
}

@ClosedShape()
export class ExtractionResponse implements ExtractionResult {
  @ApiProperty({ description: 'The article text as read (NFC-normalised, trimmed): the evidence offsets point into it' })
  text!: string;
  @ApiProperty({
    description: 'SHA-256 (first 16 hex digits) of the publication date and the text as read: with a proposal id, a key for POST /incidents/batch that is the same whoever accepts the proposal',
    example: '9c1d0e6f2b7a4c35',
  })
  articleFingerprint!: string;
  @ApiProperty({ description: 'How many sentences were read', example: 14 })
  sentences!: number;
  @ApiProperty({ type: [ProposedIncidentResponse], description: 'In the order of the text; nothing is recorded' })
  proposals!: ProposedIncidentResponse[];
}
