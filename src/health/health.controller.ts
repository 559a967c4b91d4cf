import { Controller, Get } from '@nestjs/common';
import { ProjectionRunner } from '../projections/projection-runner.js';

@Controller('health')
export class HealthController {
  constructor(private readonly projections: ProjectionRunner) {}

  @Get()
  health() {
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
