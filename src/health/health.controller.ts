import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Public } from '../auth/requires-role.decorator.js';
import { ApiProblems, ProblemDocument } from '../docs/problem.schema.js';
import { HealthResponse, ReadinessResponse } from '../docs/responses/operations.responses.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { PROBLEM_CONTENT_TYPE, ProblemException } from '../http/problem.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { IncidentSearch } from '../search/incident-search.service.js';
import { ReadinessCheck } from './readiness.js';

const NOT_READY_EXAMPLE = {
  type: 'https://demarche.dev/problems/not-ready',
  title: 'Not ready: the read model does not follow the log',
  status: 503,
  detail: 'The log subscription is down since 2026-12-02T16:40:00.000Z (database is locked); resubscribing from checkpoint 42, 3 attempt(s) so far',
  reason: 'subscription-down',
  subscription: { state: 'down', since: '2026-12-02T16:40:00.000Z', reason: 'database is locked', attempts: 3 },
  checkpoint: '42',
  behind: null,
  bounds: { events: 1000, seconds: 30 },
};

/** Public even when reads need a key: probes carry no credentials. */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly projections: ProjectionRunner,
    private readonly readiness: ReadinessCheck,
    private readonly search: IncidentSearch,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness, and how far the read model and the search index have got (for liveness probes: the process answers)' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiProblems(400)
  health(@Query() _query: NoQueryParameters): HealthResponse {
    return {
      status: 'ok',
      readModel: {
        position: this.projections.position,
        incidents: this.projections.readModel.incidentCount,
        pairs: this.projections.readModel.pairCount,
      },
      searchIndex: this.search.status(),
    };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: whether this instance follows the log (for load balancers)',
    description: '503 while the log subscription is down or the read model trails the log by more than READINESS_MAX_LAG_EVENTS events or READINESS_MAX_LAG_SECONDS seconds.',
  })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiProblems(400)
  @ApiResponse({
    status: 503,
    description: 'Not ready: `reason` is subscription-down, lagging or log-unreadable; `detail` says since when and why',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocument) }, example: NOT_READY_EXAMPLE } },
  })
  async ready(@Query() _query: NoQueryParameters): Promise<ReadinessResponse> {
    const { ready, reason, detail, ...figures } = await this.readiness.check();
    if (!ready) {
      throw new ProblemException(
        { type: NOT_READY_EXAMPLE.type, title: NOT_READY_EXAMPLE.title, status: 503, detail: detail ?? 'Not ready', reason, ...figures },
        { 'retry-after': '5' },
      );
    }
    return { status: 'ready', ...figures };
  }
}
