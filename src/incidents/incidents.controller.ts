import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ANONYMOUS } from '../auth/caller.js';
import { RequiresRole } from '../auth/requires-role.decorator.js';
import { REPORT_EXAMPLES } from '../docs/examples.js';
import { ApiProblems, ApiWriteRoute } from '../docs/problem.schema.js';
import { BatchResponse } from '../docs/responses/batch.responses.js';
import { RecordedResponse } from '../docs/responses/incident.responses.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { validationProblem } from '../http/problem.js';
import { ConfirmIncidentDto, CorrectIncidentDto, RetractIncidentDto } from './amend-incident.dto.js';
import { commandResponse } from './command.response.js';
import { HttpCommandRunner } from './http-command-runner.js';
import { IncidentBatch } from './incident-batch.js';
import { IncidentCommands } from './incident-commands.js';
import { MAX_BATCH_INCIDENTS, ReportBatchDto } from './report-batch.dto.js';
import { ReportIncidentDto } from './report-incident.dto.js';

const incidentIdPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'incidentId', message: 'must be a UUID' }]) });

/** The writes: a validated body becomes a command, run with what the request's headers ask for. Reads are in relations/incident-queries.controller.ts. */
@ApiTags('incidents')
@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly commands: IncidentCommands,
    private readonly runner: HttpCommandRunner,
    private readonly batch: IncidentBatch,
  ) {}

  @Post()
  @HttpCode(201)
  @RequiresRole('reporter')
  @ApiOperation({ summary: 'Report an incident', description: 'Validated, decided against the pair\'s stream and appended; answers once the read model shows it. An expulsion answering one by the other side is recorded as ReciprocalExpulsion.' })
  @ApiWriteRoute()
  @ApiBody({ type: ReportIncidentDto, examples: REPORT_EXAMPLES })
  @ApiCreatedResponse({ type: RecordedResponse, description: 'Recorded; Location is /incidents/{incidentId}', headers: { Location: { description: 'The incident', schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403, 409, 412, 413, 415, 422)
  async report(@Body() dto: ReportIncidentDto, @Query() _query: NoQueryParameters, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<RecordedResponse> {
    const outcome = await this.runner.run('POST /incidents', request, () => this.commands.report(dto));
    reply.header('location', `/incidents/${outcome.incidentId}`);
    return commandResponse(outcome, reply);
  }

  @Post('batch')
  @HttpCode(200)
  @RequiresRole('reporter')
  @ApiOperation({
    summary: 'Report several incidents at once (accepting proposals)',
    description:
      `Up to ${MAX_BATCH_INCIDENTS} reports, each validated exactly as POST /incidents (errors name \`incidents[i].field\`) and keyed: ` +
      'a key already recorded records nothing new. Every pair\'s items are decided first; if the rules refuse any, nothing is recorded ' +
      'and the 422 lists each refused item with the reason. Each pair\'s items are then appended in one append; pairs are separate streams, ' +
      'so a concurrent write to a pair between the check and its append can still refuse items there (reported as refused).',
  })
  @ApiBearerAuth()
  @ApiBody({ type: ReportBatchDto })
  @ApiOkResponse({ type: BatchResponse, description: 'What became of each item: `recorded` counts what this request recorded (0 when every key had been recorded before)' })
  @ApiProblems(400, 401, 403, 409, 413, 415, 422)
  reportBatch(@Body() dto: ReportBatchDto, @Query() _query: NoQueryParameters, @Req() request: FastifyRequest): Promise<BatchResponse> {
    return this.batch.record(dto, (request.caller ?? ANONYMOUS).id);
  }

  @Post(':incidentId/correction')
  @HttpCode(201)
  @RequiresRole('reporter')
  @ApiOperation({ summary: 'Correct an incident', description: 'Amends occurredOn, summary, sources or details; type, actor and target cannot change (retract and report anew).' })
  @ApiWriteRoute()
  @ApiCreatedResponse({ type: RecordedResponse })
  @ApiProblems(400, 401, 403, 404, 409, 412, 413, 415, 422)
  async correct(
    @Param('incidentId', incidentIdPipe) incidentId: string,
    @Body() dto: CorrectIncidentDto,
    @Query() _query: NoQueryParameters,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedResponse> {
    const outcome = await this.runner.run('POST /incidents/{id}/correction', request, () => this.commands.correction(incidentId, dto));
    return commandResponse(outcome, reply);
  }

  @Post(':incidentId/retraction')
  @HttpCode(201)
  @RequiresRole('reporter')
  @ApiOperation({ summary: 'Retract an incident', description: 'The incident stops counting; the report and the retraction stay in the log.' })
  @ApiWriteRoute()
  @ApiCreatedResponse({ type: RecordedResponse })
  @ApiProblems(400, 401, 403, 404, 409, 412, 413, 415, 422)
  async retract(
    @Param('incidentId', incidentIdPipe) incidentId: string,
    @Body() dto: RetractIncidentDto,
    @Query() _query: NoQueryParameters,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedResponse> {
    const outcome = await this.runner.run('POST /incidents/{id}/retraction', request, () => this.commands.retraction(incidentId, dto));
    return commandResponse(outcome, reply);
  }

  @Post(':incidentId/confirmation')
  @HttpCode(201)
  @RequiresRole('reporter')
  @ApiOperation({
    summary: 'Confirm an imported incident',
    description:
      'An analyst vouches for a machine-coded incident: from then on it counts fully in the escalation score instead of by its independent sources. ' +
      'Refused (422) for an incident an analyst reported (it already counts fully), a retracted one, or one already confirmed.',
  })
  @ApiWriteRoute()
  @ApiBody({ type: ConfirmIncidentDto, required: false })
  @ApiCreatedResponse({ type: RecordedResponse })
  @ApiProblems(400, 401, 403, 404, 409, 412, 413, 415, 422)
  async confirm(
    @Param('incidentId', incidentIdPipe) incidentId: string,
    @Body() dto: ConfirmIncidentDto,
    @Query() _query: NoQueryParameters,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedResponse> {
    const outcome = await this.runner.run('POST /incidents/{id}/confirmation', request, () => this.commands.confirmation(incidentId, dto));
    return commandResponse(outcome, reply);
  }
}
