import { Controller, Get, Headers, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { noneMatchHits, questionETag } from '../http/entity-tags.js';
import { REVALIDATE_CACHE_CONTROL, SETTLED_CACHE_CONTROL } from './relation-view-kept.js';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CLOCK, type Clock } from '../clock.js';
import { pairFaults } from '../domain/relation-pair.js';
import { parseOccurrence } from '../domain/occurrence.js';
import { timelineInstants, type TimelineInterval } from '../domain/timeline.js';
import type { RelationView } from '../domain/relation-view.js';
import { ApiPairParams } from '../docs/api-params.js';
import { ApiProblems } from '../docs/problem.schema.js';
import { MonthsResponse, RelationListResponse, RelationResponse } from '../docs/responses/relation.responses.js';
import { TimelineResponse } from '../docs/responses/timeline.responses.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { validationProblem, type FieldError } from '../http/problem.js';
import { IsCountryCode, IsOccurrenceDate } from '../http/validators.js';
import { negotiatedEncoding, sendEncoded } from '../http/kept-encodings.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { monthlyJudgements, monthSoFar, monthSpans } from '../projections/queries/months.query.js';
import { endOf, perspectiveOf } from '../time/perspective.js';
import { awaitPosition } from './await-position.js';
import { ListRelationsQuery, pageOf } from './list-relations.query.js';
import { withNames } from './named-view.js';
import { TimeTravelQuery } from './relation-query.js';
import { csvChunks, csvHeaders, EXPORT_FORMATS, FORMAT_DESCRIPTION, sendCsv, toCsv, wantsCsv } from '../export/csv.js';
import { RELATION_COLUMNS } from '../export/export-columns.js';
import { JSON_TYPE, RelationViewAnswers } from './relation-view-answer.js';
import { RelationListAnswers } from './relation-list-answers.js';
import { collected, jsonWithItems, LONGEST_LIST_BUILT_WHOLE, mapped, streamed, textOf } from './streamed-list.js';
import { EvidenceQuery, evidenceFilterOf } from './evidence-query.js';
import { LONGEST_TIMELINE_LISTING_BUILT_WHOLE, sentJson, timelineAnswer } from './timeline-answer.js';
import { KeptTimelines, type TimelineJson } from './timeline-kept.js';

const INTERVALS: TimelineInterval[] = ['day', 'week', 'month'];
/** Most points one timeline request may ask for. */
export const MAX_TIMELINE_POINTS = 2_000;
/**
 * Incidents a timeline point lists unless every one is asked for: a tooltip's worth. The busiest
 * pair of the 1M store has 30,000 incidents in a year; listing them all made a daily timeline
 * 15.7 MB and 5 s, for a chart that shows a handful per point.
 */
export const TOP_INCIDENTS_PER_POINT = 3;
const TIMELINE_INCIDENT_LISTINGS = ['top', 'all', 'none'] as const;
type TimelineIncidentListing = (typeof TIMELINE_INCIDENT_LISTINGS)[number];
const LISTING_MOST: Record<TimelineIncidentListing, number> = { top: TOP_INCIDENTS_PER_POINT, all: Infinity, none: 0 };
/** Most months one request for monthly judgements may cover (50 years). */
export const MAX_MONTHS = 600;

export class TimelineQuery extends EvidenceQuery {
  /** First point (start of that date); defaults to the start of the first incident's month. */
  @ApiPropertyOptional({ description: "First point: the start of this date (or this timestamp); default: the start of the first incident's month", example: '2023-09-01' })
  @IsOptional() @IsOccurrenceDate()
  from?: string;

  /** Last point no later than the end of this date; defaults to now. */
  @ApiPropertyOptional({ description: 'Last point no later than the end of this date; default: now', example: '2024-01-31' })
  @IsOptional() @IsOccurrenceDate()
  to?: string;

  @ApiPropertyOptional({ enum: INTERVALS, default: 'day', description: `Spacing of the points (at most ${MAX_TIMELINE_POINTS} of them)` })
  @IsOptional() @IsIn(INTERVALS, { message: `must be one of ${INTERVALS.join(', ')}` })
  interval?: TimelineInterval;

  @ApiPropertyOptional({ description: 'Only what had been recorded by the end of this date', example: '2023-12-31' })
  @IsOptional() @IsOccurrenceDate()
  knownAt?: string;

