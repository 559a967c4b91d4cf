import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseOccurrence } from '../domain/occurrence.js';
import { pairFaults, pairKey } from '../domain/relation-pair.js';
import { ApiProblems } from '../docs/problem.schema.js';
import { IncidentPageResponse, IncidentResponse } from '../docs/responses/incident.responses.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { validationProblem, type FieldError } from '../http/problem.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { incidentResponse } from './incident.response.js';
import { ListIncidentsQuery } from './list-incidents.query.js';

const DEFAULT_PAGE_SIZE = 50;
const incidentIdPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'incidentId', message: 'must be a UUID' }]) });

/** The incidents as the read model believes them; writes are in incidents/incidents.controller.ts. */
@ApiTags('incidents')
@Controller('incidents')
export class IncidentQueriesController {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get(':incidentId')
  @ApiOperation({ summary: 'One incident as currently believed (corrections applied)' })
  @ApiOkResponse({ type: IncidentResponse })
  @ApiProblems(400, 404)
  async get(@Param('incidentId', incidentIdPipe) incidentId: string, @Query() _query: NoQueryParameters): Promise<IncidentResponse> {
    const incident = await this.projections.readModel.incident(incidentId);
    if (!incident) throw new NotFoundException(`No incident ${incidentId} is recorded`);
    return incidentResponse(incident);
  }

  @Get()
  @ApiOperation({ summary: 'Incidents in the order they were reported, retracted ones left out; page with cursor' })
  @ApiOkResponse({ type: IncidentPageResponse })
  @ApiProblems(400)
  async list(@Query() query: ListIncidentsQuery): Promise<IncidentPageResponse> {
    const errors: FieldError[] = [];
    let pair: string | undefined;
    if (query.pair) {
      const [a, b] = query.pair.split('-');
      const faults = pairFaults(a, b);
      if (faults?.sameCountry) errors.push({ field: 'pair', message: 'must name two different countries' });
      else if (faults) errors.push({ field: 'pair', message: `${query.pair} names an unknown country code` });
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
