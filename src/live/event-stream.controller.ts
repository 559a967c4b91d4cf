import { Controller, Get, Headers, Inject, Optional, Query, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { validationProblem } from '../http/problem.js';
import { ApiProblems } from '../docs/problem.schema.js';
import { LiveFeed } from './live-feed.service.js';
import type { LiveUpdate } from './live-update.js';
import { SseConnection } from './sse-connection.js';

export interface LiveStreamOptions {
  /** Interval of the keep-alive comment; default 15 s. */
  heartbeatMs?: number;
  /** Bytes a client may leave unread before it is disconnected (it resumes from the log); default 1 MiB. */
  maxBufferedBytes?: number;
}

export const LIVE_STREAM_OPTIONS = Symbol('LiveStreamOptions');

/** The `id` of the `ready` message when nothing has been applied yet: resume from the start of the log. */
export const START_OF_LOG = 'start';

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
  private readonly connections = new Set<SseConnection>();
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly feed: LiveFeed,
    @Optional() @Inject(LIVE_STREAM_OPTIONS) options: LiveStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  }

  @Get('stream')
  @ApiOperation({
    summary: 'Live updates as server-sent events',
    description:
      'Every report, correction and retraction applied to the read model, in log order, as an `update` event whose `id` is its log position ' +
      "and whose data holds the event and the pair's new score and level. Without Last-Event-ID the stream starts with what happens next; " +
      'with it (browsers send it when they reconnect), the missed updates are replayed from the log first (`replayed: true`). ' +
      'A `ready` event marks the switch to live. A `: heartbeat` comment is sent every 15 s.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: `Resume after this log position (\`${START_OF_LOG}\` = from the start of the log)` })
  @ApiOkResponse({ description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' }, example: STREAM_EXAMPLE } } })
  @ApiProblems(400)
  async stream(
    @Query() query: EventStreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const resumeAfter = this.resumePoint(lastEventId, query.after);
    const connection = this.open(reply);
    // Updates the read model applies from now on are held back until the replay is done.
    const through = this.feed.position;
    let lastSent: string | null = resumeAfter === undefined ? through : resumeAfter;
    let replaying = true;
    const held: LiveUpdate[] = [];
    const isNew = (update: LiveUpdate) => lastSent === null || this.feed.comparePositions(update.position, lastSent) > 0;
    const subscription = this.feed.updates$.subscribe({
      next: (update) => {
        if (replaying) held.push(update);
        else if (isNew(update)) {
          connection.send(updateMessage(update));
          lastSent = update.position;
        }
      },
      complete: () => connection.end(),
      error: () => connection.end(),
    });
    const heartbeat = setInterval(() => connection.comment('heartbeat'), this.heartbeatMs);
    reply.raw.on('close', () => {
      subscription.unsubscribe();
      clearInterval(heartbeat);
      this.connections.delete(connection);
    });

    let replayed = 0;
    if (resumeAfter !== undefined) {
      try {
        for await (const update of this.feed.replay(resumeAfter, through)) {
          if (connection.closed) return;
          await connection.sendPaced(updateMessage(update));
          lastSent = update.position;
          replayed++;
        }
      } catch {
        connection.end();
        return;
      }
    }
    for (const update of held.splice(0)) {
      if (!isNew(update)) continue;
      connection.send(updateMessage(update));
      lastSent = update.position;
    }
    replaying = false;
    connection.send({ id: lastSent ?? START_OF_LOG, event: 'ready', data: { position: lastSent, replayed } });
  }

  beforeApplicationShutdown(): void {
    // Open streams would otherwise keep the HTTP server from closing.
    for (const connection of this.connections) connection.end();
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
    const connection = new SseConnection(reply.raw, this.maxBufferedBytes);
    this.connections.add(connection);
    connection.send('retry: 2000\n\n');
    return connection;
  }
}

function updateMessage(update: LiveUpdate) {
  return { id: update.position, event: 'update', data: update };
}
