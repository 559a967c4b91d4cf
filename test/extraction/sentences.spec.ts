import { splitSentences } from '../../src/extraction/sentences.js';

describe('sentences', () => {
  it('keeps a headline apart, abbreviations inside, a quote-ending full stop as an end, and offsets exact', () => {
    const text = 'U.S. Expels Envoy\n\nThe U.S. expelled a Russian diplomat on Monday. He said “it was unfair.” Russia protested.\n';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual([
      'U.S. Expels Envoy', 'The U.S. expelled a Russian diplomat on Monday.', 'He said “it was unfair.”', 'Russia protested.',
    ]);
    expect(sentences.map((s) => s.paragraph)).toEqual([0, 1, 1, 1]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
});
