import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ProjectionRunner } from '../projections/projection-runner.js';

/** Operating the read side: what it reflects, and rebuilding it from the log. */
@Controller('admin/projections')
export class AdminController {
  constructor(private readonly projections: ProjectionRunner) {}

  @Get()
  status() {
    return { projections: [this.projections.status()] };
  }

  @Post('rebuild')
  @HttpCode(200)
  async rebuild() {
    const { events, ms, hash } = await this.projections.rebuild();
    return { events, durationMs: Math.round(ms), eventsPerSecond: Math.round(events / Math.max(ms / 1000, 1e-6)), hash, checkpoint: this.projections.position };
  }
}
