import nlp from 'compromise/one';
import type { TextSpan } from './proposal.js';

/** A sentence of the article, with the paragraph it belongs to (dates and pronouns carry within one). */
export interface Sentence extends TextSpan {
  readonly index: number;
  readonly paragraph: number;
}

/**
 * Splits an article into sentences with their offsets. Paragraphs (blank lines, and single lines such
 * as headlines) are cut first, because compromise joins a headline with the sentence under it when no
 * full stop separates them; each paragraph is then split by compromise's tokenizer, which knows
 * abbreviations ("U.S.", "Dr.") and quotes. compromise/one (the tokenizer alone) is used: sentence
 * boundaries do not need the tagger, and it is several times faster on a long article.
 */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let paragraph = 0;
  for (const block of paragraphsOf(text)) {
    const parsed = nlp(block.text).json({ offset: true }) as Array<{ offset: { start: number; length: number } }>;
    for (const { offset } of parsed) {
      const start = block.start + offset.start;
      const raw = text.slice(start, start + offset.length);
      const trimmedEnd = start + raw.trimEnd().length;
      for (const piece of splitAfterClosingQuotes(start, text.slice(start, trimmedEnd))) {
        sentences.push({ index: sentences.length, paragraph, ...piece });
      }
    }
    paragraph++;
  }
  return sentences;
}

/** compromise keeps `...Armenians.” He had` as one sentence: a full stop inside closing quotes also ends one. */
function splitAfterClosingQuotes(start: number, sentence: string): Array<{ start: number; end: number; text: string }> {
  const pieces: Array<{ start: number; end: number; text: string }> = [];
  let from = 0;
  for (const match of sentence.matchAll(/[.!?]['"’”]\s+(?=[A-Z])/g)) {
    const end = match.index! + 2;
    pieces.push({ start: start + from, end: start + end, text: sentence.slice(from, end) });
    from = match.index! + match[0].length;
  }
  if (from < sentence.length) pieces.push({ start: start + from, end: start + sentence.length, text: sentence.slice(from) });
  return pieces;
}

function paragraphsOf(text: string): TextSpan[] {
  const blocks: TextSpan[] = [];
  const line = /[^\n]+/g;
  for (let match = line.exec(text); match; match = line.exec(text)) {
    const leading = match[0].length - match[0].trimStart().length;
    const body = match[0].trim();
    if (body) blocks.push({ start: match.index + leading, end: match.index + leading + body.length, text: body });
  }
  return blocks;
}
