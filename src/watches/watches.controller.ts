import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, type Caller } from '../auth/caller.js';
import { RequiresRole } from '../auth/requires-role.decorator.js';
import { CLOCK, type Clock } from '../clock.js';
import { pairKey } from '../domain/relation-pair.js';
import { ApiProblems, ProblemDocument } from '../docs/problem.schema.js';
import { CreatedWatchResponse, DeletedWatchResponse, DeliveryLogResponse, WatchListResponse, type WatchResponse } from '../docs/responses/watch.responses.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { PROBLEM_CONTENT_TYPE, ProblemException, validationProblem } from '../http/problem.js';
import { AlertEvaluator } from './alert-evaluator.js';
import { CreateWatchDto } from './create-watch.dto.js';
import type { Watch } from './watch-book.js';
import { describeRule, type WatchRule } from './watch-rules.js';
import { WatchRepository } from './watch-repository.js';
import { WATCHES_OPTIONS, type ResolvedWatchesOptions } from './watches.options.js';
import { webhookUrlViolation } from './webhook-url-policy.js';
import { newWebhookSecret } from './webhook-signature.js';

const watchIdPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'watchId', message: 'must be a UUID' }]) });

/** Watches: pairs and countries to be alerted about, by rule, live and by signed webhook. */
@ApiTags('watches')
@Controller('watches')
export class WatchesController {
  constructor(
    private readonly repository: WatchRepository,
    private readonly evaluator: AlertEvaluator,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WATCHES_OPTIONS) private readonly options: ResolvedWatchesOptions,
  ) {}

  @Post()
  @HttpCode(201)
  @RequiresRole('reporter')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Create a watch',
    description:
      'Alerts when a watched pair (named in `pairs`, or any pair of a country in `countries`) begins to meet the rule; pairs that meet it already alert at once. ' +
      'With `webhookUrl`, each alert is POSTed as JSON signed with HMAC-SHA256 of the body (`X-Demarche-Signature: sha256=<hex>`) under the `webhookSecret` returned here, once.',
  })
  @ApiCreatedResponse({ type: CreatedWatchResponse, headers: { Location: { description: 'The watch', schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403, 413, 415)
  @ApiResponse({
    status: 409,
    description: 'The server holds its most watches (1,000 unless configured): delete one first',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocument) } } },
  })
  async create(@Body() body: CreateWatchDto, @Query() _query: NoQueryParameters, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply): Promise<CreatedWatchResponse> {
    if (this.repository.list().length >= this.options.maxWatches) {
      throw new ProblemException({
        type: 'https://demarche.dev/problems/too-many-watches',
        title: 'Too many watches',
        status: 409,
        detail: `This server holds its most watches (${this.options.maxWatches}); delete one you no longer need first`,
      });
    }
    const pairs = (body.pairs ?? []).map((key) => pairKey(...(key.split('-') as [string, string])));
    const countries = body.countries ?? [];
    if (pairs.length === 0 && countries.length === 0) {
      throw validationProblem([{ field: 'pairs', message: 'name at least one pair (or country, in countries) to watch' }]);
    }
    if (new Set(pairs).size !== pairs.length) throw validationProblem([{ field: 'pairs', message: 'names the same pair twice (AZE-FRA and FRA-AZE are one pair)' }]);
    const violation = body.webhookUrl === undefined ? undefined : webhookUrlViolation(body.webhookUrl, this.options.webhookPolicy);
    if (violation) throw validationProblem([{ field: 'webhookUrl', message: violation }]);
    const rule: WatchRule = body.rule.type === 'level_reached' ? { type: 'level_reached', level: body.rule.level! } : { type: body.rule.type };
    const watch: Watch = {
      watchId: randomUUID(),
      name: body.name,
      pairs,
      countries,
      rule,
      webhookUrl: body.webhookUrl ?? null,
      secret: body.webhookUrl === undefined ? null : newWebhookSecret(),
      createdAt: this.clock.now().toISOString(),
      createdBy: caller.id,
    };
    await this.repository.create(watch);
    await this.evaluator.evaluateWatch(watch);
    reply.header('location', `/watches/${watch.watchId}`);
    return { ...this.describe(watch), webhookSecret: watch.secret };
  }

  @Get()
  @ApiOperation({ summary: 'The watches, oldest first (never their secrets)' })
  @ApiOkResponse({ type: WatchListResponse })
  @ApiProblems(400)
  list(@Query() _query: NoQueryParameters): WatchListResponse {
    return { items: this.repository.list().map((watch) => this.describe(watch)) };
  }

  @Delete(':watchId')
  @RequiresRole('reporter')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete a watch: no further alerts, pending deliveries dropped (its stream stays in the store)' })
  @ApiOkResponse({ type: DeletedWatchResponse, description: 'Deleted' })
  @ApiProblems(400, 401, 403, 404, 415)
  async delete(@Param('watchId', watchIdPipe) watchId: string, @Query() _query: NoQueryParameters, @CurrentCaller() caller: Caller): Promise<DeletedWatchResponse> {
    const watch = this.repository.get(watchId);
    if (!watch) throw new NotFoundException(`No watch ${watchId}`);
    const deletedAt = this.clock.now().toISOString();
    await this.repository.delete(watchId, deletedAt, caller.id);
    return { watchId, name: watch.name, deletedAt, deletedBy: caller.id };
  }

  @Get(':watchId/deliveries')
  @ApiOperation({ summary: "The watch's webhook delivery attempts, newest first, with their outcome" })
  @ApiOkResponse({ type: DeliveryLogResponse })
  @ApiProblems(400, 404)
  deliveries(@Param('watchId', watchIdPipe) watchId: string, @Query() _query: NoQueryParameters): DeliveryLogResponse {
    const watch = this.repository.get(watchId);
    const history = this.repository.history(watchId);
    if (!watch || !history) throw new NotFoundException(`No watch ${watchId}`);
    return { watchId, webhookUrl: watch.webhookUrl, items: [...history.deliveries].reverse(), pending: history.pending.size };
  }

  private describe(watch: Watch): WatchResponse {
    const history = this.repository.history(watch.watchId);
    const { secret: _secret, ...shown } = watch;
    return { ...shown, ruleText: describeRule(watch.rule), alerting: [...(history?.signatures.keys() ?? [])].sort(), pendingDeliveries: history?.pending.size ?? 0 };
  }
}
