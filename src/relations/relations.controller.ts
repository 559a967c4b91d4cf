import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { IsIn, IsOptional } from 'class-validator';
import { CLOCK, type Clock } from '../clock.js';
import { countryName, isCountryCode } from '../domain/countries.js';
import { ESCALATION_LEVELS } from '../domain/escalation.js';
import type { RelationView } from '../domain/relation-state.projection.js';
import { validationProblem } from '../http/problem.js';
import { IsCountryCode } from '../http/validators.js';
import { ProjectionRunner } from '../projections/projection-runner.js';

const LEVELS = ESCALATION_LEVELS.map((band) => band.level);

export class ListRelationsQuery {
  @IsOptional() @IsCountryCode()
  country?: string;

  @IsOptional() @IsIn(LEVELS, { message: `must be one of ${LEVELS.join(', ')}` })
  level?: string;
}

@Controller('relations')
export class RelationsController {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list(@Query() query: ListRelationsQuery) {
    const now = this.clock.now();
    const items = this.projections.readModel.relations(query, now.getTime(), now.toISOString()).map(withNames);
    return { at: now.toISOString(), total: items.length, items };
  }

  @Get(':a/:b')
  get(@Param('a') a: string, @Param('b') b: string) {
    const errors = [
      ...(isCountryCode(a) ? [] : [{ field: 'a', message: `must be an ISO 3166-1 alpha-3 country code; ${JSON.stringify(a.slice(0, 20))} is not one` }]),
      ...(isCountryCode(b) ? [] : [{ field: 'b', message: `must be an ISO 3166-1 alpha-3 country code; ${JSON.stringify(b.slice(0, 20))} is not one` }]),
    ];
    if (errors.length === 0 && a === b) errors.push({ field: 'b', message: 'must be a different country from a' });
    if (errors.length > 0) throw validationProblem(errors);
    const now = this.clock.now();
    const view = this.projections.readModel.relation(a, b, now.getTime(), now.toISOString());
    if (!view) throw new NotFoundException(`No incidents are recorded between ${a} and ${b}`);
    return withNames(view);
  }
}

function withNames(view: RelationView) {
  return { ...view, names: Object.fromEntries(view.pair.map((code) => [code, countryName(code)])) };
}
