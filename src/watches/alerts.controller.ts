import { Controller, Get, Headers, Inject, Optional, Query, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { ApiProblems } from '../docs/problem.schema.js';
import { AlertListResponse } from '../docs/responses/watch.responses.js';
import { clientKey } from '../http/client-address.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { validationProblem } from '../http/problem.js';
import { LIVE_STREAM_OPTIONS } from '../live/event-stream.controller.js';
import { DEFAULT_LIVE_STREAM_LIMITS, type LiveStreamOptions, streamSettings } from '../live/live-stream.options.js';
import { SseConnection } from '../live/sse-connection.js';
import { StreamRegistry } from '../live/stream-registry.js';
import { alertEventId, parseAlertEventId, type AlertEventId } from './alert-journal.js';
import type { Alert } from './watch-events.js';
import { WatchRepository } from './watch-repository.js';

/** Alerts listed at most by GET /alerts. */
const RECENT_ALERTS = 100;

const STREAM_EXAMPLE = [
  'retry: 2000',
  '',
  'id: 2023-12-27T12:00:00.000Z/5d1c8a7e-1f0b-8c2d-9e3f-4a5b6c7d8e9f',
  'event: alert',
  'data: {"alertId":"5d1c8a7e-1f0b-8c2d-9e3f-4a5b6c7d8e9f","watchId":"…","watchName":"Caucasus desk","pair":"AZE-FRA","rule":{"type":"level_reached","level":"crisis"},"signature":"level crisis or worse","raisedAt":"2023-12-27T12:00:00.000Z","score":61.2,"level":"crisis","message":"Azerbaijan–France is at crisis (score 61.2), at or beyond crisis"}',
  '',
  ': heartbeat',
  '',
].join('\n');

/** Alerts of every watch: the latest, and live as server-sent events (what the dashboard's /alerts page shows; GET /alerts is that page). */
@ApiTags('watches')
@Controller('watches/alerts')
export class AlertsController implements BeforeApplicationShutdown {
  private readonly streams: StreamRegistry;
  private readonly heartbeatMs: number;
  private readonly limits: { maxBufferedBytes: number; drainTimeoutMs: number };

  constructor(
    private readonly repository: WatchRepository,
    @Optional() @Inject(LIVE_STREAM_OPTIONS) options: LiveStreamOptions = {},
  ) {
    ({ heartbeatMs: this.heartbeatMs, limits: this.limits } = streamSettings(options));
    // Its own count: a dashboard holds one stream of updates and one of alerts.
    this.streams = new StreamRegistry({ perClient: options.perClient ?? DEFAULT_LIVE_STREAM_LIMITS.perClient, total: options.total ?? DEFAULT_LIVE_STREAM_LIMITS.total });
  }

  @Get()
  @ApiOperation({ summary: 'The latest alerts of the watches in place, newest first (at most 100)' })
  @ApiOkResponse({ type: AlertListResponse })
  @ApiProblems(400)
  recent(@Query() _query: NoQueryParameters): AlertListResponse {
    const alerts: Alert[] = [];
    for (const watch of this.repository.list()) alerts.push(...(this.repository.history(watch.watchId)?.alerts ?? []));
    alerts.sort((x, y) => y.raisedAt.localeCompare(x.raisedAt) || y.alertId.localeCompare(x.alertId));
    return { items: alerts.slice(0, RECENT_ALERTS) };
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Alerts as server-sent events',
    description:
      'Each alert raised from now on, as an `alert` event (the same JSON as a webhook body, without `attempt`) whose id is `<raisedAt>/<alertId>`. ' +
      'A client reconnecting with Last-Event-ID first gets the alerts it missed, oldest first, none twice. A `: heartbeat` comment every 15 s. ' +
      'Limited per client address (429) and in all (503). Read GET /watches/alerts for what came before a first connection.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last alert received: the stream starts with the alerts raised since' })
  @ApiOkResponse({ description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' }, example: STREAM_EXAMPLE } } })
  @ApiProblems(400, 429, 503)
  stream(
    @Query() _query: NoQueryParameters,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    const resumeAfter = resumePoint(lastEventId);
    const release = this.streams.admit(clientKey(request));
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const connection = new SseConnection(reply.raw, this.limits);
    this.streams.track(connection, release);
    connection.send('retry: 2000\n\n');
    const send = (alert: Alert) => connection.send({ id: alertEventId(alert), event: 'alert', data: alert });
    // Missed alerts are read and the live ones subscribed to in one synchronous step, so none falls between or comes twice.
    if (resumeAfter) this.repository.alertsAfter(resumeAfter).forEach(send);
    const subscription = this.repository.alerts$.subscribe(send);
    const heartbeat = setInterval(() => connection.comment('heartbeat'), this.heartbeatMs);
    connection.onClose(() => {
      subscription.unsubscribe();
      clearInterval(heartbeat);
    });
  }

  beforeApplicationShutdown(): void {
    this.streams.endAll();
  }
}

function resumePoint(lastEventId: string | undefined): AlertEventId | undefined {
  if (lastEventId === undefined || lastEventId === '') return undefined;
  const parsed = parseAlertEventId(lastEventId);
  if (!parsed) throw validationProblem([{ field: 'Last-Event-ID', message: 'must be the id of an alert event, <raisedAt>/<alertId>' }]);
  return parsed;
}
