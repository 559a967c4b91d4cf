import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { ApiProblems } from '../docs/problem.schema.js';
import { EventPageResponse } from '../docs/responses/event-log.responses.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { validationProblem } from '../http/problem.js';
import { IsQueryInteger } from '../http/validators.js';
import { readRelationLog } from './read-relation-log.js';

export class ReadLogQuery {
  /** Position of the last event already read; omitted = from the start of the log. */
  @ApiPropertyOptional({ description: 'Position of the last event already read (the `next` of the previous page); omitted = from the start', example: '12' })
  @IsOptional() @IsString()
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional() @IsQueryInteger(1, 1000)
  limit?: number;
}

/** The global log as recorded, in order, in pages: Demarche's events only (the pairs' streams). */
@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiOperation({ summary: "The global event log as recorded, in order, one page at a time: Demarche's events only (streams relation-…)" })
  @ApiOkResponse({ type: EventPageResponse })
  @ApiProblems(400)
  async read(@Query() query: ReadLogQuery): Promise<EventPageResponse> {
    if (query.after !== undefined && !this.store.isPosition(query.after)) {
      throw validationProblem([{ field: 'after', message: 'is not a position in this log' }]);
    }
    const page = await readRelationLog(this.store, query.after ?? null, query.limit ?? 100);
    return { events: page.events, next: page.next };
  }
}
