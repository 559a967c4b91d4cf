import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EscalationLevel } from '../../domain/escalation.js';
import { WATCH_RULE_TYPES, type WatchRuleType } from '../../watches/watch-rules.js';
import { ClosedShape } from './closed-shape.js';
import { LEVELS } from './escalation.responses.js';

/** Responses of /watches and /alerts. */

@ClosedShape()
export class WatchRuleResponse {
  @ApiProperty({ enum: WATCH_RULE_TYPES, example: 'level_reached' })
  type!: WatchRuleType;
  @ApiPropertyOptional({ enum: LEVELS, description: 'For level_reached', example: 'crisis' })
  level?: EscalationLevel;
}

@ClosedShape()
export class WatchResponse {
  @ApiProperty({ format: 'uuid', example: '01939a8e-7c1a-7d2e-9a40-3f1b2c3d4e5f' })
  watchId!: string;
  @ApiProperty({ example: 'Caucasus desk: AZE–FRA reaches crisis' })
  name!: string;
  @ApiProperty({ type: [String], example: ['AZE-FRA'] })
  pairs!: string[];
  @ApiProperty({ type: [String], example: [] })
  countries!: string[];
  @ApiProperty({ type: WatchRuleResponse })
  rule!: WatchRuleResponse;
  @ApiProperty({ description: 'The rule in words', example: 'level reaches crisis or worse' })
  ruleText!: string;
  @ApiProperty({ type: String, nullable: true, example: 'https://hooks.example.org/demarche' })
  webhookUrl!: string | null;
  @ApiProperty({ format: 'date-time', example: '2024-06-01T12:00:00.000Z' })
  createdAt!: string;
  @ApiProperty({ description: 'The API key that created it', example: 'alice' })
  createdBy!: string;
  @ApiProperty({ type: [String], description: 'Pairs that meet the rule now (alerted, not yet cleared)', example: ['AZE-FRA'] })
  alerting!: string[];
  @ApiProperty({ description: 'Webhook deliveries still to be made or retried', example: 0 })
  pendingDeliveries!: number;
}

@ClosedShape()
export class CreatedWatchResponse extends WatchResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'HMAC-SHA256 key of the X-Demarche-Signature header: shown this once, never again (null without a webhook)',
    example: 'whsec_3q2-7wHc8XxQ0n1uX5m2G1uS0Qy9jv4VbJmYt2sR0aE',
  })
  webhookSecret!: string | null;
}

@ClosedShape()
export class DeletedWatchResponse {
  @ApiProperty({ format: 'uuid', example: '01939a8e-7c1a-7d2e-9a40-3f1b2c3d4e5f' })
  watchId!: string;
  @ApiProperty({ example: 'Caucasus desk: AZE–FRA reaches crisis' })
  name!: string;
  @ApiProperty({ format: 'date-time', example: '2024-06-02T09:00:00.000Z' })
  deletedAt!: string;
  @ApiProperty({ description: 'The API key that deleted it', example: 'alice' })
  deletedBy!: string;
}

@ClosedShape()
export class WatchListResponse {
  @ApiProperty({ type: [WatchResponse] })
  items!: WatchResponse[];
}

@ClosedShape()
export class AlertResponse {
  @ApiProperty({ format: 'uuid', description: 'Idempotency id: a webhook delivered twice carries the same one (also in X-Demarche-Alert-Id)', example: '5d1c8a7e-1f0b-8c2d-9e3f-4a5b6c7d8e9f' })
  alertId!: string;
  @ApiProperty({ format: 'uuid', example: '01939a8e-7c1a-7d2e-9a40-3f1b2c3d4e5f' })
  watchId!: string;
  @ApiProperty({ example: 'Caucasus desk: AZE–FRA reaches crisis' })
  watchName!: string;
  @ApiProperty({ example: 'AZE-FRA' })
  pair!: string;
  @ApiProperty({ type: WatchRuleResponse })
  rule!: WatchRuleResponse;
  @ApiProperty({ description: 'What the rule saw: the same signature again is the same alert', example: 'level crisis or worse' })
  signature!: string;
  @ApiProperty({ format: 'date-time', example: '2023-12-27T12:00:00.000Z' })
  raisedAt!: string;
  @ApiProperty({ example: 61.2 })
  score!: number;
  @ApiProperty({ enum: LEVELS, example: 'crisis' })
  level!: string;
  @ApiProperty({ example: 'Azerbaijan–France is at crisis (score 61.2), at or beyond crisis' })
  message!: string;
}

@ClosedShape()
export class AlertListResponse {
  @ApiProperty({ type: [AlertResponse], description: 'Newest first' })
  items!: AlertResponse[];
}

@ClosedShape()
export class DeliveryAttemptResponse {
  @ApiProperty({ format: 'uuid', example: '5d1c8a7e-1f0b-8c2d-9e3f-4a5b6c7d8e9f' })
  alertId!: string;
  @ApiProperty({ example: 1 })
  attempt!: number;
  @ApiProperty({ format: 'date-time', example: '2023-12-27T12:00:00.120Z' })
  at!: string;
  @ApiProperty({ enum: ['delivered', 'failed', 'gave_up'], example: 'delivered' })
  outcome!: string;
  @ApiProperty({ type: Number, nullable: true, description: "The receiver's HTTP status, when it answered", example: 204 })
  status!: number | null;
  @ApiProperty({ type: String, nullable: true, example: null })
  error!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the next attempt is due, after a failure', example: null })
  nextAttemptAt!: string | null;
}

@ClosedShape()
export class DeliveryLogResponse {
  @ApiProperty({ format: 'uuid', example: '01939a8e-7c1a-7d2e-9a40-3f1b2c3d4e5f' })
  watchId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'https://hooks.example.org/demarche' })
  webhookUrl!: string | null;
  @ApiProperty({ type: [DeliveryAttemptResponse], description: 'Newest first (the last 500 attempts)' })
  items!: DeliveryAttemptResponse[];
  @ApiProperty({ description: 'Alerts whose delivery is still to be made or retried', example: 0 })
  pending!: number;
}
