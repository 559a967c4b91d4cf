import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable } from '../domain/omittable.js';
import { IsCalendarDay, IsText, IsWebUrl } from '../http/validators.js';
import type { ArticleInput } from './proposal.js';

/**
 * The longest article text read, in characters. A long news article runs to 1,500 words, about
 * 10,000 characters; 50,000 leaves room for a feature or a transcript while keeping the whole
 * body under the app's 64 KiB limit for Latin text (text in other scripts, 2–3 bytes a
 * character in UTF-8, may reach that 413 first).
 */
export const MAX_ARTICLE_CHARACTERS = 50_000;

/** POST /extractions: an article and its date. Nothing of it is stored. */
export class ExtractArticleDto implements ArticleInput {
  @ApiProperty({
    maxLength: MAX_ARTICLE_CHARACTERS,
    description: 'The article as plain text, several lines allowed; read NFC-normalised and trimmed (evidence offsets are into the text the response returns)',
    example: 'BAKU — Azerbaijan announced the expulsion of two French diplomats on Tuesday after repeatedly accusing France of siding with Armenia.',
  })
  @IsText(MAX_ARTICLE_CHARACTERS, { lines: 'several lines' })
  text!: string;

  @ApiProperty({ format: 'date', description: 'YYYY-MM-DD, not in the future: anchors relative dates ("on Tuesday")', example: '2023-12-27' })
  @IsCalendarDay()
  publishedOn!: string;

  @ApiPropertyOptional({ format: 'uri', description: 'Where the article was published; becomes the source of accepted incidents', example: 'https://www.example.org/2023/12/27/azerbaijan-expels-french-diplomats' })
  @IsOmittable() @IsWebUrl('must be an http(s) URL')
  url?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Example Wire' })
  @IsOmittable() @IsText(200)
  publisher?: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Azerbaijan expels two French diplomats' })
  @IsOmittable() @IsText(500)
  title?: string;
}
