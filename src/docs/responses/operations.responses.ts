import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Readiness } from '../../health/readiness.js';
import type { SearchIndexStatus } from '../../search/incident-search.service.js';
import { ClosedShape } from './closed-shape.js';

/** The 200 bodies of /health, /health/ready and /admin/projections. */

@ClosedShape()
export class ReadModelHealthResponse {
  @ApiProperty({ type: String, nullable: true, example: '14' })
  position!: string | null;
  @ApiProperty({ example: 14 })
  incidents!: number;
  @ApiProperty({ example: 3 })
  pairs!: number;
}

@ClosedShape()
export class SearchIndexHealthResponse implements Readonly<SearchIndexStatus> {
  @ApiProperty({
    enum: ['following', 'catching-up', 'off'],
    example: 'following',
    description: 'catching-up after a start or a restart (searches answer 503 with Retry-After until it has read what the read model shows); off in a process that keeps no index',
  })
  state!: 'following' | 'catching-up' | 'off';
  @ApiProperty({ type: String, nullable: true, example: '14', description: 'The last event of the log the index holds' })
  position!: string | null;
  @ApiProperty({ example: 0, description: 'Times the index has read the log again since the process started (its thread ended, or it refused a batch)' })
  restarts!: number;
}

@ClosedShape()
export class HealthResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';
  @ApiProperty({ type: ReadModelHealthResponse })
  readModel!: ReadModelHealthResponse;
  @ApiProperty({ type: SearchIndexHealthResponse })
  searchIndex!: SearchIndexHealthResponse;
}

@ClosedShape()
export class SubscriptionStateResponse implements Readonly<Readiness['subscription']> {
  @ApiProperty({ enum: ['following', 'down'], example: 'following' })
  state!: 'following' | 'down';
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Following since (or down since, in a 503)' })
  since!: string | null;
  @ApiPropertyOptional({ description: 'Why it went down (in a 503)', example: 'database is locked' })
  reason?: string;
  @ApiPropertyOptional({ description: 'Resubscription attempts so far (in a 503)', example: 3 })
  attempts?: number;
}

@ClosedShape()
export class LagResponse {
  @ApiProperty({ description: 'Events in the log not yet applied (counted up to the bound + 1)', example: 0 })
  events!: number;
  @ApiProperty({ description: 'How long the oldest of them has waited, in seconds', example: 0 })
  seconds!: number;
}

@ClosedShape()
export class ReadinessBoundsResponse {
  @ApiProperty({ description: 'READINESS_MAX_LAG_EVENTS', example: 1000 })
  events!: number;
  @ApiProperty({ description: 'READINESS_MAX_LAG_SECONDS', example: 30 })
  seconds!: number;
}

@ClosedShape()
export class ReadinessResponse implements Omit<Readiness, 'ready' | 'reason' | 'detail'> {
  @ApiProperty({ enum: ['ready'], example: 'ready' })
  status!: 'ready';
  @ApiProperty({ type: SubscriptionStateResponse })
  subscription!: SubscriptionStateResponse;
  @ApiProperty({ type: String, nullable: true, description: 'Position of the last event the read model applied', example: '14' })
  checkpoint!: string | null;
  @ApiProperty({ type: LagResponse, nullable: true, description: 'null when the log could not be read to count' })
  behind!: LagResponse | null;
  @ApiProperty({ type: ReadinessBoundsResponse })
  bounds!: ReadinessBoundsResponse;
}

@ClosedShape()
export class SnapshotResponse {
  @ApiProperty({ example: '14' })
  checkpoint!: string;
  @ApiProperty({ format: 'date-time' })
  savedAt!: string;
}

@ClosedShape()
export class ProjectionStatusResponse {
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
  @ApiProperty({ type: SnapshotResponse, nullable: true })
  lastSnapshot!: SnapshotResponse | null;
}

@ClosedShape()
export class ProjectionsResponse {
  @ApiProperty({ type: [ProjectionStatusResponse] })
  projections!: ProjectionStatusResponse[];
}

@ClosedShape()
export class RebuildResponse {
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
