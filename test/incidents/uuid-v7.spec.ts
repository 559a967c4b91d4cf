import { UuidV7Generator } from '../../src/incidents/uuid-v7.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisecondsOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('UuidV7Generator', () => {
  it('makes RFC 9562 version 7 ids that carry the instant they were made for', () => {
    const at = Date.UTC(2023, 11, 26, 9, 30);

    const id = new UuidV7Generator().next(at);

    expect(id).toMatch(UUID_V7);
    expect(millisecondsOf(id)).toBe(at);
  });

  it('keeps ids strictly increasing within a millisecond, across many, and when the clock steps back', () => {
    const ids = new UuidV7Generator();
    const at = Date.UTC(2024, 0, 1);
    const instants = [at, at, at + 1, at - 5_000, at + 1, ...Array.from({ length: 10_000 }, () => at + 2)];

    const made = instants.map((instant) => ids.next(instant));

    expect(made.every((id) => UUID_V7.test(id))).toBe(true);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    // 10,000 ids in one millisecond overflow its 12-bit counter into the next ones, never back.
    expect(millisecondsOf(made[3])).toBe(at + 1);
    expect(millisecondsOf(made.at(-1)!)).toBeGreaterThan(at + 2);
  });

  it('differs between generators in its random bits', () => {
    const at = Date.UTC(2024, 0, 1);

    expect(new UuidV7Generator().next(at)).not.toBe(new UuidV7Generator().next(at));
  });

  it('refuses an instant it cannot encode', () => {
    const ids = new UuidV7Generator();

    for (const instant of [-1, 1.5, Number.NaN, 2 ** 48]) expect(() => ids.next(instant)).toThrow(RangeError);
  });
});
