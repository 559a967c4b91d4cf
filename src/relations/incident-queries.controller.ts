import { Controller, Get, Headers, Inject, NotFoundException, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { INCIDENT_COLUMNS } from '../export/export-columns.js';
import { sendCsv, toCsv, wantsCsv } from '../export/csv.js';
import { IncidentSearch } from '../search/incident-search.service.js';
import { endOf } from '../time/perspective.js';
import { searchedIncidentsPage } from '../search/searched-incidents-page.js';
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
import { evidenceFilterOf } from './evidence-query.js';

const DEFAULT_PAGE_SIZE = 50;
/** Any of these sends the listing through the search index; without them it is the read model's own listing. */
const SEARCH_PARAMETERS = ['q', 'country', 'actor', 'target', 'sort', 'retracted'] as const;
const incidentIdPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'incidentId', message: 'must be a UUID' }]) });

/** The incidents as the read model believes them; writes are in incidents/incidents.controller.ts. */
@ApiTags('incidents')
@Controller('incidents')
export class IncidentQueriesController {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly search: IncidentSearch,
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
  @ApiOperation({
    summary: 'Incidents in the order they were reported, retracted ones left out; search, filter, sort, page with cursor',
    description: 'q searches summaries and sources with a full-text index (SQLite FTS5, whatever the event store). Accept: text/csv or format=csv answers the page as CSV.',
  })
  @ApiOkResponse({ type: IncidentPageResponse })
  @ApiProduces('application/json', 'text/csv')
  @ApiProblems(400, 503)
  async list(
    @Query() query: ListIncidentsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IncidentPageResponse | string> {
    const errors: FieldError[] = [];
    let pair: string | undefined;
    if (query.pair) {
      const [a, b] = query.pair.split('-');
      const faults = pairFaults(a, b);
      if (faults?.sameCountry) errors.push({ field: 'pair', message: 'must name two different countries' });
      else if (faults) errors.push({ field: 'pair', message: `${query.pair} names an unknown country code` });
      else pair = pairKey(a, b);
    }
    const searching = SEARCH_PARAMETERS.some((name) => query[name] !== undefined);
    if (query.sort === 'relevance' && query.q === undefined) errors.push({ field: 'sort', message: 'relevance needs words to search for in q' });
    if (query.cursor !== undefined && (!this.store.isPosition(query.cursor) || (searching && (await this.search.incidentAt(query.cursor)) === undefined))) {
      errors.push({ field: 'cursor', message: 'is not a cursor this server issued' });
    }
    const fromMs = query.from ? parseOccurrence(query.from).startMs : undefined;
    const toMs = query.to ? parseOccurrence(query.to).endMs - 1 : undefined;
    const knownAtMs = query.knownAt ? endOf(query.knownAt) : undefined;
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) errors.push({ field: 'to', message: 'must not be before from' });
    if (errors.length > 0) throw validationProblem(errors);

    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const evidence = evidenceFilterOf(query);
    const page = searching
      ? await searchedIncidentsPage(
          this.search,
          this.projections.readModel,
          {
            text: query.q,
            actor: query.actor,
            target: query.target,
            country: query.country,
            pair: pair === undefined ? undefined : (pair.split('-') as [string, string]),
            type: query.type,
            includeRetracted: query.retracted === 'include',
            order: query.sort ?? 'reported',
            fromMs,
            toMs,
            knownAtMs,
            after: query.cursor,
            evidence,
          },
          limit,
        )
      : await this.projections.readModel.listIncidents({ pair, type: query.type, fromMs, toMs, knownAtMs, evidence, after: query.cursor, limit });
    const body = { items: page.items.map(incidentResponse), next: page.next };
    if (!wantsCsv(query.format, accept)) return body;
    // The cursor of the next page travels in a header, since a CSV body has no place for it.
    if (body.next !== null) reply.header('x-next-cursor', body.next);
    return sendCsv(reply, 'incidents.csv', toCsv(INCIDENT_COLUMNS, body.items));
  }
}
