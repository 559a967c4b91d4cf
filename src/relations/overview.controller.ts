import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { IsOptional } from 'class-validator';
import { CLOCK, type Clock } from '../clock.js';
import { DAY_MS } from '../domain/numbers.js';
import { timelineInstants } from '../domain/timeline.js';
import type { CountryCode } from '../domain/countries.js';
import type { RelationView } from '../domain/relation-view.js';
import { overviewColumns } from '../export/export-columns.js';
import { csvChunks, csvHeaders, sendCsv, toCsv, wantsCsv } from '../export/csv.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ApiProblems } from '../docs/problem.schema.js';
import { OverviewResponse } from '../docs/responses/overview.responses.js';
import { IsQueryInteger } from '../http/validators.js';
import { monthSoFar } from '../projections/queries/months.query.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { perspectiveOf } from '../time/perspective.js';
import { awaitPosition } from './await-position.js';
import { ListRelationsQuery, pageOf } from './list-relations.query.js';
import { withNames } from './named-view.js';
import { evidenceFilterOf } from './evidence-query.js';
import { JSON_TYPE } from './relation-view-answer.js';
import { jsonWithItems, LONGEST_LIST_BUILT_WHOLE, mapped, streamed } from './streamed-list.js';

/** Most days a sparkline may cover: a year, leap day included. */
export const MAX_SPARKLINE_DAYS = 366;

export class OverviewQuery extends ListRelationsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SPARKLINE_DAYS, default: 180, description: 'Days the sparklines cover, ending on the day of the view' })
  @IsOptional() @IsQueryInteger(1, MAX_SPARKLINE_DAYS)
  days?: number;
}

/**
 * What the dashboard's overview shows, in one request per page: each pair's relation (as
 * GET /relations) and its score day by day for the sparkline. It used to take one timeline
 * request per pair (38 requests and 591 KB for 25 pairs); a sparkline needs scores only, not the
 * incidents a timeline lists at each point.
 */
@ApiTags('relations')
@Controller('relations')
export class OverviewController {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('overview')
  @ApiOperation({
    summary: 'A page of pairs with their levels, scores and sparklines',
    description:
      'Paged with limit (default 50) and offset, in the order of GET /relations; the filters and asOf/knownAt as there. Try asOf=2023-12-28. ' +
      'Accept: text/csv or format=csv answers the page as CSV: one row per pair, the columns of GET /relations, then the sparkline as its first and last day and its daily scores, space-separated. ' +
      'A page of more than 200 pairs is sent as each pair is described (chunked, no Content-Length); a failure once it has begun cuts the connection before the end of the document.',
  })
  @ApiOkResponse({ type: OverviewResponse })
  @ApiProduces('application/json', 'text/csv')
  @ApiProblems(400, 503)
  async overview(
    @Query() query: OverviewQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OverviewResponse | string | Readable> {
    await awaitPosition(this.store, this.projections, query.minPosition);
    const perspective = { ...perspectiveOf(query, this.clock), evidence: evidenceFilterOf(query) };
    const readModel = this.projections.readModel;
    const { limit, offset } = pageOf(query);
    // Daily points, at the start of each day, ending on the day the view is scored at.
    const lastDayMs = Math.floor(perspective.atMs / DAY_MS) * DAY_MS;
    const firstDayMs = lastDayMs - ((query.days ?? 180) - 1) * DAY_MS;
    const instants = timelineInstants(firstDayMs, lastDayMs, 'day', MAX_SPARKLINE_DAYS) as number[];
    const itemOf = (view: RelationView) => ({
      ...withNames(view),
      thisMonth: monthSoFar(readModel, view.pair[0], view.pair[1], perspective) ?? null,
      sparkline: readModel.scoresAt(view.pair[0], view.pair[1], instants, perspective.knownAtMs, perspective.evidence) ?? [],
    });
    const span = { from: day(firstDayMs), to: day(lastDayMs) };
    const csv = wantsCsv(query.format, accept);
    const csvName = `overview-${perspective.atIso.slice(0, 10)}.csv`;
    const first = readModel.firstIncidentAt(query.country, perspective.knownAtMs);
    const head = (total: number, countries: CountryCode[]) => ({
      at: perspective.atIso,
      asOf: query.asOf ?? null,
      knownAt: query.knownAt ?? null,
      firstIncidentOn: first === undefined ? null : new Date(first).toISOString().slice(0, 10),
      total,
      limit,
      offset,
      countries,
      sparkline: { ...span, interval: 'day' as const },
    });
    if (limit > LONGEST_LIST_BUILT_WHOLE) {
      // A page longer than a list built whole (the overview of every pair: 12.8 MB on the 1M store) is sent as each pair is described.
      const sweep = readModel.relationSweep(query, perspective, { limit, offset });
      const items = mapped(sweep.views, itemOf);
      if (csv) {
        csvHeaders(reply, csvName);
        return streamed(csvChunks(overviewColumns(span), items));
      }
      reply.header('content-type', JSON_TYPE);
      return streamed(jsonWithItems(head(sweep.total, sweep.countries), items));
    }
    const page = await readModel.relationPage(query, perspective, { limit, offset });
    const items = page.views.map(itemOf);
    if (csv) return sendCsv(reply, csvName, toCsv(overviewColumns(span), items));
    return { ...head(page.total, page.countries), items };
  }
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
