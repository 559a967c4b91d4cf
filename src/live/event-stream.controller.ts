import { Controller, Get, Headers, Inject, Optional, Query, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { clientKey } from '../http/client-address.js';
import { validationProblem } from '../http/problem.js';
import { ApiProblems } from '../docs/problem.schema.js';
import { LiveFeed } from './live-feed.service.js';
import { runLiveSession, START_OF_LOG, type SessionStart } from './live-session.js';
import { SseConnection } from './sse-connection.js';
import { StreamRegistry } from './stream-registry.js';
import { DEFAULT_LIVE_STREAM_LIMITS, type LiveStreamOptions, streamSettings } from './live-stream.options.js';

export const LIVE_STREAM_OPTIONS = Symbol('LiveStreamOptions');

export class EventStreamQuery {
  /** For clients that cannot set headers on the first request; `Last-Event-ID` wins when both are sent. */
  @ApiPropertyOptional({ description: `Resume after this log position (or \`${START_OF_LOG}\` for the whole log), as Last-Event-ID would`, example: '12' })
  @IsOptional() @IsString()
  after?: string;
}

const STREAM_EXAMPLE = [
  'retry: 2000',
  '',
  'id: 12',
  'event: update',
  'data: {"position":"12","eventId":"…","kind":"reported","pairKey":"AZE-FRA","event":{"type":"DiplomatsExpelled","data":{"incidentId":"…","actor":"AZE","target":"FRA","occurredOn":"2023-12-26","summary":"Azerbaijan declares two French embassy employees personae non gratae and orders them to leave within 48 hours","details":{"diplomats":2,"deadlineHours":48},"…":"…"}},"relation":{"pair":["AZE","FRA"],"score":50.7,"level":"strained","…":"…"},"replayed":true}',
  '',
  'id: 14',
  'event: ready',
  'data: {"position":"14","replayed":3}',
  '',
  ': heartbeat',
  '',
].join('\n');

/**
 * GET /events/stream: the read model's updates as server-sent events. Each `update` carries the
 * event and its pair's new score; its SSE id is the log position, so a client reconnecting with
 * Last-Event-ID first gets what it missed, read from the store's global log, then the live feed —
 * every event once, in log order.
 */
@ApiTags('live')
@Controller('events')
export class EventStreamController implements BeforeApplicationShutdown {
  readonly streams: StreamRegistry;
  private readonly heartbeatMs: number;
  private readonly limits: { maxBufferedBytes: number; drainTimeoutMs: number };

  constructor(
    private readonly feed: LiveFeed,
    @Optional() @Inject(LIVE_STREAM_OPTIONS) options: LiveStreamOptions = {},
  ) {
    ({ heartbeatMs: this.heartbeatMs, limits: this.limits } = streamSettings(options));
    this.streams = new StreamRegistry({
      perClient: options.perClient ?? DEFAULT_LIVE_STREAM_LIMITS.perClient,
      total: options.total ?? DEFAULT_LIVE_STREAM_LIMITS.total,
    });
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Live updates as server-sent events',
    description:
      'Every report, correction and retraction applied to the read model, in log order, as an `update` event whose `id` is its log position ' +
      "and whose data holds the event and the pair's new score and level. Without Last-Event-ID the stream starts with what happens next; " +
      'with it (browsers send it when they reconnect), the missed updates are replayed from the log first (`replayed: true`). ' +
      'A resume point past the end of this log (e.g. from before a database restore) opens the stream with a `reset` event: reload your data. ' +
      'A `ready` event marks the switch to live. A `: heartbeat` comment is sent every 15 s. ' +
      'Streams are limited per client address (429) and in all (503), both with Retry-After.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: `Resume after this log position (\`${START_OF_LOG}\` = from the start of the log)` })
  @ApiOkResponse({ description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' }, example: STREAM_EXAMPLE } } })
  @ApiProblems(400, 429, 503)
  async stream(
    @Query() query: EventStreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const after = this.resumePoint(lastEventId, query.after);
    // Counted before anything is awaited, so a burst of connections cannot all slip under the limits.
    const release = this.streams.admit(clientKey(request));
    let start: SessionStart;
    try {
      start = await this.sessionStart(after);
    } catch (error) {
      release();
      throw error;
    }
    const connection = this.open(reply);
    this.streams.track(connection, release);
    await runLiveSession(connection, this.feed, start, this.heartbeatMs);
  }

  beforeApplicationShutdown(): void {
    // Open streams would otherwise keep the HTTP server from closing.
    this.streams.endAll();
  }

  /** undefined = live only; null = the whole log; else a position to resume after. */
  private resumePoint(lastEventId: string | undefined, after: string | undefined): string | null | undefined {
    const [field, value] = lastEventId !== undefined && lastEventId !== '' ? ['Last-Event-ID', lastEventId] : ['after', after];
    if (value === undefined || value === '') return undefined;
    if (value === START_OF_LOG) return null;
    if (!this.feed.isPosition(value)) {
      throw validationProblem([{ field, message: `is not a position in this log (nor "${START_OF_LOG}")` }]);
    }
    return value;
  }

  /** A resume point this log does not hold resets the client (a 400 would only make EventSource retry it for ever). */
  private async sessionStart(after: string | null | undefined): Promise<SessionStart> {
    if (after === undefined || after === null) return { after };
    const check = await this.feed.check(after);
    return check.known ? { after } : { after: undefined, reset: check.reason };
  }

  private open(reply: FastifyReply): SseConnection {
    reply.hijack();
    // Headers set by hooks (CORS, security headers) are kept: hijacking bypasses Fastify's send.
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const connection = new SseConnection(reply.raw, this.limits);
    connection.send('retry: 2000\n\n');
    return connection;
  }
}