  @ApiPropertyOptional({
    enum: TIMELINE_INCIDENT_LISTINGS,
    description:
      `Which of each point's incidents to list (every point has \`incidentCount\`, all of them): top, the ${TOP_INCIDENTS_PER_POINT} heaviest ` +
      "(|Goldstein weight| × multiplier), in the order they arrived, what the chart's tooltip shows; all, every one; none. " +
      'Default: top, but all for CSV (an export lists every incident id). ' +
      'Every incident of a span, with its documents, is also `GET /incidents?pair=&from=&to=`.',
  })
  @IsOptional() @IsIn(TIMELINE_INCIDENT_LISTINGS, { message: `must be one of ${TIMELINE_INCIDENT_LISTINGS.join(', ')}` })
  incidents?: TimelineIncidentListing;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: FORMAT_DESCRIPTION })
  @IsOptional() @IsIn(EXPORT_FORMATS, { message: `must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: (typeof EXPORT_FORMATS)[number];
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class MonthsQuery {
  @ApiPropertyOptional({ description: "First month (YYYY-MM); default: the month of the pair's first incident", example: '2023-09' })
  @IsOptional() @Matches(MONTH, { message: 'must be a month, YYYY-MM (e.g. 2023-12)' })
  from?: string;

  @ApiPropertyOptional({ description: 'Last month (YYYY-MM), not after the current one; default: the current month (judged up to now)', example: '2024-01' })
  @IsOptional() @Matches(MONTH, { message: 'must be a month, YYYY-MM (e.g. 2023-12)' })
  to?: string;

  @ApiPropertyOptional({ description: 'Only what had been recorded by the end of this date', example: '2023-12-31' })
  @IsOptional() @IsOccurrenceDate()
  knownAt?: string;
}

@ApiTags('relations')
@Controller('relations')
export class RelationsController {

  /** Shared with the fast path (relation-view-fast-path.ts), which serves the same answers without Nest's pipeline. */
  readonly views: RelationViewAnswers;
  /** Lists answered, kept serialised under the same rule as the views; the fast path answers `GET /relations` from them too. */
  readonly lists: RelationListAnswers;
  /** Timelines of spans already past, kept serialised while the pair's stream holds (timeline-kept.ts). */
  readonly timelines: KeptTimelines;

  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.views = new RelationViewAnswers(clock);
    this.lists = new RelationListAnswers(clock);
    this.timelines = new KeptTimelines(clock);
  }

  @Get()
  @ApiOperation({
    summary: 'Every pair with an incident, highest escalation first',
    description:
      'Try asOf=2023-12-28 for the seed story at its height. ' +
      'Without limit/offset, a list of more than 200 pairs is sent as each pair is described (chunked, no Content-Length); a failure once it has begun cuts the connection before the end of the document.',
  })
  @ApiOkResponse({ type: RelationListResponse })
  @ApiProduces('application/json', 'text/csv')
  @ApiProblems(400, 503)
  async list(
    @Query() query: ListRelationsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Readable | Buffer> {
    await this.awaitPosition(query.minPosition);
    const readModel = this.projections.readModel;
    const csv = wantsCsv(query.format, accept);
    const paged = query.limit !== undefined || query.offset !== undefined;
    // A kept page goes with its compressed bytes kept beside it (kept-encodings.ts); every pair's list is left as it was.
    const encodingOf = paged ? (bytes: number) => negotiatedEncoding(reply.request.headers, bytes) : undefined;
    const kept = csv ? undefined : this.lists.kept(readModel, query, encodingOf);
    if (kept !== undefined) {
      reply.header('content-type', JSON_TYPE);
      return kept.encoded === undefined ? kept.body : sendEncoded(reply, kept.encoded);
    }
    // Counted before the list is worked out (it awaits the store): an event applied meanwhile makes the kept list stale, never the reverse.
    const events = readModel.eventCount;
    const perspective = { ...perspectiveOf(query, this.clock), evidence: evidenceFilterOf(query) };
    const itemOf = (view: RelationView) => ({ ...withNames(view), thisMonth: monthSoFar(readModel, view.pair[0], view.pair[1], perspective) ?? null });
    // So an empty list before the log's first incident can say so, and offer that date.
    const first = readModel.firstIncidentAt(query.country, perspective.knownAtMs);
    const firstIncidentOn = first === undefined ? null : new Date(first).toISOString().slice(0, 10);
    const common = { at: perspective.atIso, asOf: query.asOf ?? null, knownAt: query.knownAt ?? null, firstIncidentOn };
    const csvName = `relations-${perspective.atIso.slice(0, 10)}.csv`;
    reply.header('content-type', JSON_TYPE);
    if (paged) {
      const page = await readModel.relationPage(query, perspective, pageOf(query));
      const items = page.views.map(itemOf);
      if (csv) return sendCsv(reply, csvName, toCsv(RELATION_COLUMNS, items));
      const list: RelationListResponse = { ...common, total: page.total, ...pageOf(query), items };
      return this.lists.keep(readModel, query, perspective, events, JSON.stringify(list));
    }
    // Every pair: described one at a time, and sent as described when the list is long (streamed-list.ts).
    const sweep = readModel.relationSweep(query, perspective);
    const items = mapped(sweep.views, itemOf);
    const long = sweep.total > LONGEST_LIST_BUILT_WHOLE;
    if (csv) {
      csvHeaders(reply, csvName);
      return long ? streamed(csvChunks(RELATION_COLUMNS, items)) : toCsv(RELATION_COLUMNS, await collected(items));
    }
    const body = jsonWithItems({ ...common, total: sweep.total }, items);
    if (long) return streamed(body);
    return this.lists.keep(readModel, query, perspective, events, await textOf(body));
  }

  @Get(':a/:b')
  @ApiOperation({
    summary: "One pair's state, escalation score and its top contributors",
    description:
      'ETag: the stream revision on the current view (for If-Match on writes); on a view with asOf/knownAt, the revision and those inputs. ' +
      'If-None-Match with it answers 304. A view with knownAt (and asOf, if given) in the past cannot change and may be cached for a day.',
  })
  @ApiPairParams()
  @ApiOkResponse({
    type: RelationResponse,
    headers: {
      ETag: { description: 'Current view: the stream revision ("3"); with asOf/knownAt: the revision and those inputs ("3-…")', schema: { type: 'string' } },
      'Cache-Control': { description: 'no-cache, or max-age=86400, immutable for a view of a settled past', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 304, description: 'If-None-Match named the current ETag: the copy the client holds is current' })
  @ApiProblems(400, 404, 503)
  async get(
    @Param('a') a: string,
    @Param('b') b: string,
    @Query() query: TimeTravelQuery,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    checkPair(a, b);
    await this.awaitPosition(query.minPosition);
    const answer = await this.views.answer(this.projections.readModel, a, b, query, ifNoneMatch);
    if (answer.status === 404) throw new NotFoundException(`No incidents are recorded between ${a} and ${b}`);
    for (const [name, value] of answer.headers) reply.header(name, value);
    if (answer.status === 304) {
      reply.status(304);
      return undefined;
    }
    return answer.body;
  }

  @Get(':a/:b/months')
  @ApiOperation({
    summary: 'Monthly judgements: deteriorated, improved or unchanged, with the reasons',
    description: 'Each month against the end of the month before: conditions begun or ended, momentum up or down (CrisisWatch-style).',
  })
  @ApiPairParams()
  @ApiOkResponse({ type: MonthsResponse })
  @ApiProblems(400, 404)
  async months(@Param('a') a: string, @Param('b') b: string, @Query() query: MonthsQuery): Promise<MonthsResponse> {
    checkPair(a, b);
    const readModel = this.projections.readModel;
    const nowMs = this.clock.now().getTime();
    const knownAtMs = query.knownAt ? endOf(query.knownAt) : undefined;
    const first = readModel.pairIndex(a, b, knownAtMs)?.index.earliest();
    if (first === undefined) throw new NotFoundException(`No incidents are recorded between ${a} and ${b}`);
    const currentMonth = new Date(nowMs).toISOString().slice(0, 7);
    const from = query.from ?? (first === Infinity ? currentMonth : new Date(first).toISOString().slice(0, 7));
    const to = query.to ?? currentMonth;
    const errors: FieldError[] = [];
    if (to > currentMonth) errors.push({ field: 'to', message: `must not be after the current month (${currentMonth})` });
    if (from > currentMonth) errors.push({ field: 'from', message: `must not be after the current month (${currentMonth})` });
    else if (from > to) errors.push({ field: 'to', message: 'must not be before from' });
    if (errors.length > 0) throw validationProblem(errors);
    const spans = monthSpans(from, to, nowMs);
    if (spans.length > MAX_MONTHS) throw validationProblem([{ field: 'from', message: `from ${from} to ${to} is more than ${MAX_MONTHS} months; narrow the range` }]);
    const [x, y] = [a, b].sort();
    return { pair: [x, y], from, to, months: monthlyJudgements(readModel, a, b, spans, knownAtMs) ?? [] };
  }

  @Get(':a/:b/timeline')
  @ApiOperation({
    summary: 'Score and level over time, with the number of incidents arriving at each point and the heaviest of them (or all: incidents=all)',
    description:
      `A timeline listing more than ${LONGEST_TIMELINE_LISTING_BUILT_WHOLE.toLocaleString('en')} incidents (incidents=all over a busy span, or its CSV) is sent point by point as it is read (chunked, no Content-Length); ` +
      'a failure once it has begun cuts the connection before the end of the document.',
  })
  @ApiPairParams()
  @ApiOkResponse({
    type: TimelineResponse,
    headers: {
      ETag: { description: 'On a JSON timeline whose span (and knownAt, if given) has ended: the pair\'s stream revision and the question ("3-…"); none on a span reaching into the present or a CSV', schema: { type: 'string' } },
      'Cache-Control': { description: 'With the ETag: no-cache, or max-age=86400, immutable when knownAt is given (nothing recorded later can change it)', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 304, description: 'If-None-Match named the current ETag: the timeline the client holds is current' })
  @ApiProduces('application/json', 'text/csv')
  @ApiProblems(400, 404)
  async timeline(
    @Param('a') a: string,
    @Param('b') b: string,
    @Query() query: TimelineQuery,
    @Headers('accept') accept: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TimelineResponse | string | Readable | Buffer | undefined> {
    checkPair(a, b);
    const readModel = this.projections.readModel;
    // Read before anything is worked out: an event applied meanwhile makes the kept answer stale, never the reverse.
    const revision = readModel.streamRevision(a, b);
    const exported = wantsCsv(query.format, accept);
    const keptAs = exported || revision === undefined ? undefined : this.timelines.keyOf(a, b, query);
    if (keptAs !== undefined) {
      // A span already past says the same until the pair's stream moves; with knownAt, even then (nothing recorded later shows).
      const etag = questionETag(revision!, keptAs);
      reply.header('etag', etag).header('cache-control', query.knownAt === undefined ? REVALIDATE_CACHE_CONTROL : SETTLED_CACHE_CONTROL);
      if (noneMatchHits(ifNoneMatch, etag)) {
        reply.status(304);
        return undefined;
      }
    }
    const encodingOf = (bytes: number) => negotiatedEncoding(reply.request.headers, bytes);
    const kept = keptAs === undefined ? undefined : this.timelines.answer(readModel, keptAs, revision!, encodingOf);
    if (kept !== undefined) return sentJson(reply, kept);
    const current = readModel.relationFigures(a, b, perspectiveOf({}, this.clock));
    if (!current) throw new NotFoundException(`No incidents are recorded between ${a} and ${b}`);
    const interval = query.interval ?? 'day';
    const fromMs = query.from ? parseOccurrence(query.from).startMs : firstMonthStart(current);
    const toMs = query.to ? endOf(query.to) : this.clock.now().getTime();
    if (fromMs > toMs) throw validationProblem([{ field: 'to', message: 'must not be before from' }]);
    const instants = timelineInstants(fromMs, toMs, interval, MAX_TIMELINE_POINTS);
    if (instants === 'too many') {
      throw validationProblem([
        { field: 'interval', message: `from ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()} by ${interval} gives more than ${MAX_TIMELINE_POINTS} points; narrow from/to or use a coarser interval` },
      ]);
    }
    // An export is the record of the span: every incident's id unless asked otherwise; a chart wants a tooltip's worth.
    const listing = { most: LISTING_MOST[query.incidents ?? (exported ? 'all' : 'top')] };
    const sweep = readModel.timelineSweep(a, b, instants, query.knownAt ? endOf(query.knownAt) : undefined, evidenceFilterOf(query), listing);
    const head = { pair: current.pair, interval, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
    const keep = keptAs === undefined ? undefined : (json: TimelineJson & { bytes: number }) => this.timelines.keep(readModel, keptAs, query, revision!, json);
    return timelineAnswer(reply, head, sweep, exported ? `timeline-${current.pair.join('-')}-${interval}.csv` : undefined, encodingOf, keep);
  }

  private awaitPosition(minPosition: string | undefined): Promise<void> {
    return awaitPosition(this.store, this.projections, minPosition);
  }

}

function checkPair(a: string, b: string): void {
  const faults = pairFaults(a, b);
  if (!faults) return;
  const notACountry = (code: string) => `must be an ISO 3166-1 alpha-3 country code; ${JSON.stringify(code.slice(0, 20))} is not one`;
  const errors: FieldError[] = [
    ...(faults.firstUnknown ? [{ field: 'a', message: notACountry(a) }] : []),
    ...(faults.secondUnknown ? [{ field: 'b', message: notACountry(b) }] : []),
    ...(faults.sameCountry ? [{ field: 'b', message: 'must be a different country from a' }] : []),
  ];
  throw validationProblem(errors);
}

function firstMonthStart(view: RelationView): number {
  const first = view.firstIncident ? parseOccurrence(view.firstIncident.occurredOn).startMs : 0;
  const date = new Date(first);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}
