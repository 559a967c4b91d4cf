import { ApiProperty } from '@nestjs/swagger';
import type { EscalationLevel } from '../../domain/escalation.js';
import { INCIDENT_TYPES, type IncidentType } from '../../domain/incident-types.js';
import type { ConditionKind } from '../../domain/standing-conditions.js';
import { ClosedShape } from './closed-shape.js';
import { CONDITION_KINDS, LEVELS } from './escalation.responses.js';

/** GET /methodology: how the score is made, generated from the scoring constants and the catalogue. */

@ClosedShape()
export class MethodologyFormulaResponse {
  @ApiProperty({ example: 'decay(t) = 2^(−days since the incident / 30)' })
  decay!: string;
  @ApiProperty({ example: 'C = Σ |Goldstein| × multiplier × evidence × decay, over conflict incidents' })
  conflict!: string;
  @ApiProperty({ example: 'K = Σ Goldstein × multiplier × evidence × decay, over cooperation incidents' })
  cooperation!: string;
  @ApiProperty({ example: 'M = max(0, C − 0.5 × K)' })
  momentum!: string;
  @ApiProperty({ example: 'T = Σ tension of the conditions standing' })
  tension!: string;
  @ApiProperty({ example: 'score = 100 × (1 − e^(−(T + M) / 25))' })
  score!: string;
  @ApiProperty({ description: 'How the score is shared out as points among conditions and incidents' })
  points!: string;
}

@ClosedShape()
export class MethodologyConstantsResponse {
  @ApiProperty({ example: 30 }) halfLifeDays!: number;
  @ApiProperty({ example: 1.5 }) reciprocalMultiplier!: number;
  @ApiProperty({ example: 0.5 }) cooperationOffset!: number;
  @ApiProperty({ example: 25 }) saturation!: number;
  @ApiProperty({ example: 30 }) trendWindowDays!: number;
  @ApiProperty({ example: 5 }) trendThreshold!: number;
}

@ClosedShape()
export class DecayPointResponse {
  @ApiProperty({ example: 30 }) days!: number;
  @ApiProperty({ description: 'Share of an incident’s weight left', example: 0.5 }) remaining!: number;
}

@ClosedShape()
export class MethodologyLevelResponse {
  @ApiProperty({ enum: LEVELS, example: 'crisis' }) level!: EscalationLevel;
  @ApiProperty({ example: 55 }) from!: number;
  @ApiProperty({ type: Number, nullable: true, example: 80 }) below!: number | null;
  @ApiProperty({ description: 'Pressure (T + M) at which the score enters the level', example: 20 }) pressureFrom!: number;
}

@ClosedShape()
export class MethodologyConditionResponse {
  @ApiProperty({ enum: CONDITION_KINDS, example: 'relations_severed' }) kind!: ConditionKind;
  @ApiProperty({ example: 'Diplomatic relations severed' }) label!: string;
  @ApiProperty({ description: 'Points of pressure while it stands', example: 42 }) tension!: number;
  @ApiProperty({ description: 'The score it gives on its own', example: 81.4 }) scoreAlone!: number;
  @ApiProperty({ description: 'The incident types that begin it', example: 'DiplomaticRelationsSevered' }) begins!: string;
  @ApiProperty({ description: 'The incident types that end it', example: 'DiplomaticRelationsRestored' }) ends!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) note!: string | null;
}

@ClosedShape()
export class MethodologyIncidentTypeResponse {
  @ApiProperty({ enum: INCIDENT_TYPES, example: 'DiplomatsExpelled' }) type!: IncidentType;
  @ApiProperty({ example: 'Diplomats expelled' }) label!: string;
  @ApiProperty({ example: '161' }) cameo!: string;
  @ApiProperty({ example: 'Reduce or break diplomatic relations' }) cameoName!: string;
  @ApiProperty({ example: -4 }) goldstein!: number;
  @ApiProperty({ enum: ['conflict', 'cooperation'], example: 'conflict' }) nature!: 'conflict' | 'cooperation';
  @ApiProperty({ description: 'The score one fresh incident of the type gives a calm pair (0 for cooperation)', example: 14.8 }) scoreWhenFresh!: number;
  @ApiProperty({ example: "The actor declares the target's diplomats personae non gratae." }) description!: string;
  @ApiProperty({ type: String, nullable: true, description: 'What makes one incident of the type weigh more', example: 'weighs more with the number of diplomats: ×1 for one, ×2 for ten, ×3 for a hundred' }) multiplier!: string | null;
}

@ClosedShape()
export class EvidenceWeightStepResponse {
  @ApiProperty({ description: 'Independent sources (distinct publishers or registrable domains)', example: 1 }) sources!: number;
  @ApiProperty({ description: 'Share of its weight an unconfirmed imported incident counts with that many', example: 0.25 }) weight!: number;
}

@ClosedShape()
export class MethodologyEvidenceResponse {
  @ApiProperty({ description: 'How an incident counts by what vouches for it' }) explanation!: string;
  @ApiProperty({ description: 'Weight per independent source of an unconfirmed machine-coded incident', example: 0.25 }) perIndependentSource!: number;
  @ApiProperty({ description: "Weight of an analyst's report or confirmation, and the cap of an import's", example: 1 }) full!: number;
  @ApiProperty({ type: [EvidenceWeightStepResponse], description: 'An unconfirmed import by its independent sources, until it counts fully' }) importedBySources!: EvidenceWeightStepResponse[];
  @ApiProperty({ description: 'Why these constants' }) rationale!: string;
}

@ClosedShape()
export class MethodologyResponse {
  @ApiProperty({ type: [String], description: 'The method in four sentences' }) summary!: string[];
  @ApiProperty({ type: MethodologyFormulaResponse }) formula!: MethodologyFormulaResponse;
  @ApiProperty({ type: MethodologyConstantsResponse }) constants!: MethodologyConstantsResponse;
  @ApiProperty({ type: [DecayPointResponse] }) decay!: DecayPointResponse[];
  @ApiProperty({ type: [MethodologyLevelResponse] }) levels!: MethodologyLevelResponse[];
  @ApiProperty({ description: 'How the 30-day trend and the monthly judgement are read' }) trend!: string;
  @ApiProperty({ type: [MethodologyConditionResponse] }) conditions!: MethodologyConditionResponse[];
  @ApiProperty({ type: [MethodologyIncidentTypeResponse] }) incidentTypes!: MethodologyIncidentTypeResponse[];
  @ApiProperty({ type: MethodologyEvidenceResponse, description: 'How machine-coded incidents are weighed by their evidence' }) evidence!: MethodologyEvidenceResponse;
}
