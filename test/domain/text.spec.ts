import fc from 'fast-check';
import { normalizeText, textViolation, type TextLines } from '../../src/domain/text.js';

/** The text rule on its own; bad-input.e2e-spec.ts checks that every text field of the API applies it. */

const accepted = (text: string, lines: TextLines = 'one line') => textViolation(normalizeText(text, lines), lines);

describe('normalizeText', () => {
  it('composes accents (NFC), trims white space and, in several-line text, turns CRLF into LF', () => {
    expect(normalizeText(' Cafe\u0301\u00a0\t', 'one line')).toBe('Caf\u00e9');
    expect(normalizeText('\ufeffa\r\nb\r\n', 'several lines')).toBe('a\nb');
    expect(normalizeText('a\r\nb', 'one line')).toBe('a\r\nb');
  });

  it('keeps a lone surrogate, so that the rule can refuse it', () => {
    expect(normalizeText(' \ud800 ', 'one line')).toBe('\ud800');
  });
});

describe('textViolation', () => {
  it.each([
    ['', 'one line', /^must not be empty$/],
    ['\u200b\u200c\u200d\u2060\ufeff', 'one line', /^must have visible characters/],
    ['\u00ad\u034f\u3164\u2800', 'one line', /^must have visible characters/],
    ['\u200b \u200b', 'several lines', /^must have visible characters/],
    ['a\u0000b', 'one line', /^must not contain control characters: U\+0000 at position 2$/],
    ['\u001b[31mred', 'several lines', /^must not contain control characters: U\+001B at position 1 \(only tab and line feed are allowed\)$/],
    ['a\u0085b', 'several lines', /^must not contain control characters: U\+0085/],
    ['a\rb', 'several lines', /^must not contain control characters: U\+000D/],
    ['a\tb', 'one line', /^must be one line without tabs or line breaks: U\+0009 at position 2$/],
    ['a\u2028b', 'one line', /^must be one line without tabs or line breaks: U\+2028/],
    ['abc\u202e', 'several lines', /^must not contain bidirectional embedding, override or isolate controls .*: U\+202E at position 4; the marks U\+200E and U\+200F are allowed$/],
    ['\u2066x\u2069', 'one line', /^must not contain bidirectional .*U\+2066 at position 1/],
    ['x\ud800', 'one line', /^must be well-formed Unicode: U\+D800 at position 2 is a lone surrogate$/],
    ['\udc00x', 'several lines', /^must be well-formed Unicode: U\+DC00 at position 1 is a lone surrogate$/],
  ] as const)('refuses %j (%s), naming the rule', (text, lines, message) => {
    expect(textViolation(text, lines)).toMatch(message);
  });

  it.each([
    ['\u0642\u0637\u0631\u200f (2024)', 'one line'],
    ['\u200f\u05e9\u05dc\u05d5\u05dd\u200e', 'one line'],
    ['\u061c\u0661\u0662', 'one line'],
    ['\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67 \ud83c\uddeb\ud83c\uddf7', 'one line'],
    ['\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645', 'one line'],
    ['First line\nsecond\tline', 'several lines'],
  ] as const)('accepts %j (%s)', (text, lines) => {
    expect(textViolation(text, lines)).toBeUndefined();
  });

  it('lets through only well-formed, visible, normalised text without controls other than tab and LF in several lines', () => {
    const anyText = fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\t', '\n', '\r', '\u001b', '\u0085', '\u200b', '\u200f', '\u202e', '\u2067', '\ud800', '\udfff', ' ', 'e\u0301'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 12 });
    fc.assert(
      fc.property(anyText, fc.constantFrom<TextLines>('one line', 'several lines'), (raw, lines) => {
        const text = normalizeText(raw, lines);
        if (textViolation(text, lines) !== undefined) return;
        expect(text).not.toMatch(/\p{Cs}/u);
        expect(text).toBe(text.normalize('NFC').trim());
        expect(text).not.toMatch(lines === 'one line' ? /[\p{Cc}\u2028\u2029]/u : /[^\P{Cc}\t\n]/u);
        expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
        expect(text).toMatch(/[^\p{White_Space}\p{Default_Ignorable_Code_Point}]/u);
      }),
      { numRuns: 2_000 },
    );
  });
});
