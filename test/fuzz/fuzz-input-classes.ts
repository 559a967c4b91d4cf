import fc from 'fast-check';

/**
 * The input classes the text and query rules are about, for the fuzzer: text a field accepts
 * (restated here as an oracle, independent of the server's code), text that hides what it says
 * or says nothing, numerals a query must not read, and the parameters each route takes.
 */

export type Lines = 'one line' | 'several lines';

/**
 * Whether a field accepts `value` once NFC-normalised and trimmed: within its length, something
 * visible, no controls but tab and LF (CRLF) in several lines, no line breaks in one line, no bidi
 * embedding/override/isolate controls, no lone surrogates.
 */
export function isAcceptableText(value: unknown, maxLength: number, lines: Lines = 'one line'): boolean {
  if (typeof value !== 'string') return false;
  const stored = value.normalize('NFC').trim();
  return (
    stored.length >= 1 && stored.length <= maxLength &&
    !(lines === 'one line' ? /[\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u : /[^\P{Cc}\t\n\r]|\r(?!\n)|[\p{Cs}\u202a-\u202e\u2066-\u2069]/u).test(stored) &&
    /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]/u.test(stored)
  );
}

/** Around the text, what a paste brings and the server must strip or keep: spaces, direction marks, decomposed accents, joiners. */
const dressing = fc.constantFrom('', '', ' ', '  ', '\u00a0', '\t', '\u200f', 'e\u0301', '\ud83d\udc69\u200d\ud83d\udc67');

/** Text a field accepts (or '' when minLength is 0), in any script, often dressed as pasted. */
export function acceptableText(maxLength: number, minLength = 0, lines: Lines = 'one line'): fc.Arbitrary<string> {
  return fc
    .tuple(dressing, fc.string({ unit: 'grapheme', minLength, maxLength }), dressing)
    .map(([before, s, after]) => before + s + after)
    .filter((s) => (minLength === 0 && s === '') || isAcceptableText(s, maxLength, lines));
}

const HIDDEN_CHARACTERS = ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u009b', '\r', '\u2028', '\u202a', '\u202e', '\u2066', '\u2067', '\u2069', '\ud800', '\udfff', '\ud83d'];
const INVISIBLE_CHARACTERS = [' ', '\t', '\n', '\u00a0', '\u00ad', '\u034f', '\u200b', '\u200c', '\u200d', '\u200e', '\u2060', '\u2800', '\u3000', '\u3164', '\ufeff', '\ufe0f', '\u{e0020}'];
const ascii = fc.string({ unit: 'grapheme-ascii', maxLength: 20 });

/** Each class the text rule refuses: invisible-only, and controls, bidi controls or lone surrogates inside ordinary text or a URL. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...INVISIBLE_CHARACTERS), { minLength: 1, maxLength: 8 }).map((cs) => cs.join('')),
  fc.tuple(ascii, fc.constantFrom(...HIDDEN_CHARACTERS), ascii).map(([a, c, b]) => a + c + b),
  fc.tuple(fc.constantFrom('https://example.org/', 'http://example.com/a?b='), fc.constantFrom(...HIDDEN_CHARACTERS, ' ', '\u200b', '\u200f'), fc.stringMatching(/^[a-z]{1,8}$/)).map(([a, c, b]) => a + c + b),
);

/** Numerals Number() reads but a query must not (URL-encoded where they must be): only plain decimal digits are a number. */
export const ODD_NUMERALS = ['0x10', '1e2', '%2016', '16%20', '+16', '%2B16', '16.0', '0b10', '0o7', 'Infinity', '-0', '1_0', '%EF%BC%91%EF%BC%96'];

/** Keys that name the prototype chain, which the framework drops before validation unless the query is checked as parsed. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '%5F%5Fproto%5F%5F'];

/** The parameters each API route takes (the dashboard's pages and /docs are not judged): any other is a 400. */
export const ROUTE_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  '/incidents': ['pair', 'type', 'from', 'to', 'knownAt', 'limit', 'cursor', 'q', 'country', 'actor', 'target', 'sort', 'retracted', 'format'],
  '/incidents/{id}': [],
  '/relations': ['asOf', 'knownAt', 'minPosition', 'country', 'level', 'limit', 'offset', 'format'],
  '/relations/{a}/{b}': ['asOf', 'knownAt', 'minPosition'],
  '/relations/{a}/{b}/timeline': ['from', 'to', 'interval', 'knownAt', 'format'],
  '/events': ['after', 'limit'],
  '/events/stream': ['after'],
  '/catalog': [],
  '/health': [],
  '/admin/projections': [],
  '/watches': [],
  '/watches/alerts': [],
  '/watches/{id}/deliveries': [],
};
