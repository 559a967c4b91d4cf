import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../docs/problem.schema.js';
import { MethodologyResponse } from '../docs/responses/methodology.responses.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { buildMethodology } from './methodology.js';

/** The method behind every score, as data; the dashboard's /about/methodology page renders it. */
@ApiTags('catalog')
@Controller('methodology')
export class MethodologyController {
  private readonly methodology = buildMethodology();

  @Get()
  @ApiOperation({ summary: 'How the score is made: formula, constants, decay, levels, standing conditions and incident types with CAMEO codes and Goldstein weights' })
  @ApiOkResponse({ type: MethodologyResponse })
  @ApiProblems(400)
  get(@Query() _query: NoQueryParameters): MethodologyResponse {
    return this.methodology;
  }
}
