import { ApiProperty } from '@nestjs/swagger';
import { ClosedShape } from './closed-shape.js';
import { RelationResponse, RelationsAtResponse } from './relation.responses.js';

/** A pair on the overview: its relation, and its score day by day for the sparkline. */
@ClosedShape()
export class OverviewItemResponse extends RelationResponse {
  @ApiProperty({ type: [Number], description: 'Score at the start of each day from sparkline.from to sparkline.to, one per day', example: [0, 12.5, 48.3] })
  sparkline!: number[];
}

@ClosedShape()
export class SparklineSpanResponse {
  @ApiProperty({ format: 'date', description: 'Day of the first point', example: '2023-07-01' })
  from!: string;
  @ApiProperty({ format: 'date', description: 'Day of the last point', example: '2023-12-28' })
  to!: string;
  @ApiProperty({ enum: ['day'], example: 'day' })
  interval!: 'day';
}

@ClosedShape()
export class OverviewResponse extends RelationsAtResponse {
  @ApiProperty({ example: 50 })
  limit!: number;
  @ApiProperty({ example: 0 })
  offset!: number;
  @ApiProperty({ type: [String], description: 'Every country in a pair with incidents (whatever the filters): what a country filter can offer', example: ['ARM', 'AZE', 'FRA'] })
  countries!: string[];
  @ApiProperty({ type: SparklineSpanResponse })
  sparkline!: SparklineSpanResponse;
  @ApiProperty({ type: [OverviewItemResponse], description: 'Highest level first, then highest score, then the latest incident (as GET /relations)' })
  items!: OverviewItemResponse[];
}
