import { createHash } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresRole } from '../auth/requires-role.decorator.js';
import { CLOCK, type Clock } from '../clock.js';
import { isInFuture, parseOccurrence } from '../domain/occurrence.js';
import { ApiProblems } from '../docs/problem.schema.js';
import { ExtractionResponse } from '../docs/responses/extraction.responses.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { validationProblem } from '../http/problem.js';
import { ExtractArticleDto, MAX_ARTICLE_CHARACTERS } from './extract-article.dto.js';
import { extractIncidents } from './extract.js';

/**
 * Reads an article and proposes the incidents it reports, with the evidence for each. Nothing is
 * recorded: proposals become incidents only when an analyst accepts them (POST /incidents/batch).
 * A reporter's route, like reporting, because it exists to prepare reports.
 */
@ApiTags('extractions')
@Controller('extractions')
export class ExtractionsController {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @Post()
  @HttpCode(200)
  @RequiresRole('reporter')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Propose incidents from a news article',
    description:
      `Rule-based and explainable: each proposal carries the sentence, the trigger, actor and target spans, a confidence and the rule that fired. ` +
      `The text is at most ${MAX_ARTICLE_CHARACTERS.toLocaleString('en')} characters (and the body at most 64 KiB). Nothing is recorded.`,
  })
  @ApiBody({ type: ExtractArticleDto })
  @ApiOkResponse({ type: ExtractionResponse, description: 'The proposals, in the order of the text' })
  @ApiProblems(400, 401, 403, 413, 415)
  propose(@Body() article: ExtractArticleDto, @Query() _query: NoQueryParameters): ExtractionResponse {
    // Relative dates are read back from publishedOn: an article from tomorrow would date today's events wrongly.
    if (isInFuture(parseOccurrence(article.publishedOn), this.clock.now().getTime())) {
      throw validationProblem([{ field: 'publishedOn', message: `${article.publishedOn} is in the future` }]);
    }
    const result = extractIncidents(article);
    return { text: article.text, articleFingerprint: fingerprintOf(article), sentences: result.sentences, proposals: result.proposals.map((proposal) => ({ ...proposal, details: { ...proposal.details } })) };
  }
}

/** The same article read on the same date proposes the same incidents: together they name the acceptance. */
function fingerprintOf(article: ExtractArticleDto): string {
  return createHash('sha256').update(`${article.publishedOn}\n${article.text}`).digest('hex').slice(0, 16);
}
