import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresRole } from '../auth/requires-role.decorator.js';
import { ApiProblems } from '../docs/problem.schema.js';
import { ProjectionsResponse, RebuildResponse } from '../docs/responses/operations.responses.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { ProjectionRunner } from '../projections/projection-runner.js';

/** Operating the read side: what it reflects, and rebuilding it from the log. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin/projections')
@RequiresRole('admin')
export class AdminController {
  constructor(private readonly projections: ProjectionRunner) {}

  @Get()
  @ApiOperation({ summary: 'Projection status: checkpoint, hash, counts, last snapshot (role admin)' })
  @ApiOkResponse({ type: ProjectionsResponse })
  @ApiProblems(400, 401, 403)
  status(@Query() _query: NoQueryParameters): ProjectionsResponse {
    return { projections: [this.projections.status()] };
  }

  @Post('rebuild')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rebuild the read model from the whole log and swap it in (role admin)' })
  @ApiOkResponse({ type: RebuildResponse })
  @ApiProblems(400, 401, 403)
  async rebuild(@Query() _query: NoQueryParameters): Promise<RebuildResponse> {
    const { events, ms, hash } = await this.projections.rebuild();
    return { events, durationMs: Math.round(ms), eventsPerSecond: Math.round(events / Math.max(ms / 1000, 1e-6)), hash, checkpoint: this.projections.position };
  }
}
