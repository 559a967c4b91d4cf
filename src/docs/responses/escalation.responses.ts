import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ESCALATION_LEVELS, type ConditionContribution, type Contribution, type Escalation, type EscalationLevel, type Trend } from '../../domain/escalation.js';
import type { ConditionKind } from '../../domain/standing-conditions.js';
import { ClosedShape } from './closed-shape.js';
import { IncidentHeadlineResponse } from './incident-headline.response.js';
import { EXPULSION_ID } from './seed-story.js';

export const LEVELS = ESCALATION_LEVELS.map((band) => band.level);
export const TRENDS: Trend[] = ['deteriorated', 'improved', 'unchanged'];
export const CONDITION_KINDS: ConditionKind[] = [
  'relations_severed',
  'relations_downgraded',
  'hostilities',
  'ambassador_recalled',
  'ambassador_expelled',
  'ambassador_post_vacant',
  'sanctions',
  'expulsion_unanswered',
];

@ClosedShape()
export class TrendResponse implements Readonly<Escalation['trend']> {
  @ApiProperty({ enum: TRENDS, example: 'deteriorated' })
  direction!: Trend;
  @ApiProperty({ description: 'Score now minus the score windowDays earlier', example: 35.4 })
  change!: number;
  @ApiProperty({ example: 30 })
  windowDays!: number;
  @ApiProperty({ example: 15.3 })
  scoreThen!: number;
}

@ClosedShape()
export class ContributionResponse extends IncidentHeadlineResponse implements Contribution {
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

@ClosedShape()
export class ConditionResponse implements ConditionContribution {
  @ApiProperty({ enum: CONDITION_KINDS, example: 'expulsion_unanswered' })
  kind!: ConditionKind;
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

@ClosedShape()
export class EscalationResponse implements Escalation {
  @ApiProperty({ minimum: 0, maximum: 100, example: 43.1 })
  score!: number;
  @ApiProperty({ enum: LEVELS, description: 'A function of the score alone: calm <10 ≤ friction <30 ≤ strained <55 ≤ crisis <80 ≤ rupture', example: 'strained' })
  level!: EscalationLevel;
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
  @ApiProperty({ type: TrendResponse })
  trend!: TrendResponse;
  @ApiProperty({ type: [ConditionResponse], description: 'Every standing condition, heaviest first' })
  conditions!: ConditionResponse[];
  @ApiProperty({ type: [ContributionResponse] })
  topContributors!: ContributionResponse[];
  @ApiProperty({ description: 'Points of the incidents not listed; conditions + listed incidents + this = the score', example: 2.3 })
  otherIncidentsPoints!: number;
}
