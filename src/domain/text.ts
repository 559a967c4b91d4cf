import { Transform } from 'class-transformer';
import { IsString, Length, ValidateBy } from 'class-validator';

/**
 * What free text (summaries, sources, details, reasons) may hold. It is shown to analysts, copied
 * into reports and compared by eye, so everything that can hide or disguise what it says is
 * refused rather than stored: control characters, bidirectional controls that reorder the text
 * around them (the "Trojan Source" trick), lone surrogates (not text at all: they break JSON
 * encoders and databases downstream), and values that look empty.
 *
 * U+200E/U+200F (left-to-right and right-to-left marks) and U+061C (Arabic letter mark) are
 * allowed: Arabic and Hebrew writers need them to place punctuation and numbers, and unlike the
 * embedding, override and isolate controls they cannot flip a run of text around.
 */

/** Whether a field may hold several lines (tab and line feed) or is one line. */
export type TextLines = 'one line' | 'several lines';

const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
/** C0 and C1 controls, line and paragraph separators, bidi controls and lone surrogates. */
const NOT_IN_ONE_LINE = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;
/** As above, but tab and line feed are the lines' own characters. */
const NOT_IN_SEVERAL_LINES = /(?![\t\n])[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;
const LINE_BREAK_OR_TAB = /[\t\n\r\u0085\p{Zl}\p{Zp}]/u;
/**
 * Spaces and default-ignorable code points (zero-width space and joiners, word joiner, BOM, soft
 * hyphen, variation selectors, Hangul fillers, tags…) render as nothing. U+2800 (Braille pattern
 * blank) is not default-ignorable but is the usual way to post a "blank" name.
 */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/**
 * The one form text is stored in: NFC (so "é" typed as e + U+0301 and as U+00E9 is the same
 * text, and compares and searches as such), without surrounding white space; several-line text
 * with CRLF line ends as LF.
 */
export function normalizeText(value: string, lines: TextLines): string {
  const nfc = value.normalize('NFC');
  return (lines === 'several lines' ? nfc.replace(/\r\n/g, '\n') : nfc).trim();
}

/** Why normalized text cannot be stored, or undefined when it can. */
export function textViolation(text: string, lines: TextLines): string | undefined {
  if (text.length === 0) return 'must not be empty';
  const found = (lines === 'one line' ? NOT_IN_ONE_LINE : NOT_IN_SEVERAL_LINES).exec(text);
  if (found) return forbiddenCharacter(found[0], found.index, lines);
  if (INVISIBLE_ONLY.test(text)) return 'must have visible characters, not only spaces or invisible ones such as U+200B (zero width space)';
  return undefined;
}

function forbiddenCharacter(character: string, index: number, lines: TextLines): string {
  const at = `${codePoint(character)} at position ${index + 1}`;
  if (/\p{Cs}/u.test(character)) return `must be well-formed Unicode: ${at} is a lone surrogate`;
  if (BIDI_CONTROL.test(character)) {
    return `must not contain bidirectional embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069): ${at}; the marks U+200E and U+200F are allowed`;
  }
  if (lines === 'one line' && LINE_BREAK_OR_TAB.test(character)) return `must be one line without tabs or line breaks: ${at}`;
  return `must not contain control characters: ${at}${lines === 'several lines' ? ' (only tab and line feed are allowed)' : ''}`;
}

export function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A free-text field of at most `maxLength` UTF-16 units: normalized (see normalizeText) before it
 * is validated and stored, then a string, not empty, not too long, and free of what textViolation
 * refuses. The place to change what any text field accepts.
 */
export function IsText(maxLength: number, { lines = 'one line' }: { lines?: TextLines } = {}): PropertyDecorator {
  return (target, property) => {
    Transform(({ value }) => (typeof value === 'string' ? normalizeText(value, lines) : value))(target, property);
    IsString({ message: 'must be a string' })(target, property);
    Length(1, maxLength, {
      message: ({ value }) => (typeof value === 'string' && value.length > maxLength ? `must be at most ${maxLength} characters long` : 'must not be empty'),
    })(target, property);
    ValidateBy({
      name: 'isText',
      constraints: [lines],
      validator: {
        // Non-strings and empty strings are the two rules above's to report.
        validate: (value) => typeof value !== 'string' || value === '' || textViolation(value, lines) === undefined,
        defaultMessage: (args) => textViolation(String(args?.value), lines) ?? '',
      },
    })(target, property);
  };
}
