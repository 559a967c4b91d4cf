import fc from 'fast-check';
import { parseIsoInstant } from '../../src/domain/iso-instant.js';

describe('parseIsoInstant', () => {
  it('reads what toISOString writes exactly as Date.parse does, over years 0–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse("0000-01-01T00:00:00.000Z"), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        const text = new Date(ms).toISOString();
        expect(parseIsoInstant(text)).toBe(Date.parse(text));
        expect(parseIsoInstant(text)).toBe(ms);
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with Date.parse on every field out of range, which Date.parse rolls over or refuses', () => {
    const field = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const shaped = fc
      .tuple(field(99), field(99), field(99), field(99), field(99), field(99), field(99), fc.integer({ min: 0, max: 999 }))
      .map(([c, y, mo, d, h, mi, s, ms]) => `${c}${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(
      fc.property(shaped, (text) => {
        expect(parseIsoInstant(text)).toBe(Date.parse(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    '2023-02-29T00:00:00.000Z',
    '2024-02-29T23:59:59.999Z',
    '2100-02-29T00:00:00.000Z',
    '2000-02-29T00:00:00.000Z',
    '2023-04-31T00:00:00.000Z',
    '2023-01-10T24:00:00.000Z',
    '2023-01-10T23:60:00.000Z',
    '2023-12-28T10:15:00Z',
    '2023-12-28T10:15:00.000+01:00',
    '2023-12-28',
    '2023-1a-28T10:15:00.000Z',
    '2023-12-28T10:15:00.00xZ',
    '',
  ])('%j reads as Date.parse reads it', (text) => {
    expect(parseIsoInstant(text)).toBe(Date.parse(text));
  });
});
