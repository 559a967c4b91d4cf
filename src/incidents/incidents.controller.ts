import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isCountryCode } from '../domain/countries.js';
import { parseOccurrence } from '../domain/occurrence.js';
import { pairKey } from '../domain/relation-pair.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { validationProblem, type FieldError } from '../http/problem.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { incidentResponse } from './incident.response.js';
import { IncidentReporter } from './incident-reporter.service.js';
import { ListIncidentsQuery } from './list-incidents.query.js';
import { ReportIncidentDto } from './report-incident.dto.js';
import { CorrectIncidentDto, RetractIncidentDto } from './amend-incident.dto.js';

const DEFAULT_PAGE_SIZE = 50;
const incidentIdPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'incidentId', message: 'must be a UUID' }]) });

@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly reporter: IncidentReporter,
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @HttpCode(201)
  async report(@Body() dto: ReportIncidentDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { replayed: _replayed, ...result } = await this.reporter.report(dto);
    reply.header('location', `/incidents/${result.incidentId}`);
    return result;
  }

  @Post(':incidentId/correction')
  @HttpCode(201)
  async correct(@Param('incidentId', incidentIdPipe) incidentId: string, @Body() dto: CorrectIncidentDto) {
    const { replayed: _replayed, ...result } = await this.reporter.correct(incidentId, dto);
    return result;
  }

  @Post(':incidentId/retraction')
  @HttpCode(201)
  async retract(@Param('incidentId', incidentIdPipe) incidentId: string, @Body() dto: RetractIncidentDto) {
    const { replayed: _replayed, ...result } = await this.reporter.retract(incidentId, dto);
    return result;
  }

  @Get(':incidentId')
  get(@Param('incidentId', incidentIdPipe) incidentId: string) {
    const incident = this.projections.readModel.incident(incidentId);
    if (!incident) throw new NotFoundException(`No incident ${incidentId} is recorded`);
    return incidentResponse(incident);
  }

  @Get()
  list(@Query() query: ListIncidentsQuery) {
    const errors: FieldError[] = [];
    let pair: string | undefined;
    if (query.pair) {
      const [a, b] = query.pair.split('-');
      if (!isCountryCode(a) || !isCountryCode(b)) errors.push({ field: 'pair', message: `${query.pair} names an unknown country code` });
      else if (a === b) errors.push({ field: 'pair', message: 'must name two different countries' });
      else pair = pairKey(a, b);
    }
    if (query.cursor !== undefined && !this.store.isPosition(query.cursor)) {
      errors.push({ field: 'cursor', message: 'is not a cursor this server issued' });
    }
    const fromMs = query.from ? parseOccurrence(query.from).startMs : undefined;
    const toMs = query.to ? parseOccurrence(query.to).endMs - 1 : undefined;
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) errors.push({ field: 'to', message: 'must not be before from' });
    if (errors.length > 0) throw validationProblem(errors);

    const page = this.projections.readModel.listIncidents({
      pair,
      type: query.type,
      fromMs,
      toMs,
      after: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
    });
    return { items: page.items.map(incidentResponse), next: page.next };
  }
}
