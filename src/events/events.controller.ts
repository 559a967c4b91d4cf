import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { validationProblem } from '../http/problem.js';

export class ReadLogQuery {
  /** Position of the last event already read; omitted = from the start of the log. */
  @IsOptional() @IsString()
  after?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;
}

/** The global log as recorded, in order, in pages. */
@Controller('events')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  async read(@Query() query: ReadLogQuery) {
    if (query.after !== undefined && !this.store.isPosition(query.after)) {
      throw validationProblem([{ field: 'after', message: 'is not a position in this log' }]);
    }
    const page = await this.store.readAll(query.after ?? null, query.limit ?? 100);
    return { events: page.events, next: page.next };
  }
}
