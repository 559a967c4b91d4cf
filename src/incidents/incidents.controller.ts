import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequiresRole } from '../auth/requires-role.decorator.js';
import { isCountryCode } from '../domain/countries.js';
import { parseOccurrence } from '../domain/occurrence.js';
import { pairKey } from '../domain/relation-pair.js';
import { REPORT_EXAMPLES } from '../docs/examples.js';
import { ApiProblems, ApiWriteRoute } from '../docs/problem.schema.js';
import { IncidentDocument, IncidentPageDocument, RecordedDocument } from '../docs/response.schemas.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { validationProblem, type FieldError } from '../http/problem.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { HttpCommandRunner } from './http-command-runner.js';
import { commandResponse, incidentResponse } from './incident.response.js';
import { IncidentReporter } from './incident-reporter.service.js';
import { ListIncidentsQuery } from './list-incidents.query.js';
import { ReportIncidentDto } from './report-incident.dto.js';
import { CorrectIncidentDto, RetractIncidentDto } from './amend-incident.dto.js';

const DEFAULT_PAGE_SIZE = 50;
const incidentIdPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'incidentId', message: 'must be a UUID' }]) });

@ApiTags('incidents')
@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly reporter: IncidentReporter,
    private readonly commands: HttpCommandRunner,
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @HttpCode(201)
  @RequiresRole('reporter')
  @ApiOperation({ summary: 'Report an incident', description: 'Validated, decided against the pair\'s stream and appended; answers once the read model shows it. An expulsion answering one by the other side is recorded as ReciprocalExpulsion.' })
  @ApiWriteRoute()
  @ApiBody({ type: ReportIncidentDto, examples: REPORT_EXAMPLES })
  @ApiCreatedResponse({ type: RecordedDocument, description: 'Recorded; Location is /incidents/{incidentId}', headers: { Location: { description: 'The incident', schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403, 409, 412, 413, 415, 422)
  async report(@Body() dto: ReportIncidentDto, @Query() _query: NoQueryParameters, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const outcome = await this.commands.run('POST /incidents', request, (options) => this.reporter.report(dto, options));
    reply.header('location', `/incidents/${outcome.incidentId}`);
    return commandResponse(outcome, reply);
  }

  @Post(':incidentId/correction')
  @HttpCode(201)
  @RequiresRole('reporter')
  @ApiOperation({ summary: 'Correct an incident', description: 'Amends occurredOn, summary, sources or details; type, actor and target cannot change (retract and report anew).' })
  @ApiWriteRoute()
  @ApiCreatedResponse({ type: RecordedDocument })
  @ApiProblems(400, 401, 403, 404, 409, 412, 413, 415, 422)
  async correct(
    @Param('incidentId', incidentIdPipe) incidentId: string,
    @Body() dto: CorrectIncidentDto,
    @Query() _query: NoQueryParameters,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.commands.run('POST /incidents/{id}/correction', request, (options) => this.reporter.correct(incidentId, dto, options));
    return commandResponse(outcome, reply);
  }

  @Post(':incidentId/retraction')
  @HttpCode(201)
  @RequiresRole('reporter')
  @ApiOperation({ summary: 'Retract an incident', description: 'The incident stops counting; the report and the retraction stay in the log.' })
  @ApiWriteRoute()
  @ApiCreatedResponse({ type: RecordedDocument })
  @ApiProblems(400, 401, 403, 404, 409, 412, 413, 415, 422)
  async retract(
    @Param('incidentId', incidentIdPipe) incidentId: string,
    @Body() dto: RetractIncidentDto,
    @Query() _query: NoQueryParameters,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.commands.run('POST /incidents/{id}/retraction', request, (options) => this.reporter.retract(incidentId, dto, options));
    return commandResponse(outcome, reply);
  }

  @Get(':incidentId')
  @ApiOperation({ summary: 'One incident as currently believed (corrections applied)' })
  @ApiOkResponse({ type: IncidentDocument })
  @ApiProblems(400, 404)
  async get(@Param('incidentId', incidentIdPipe) incidentId: string, @Query() _query: NoQueryParameters) {
    const incident = await this.projections.readModel.incident(incidentId);
    if (!incident) throw new NotFoundException(`No incident ${incidentId} is recorded`);
    return incidentResponse(incident);
  }

  @Get()
  @ApiOperation({ summary: 'Incidents in the order they were reported, retracted ones left out; page with cursor' })
  @ApiOkResponse({ type: IncidentPageDocument })
  @ApiProblems(400)
  async list(@Query() query: ListIncidentsQuery) {
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

    const page = await this.projections.readModel.listIncidents({
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
