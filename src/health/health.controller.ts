import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/requires-role.decorator.js';
import { HealthDocument } from '../docs/response.schemas.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { ProjectionRunner } from '../projections/projection-runner.js';

/** Public even when reads need a key: liveness probes carry no credentials. */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly projections: ProjectionRunner) {}

  @Get()
  @ApiOperation({ summary: 'Liveness, and how far the read model has got' })
  @ApiOkResponse({ type: HealthDocument })
  health(@Query() _query: NoQueryParameters) {
    return {
      status: 'ok',
      readModel: {
        position: this.projections.position,
        incidents: this.projections.readModel.incidentCount,
        pairs: this.projections.readModel.pairCount,
      },
    };
  }
}
