import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { BODY_LIMIT_BYTES } from '../src/app.js';
import { registerCompression } from '../src/http/compression.js';
import { applyHttpHardening } from '../src/http/http-hardening.js';
import { ProblemDetailsFilter } from '../src/http/problem-details.filter.js';
import { createValidationPipe } from '../src/http/validation.pipe.js';
import { ReportIncidentDto } from '../src/incidents/report-incident.dto.js';

/**
 * The ceiling for `POST /incidents`: the same Nest + Fastify stack, the same DTO and global
 * validation pipe, and a constant 201 of the same shape as the real one, but no decision, no
 * store, no read model. What the real endpoint costs beyond this is the write path.
 */
const RESULT = Object.freeze({
  incidentId: '0190a3c2-7b1e-7d4a-9f00-000000000001',
  eventId: '0190a3c2-7b1e-7d4a-9f00-000000000002',
  postedType: 'Accusation',
  recordedType: 'Accusation',
  streamId: 'relation-FRA-RUS',
  revision: 0,
  position: '1',
  recordedAt: '2025-01-01T00:00:00.000Z',
});

@Controller('incidents')
class NoopIncidentsController {
  @Post()
  @HttpCode(201)
  report(@Body() _dto: ReportIncidentDto, @Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('location', `/incidents/${RESULT.incidentId}`);
    return RESULT;
  }
}

@Module({ controllers: [NoopIncidentsController] })
class NoopModule {}

/** Built the way `createApp` builds the real one, minus the event store and the projections. */
export async function createNoopApp(): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(NoopModule, adapter, { logger: false, abortOnError: false });
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain']);
  // The same security headers as every real response, so the ceiling carries the same HTTP cost.
  await applyHttpHardening(app, {});
  // And the same compression hook (a 201 is under its threshold, but the hook runs on every response).
  await registerCompression(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  await app.init();
  return app;
}
