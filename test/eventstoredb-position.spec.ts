import {
  comparePositions,
  formatPosition,
  isPosition,
  parsePosition,
} from '../src/event-store/eventstoredb/eventstoredb-event-store.js';

const beyondDoubles = 2n ** 53n + 1n; // the first integer a JavaScript number cannot hold
const uint64Max = 2n ** 64n - 1n;

describe('EventStoreDB positions', () => {
  it('round-trip commit and prepare beyond 2^53 without losing a digit', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: beyondDoubles, prepare: beyondDoubles + 2n },
      { commit: uint64Max, prepare: uint64Max - 1n },
    ]) {
      const encoded = formatPosition(position);
      expect(isPosition(encoded)).toBe(true);
      expect(parsePosition(encoded)).toEqual(position);
    }
    expect(formatPosition({ commit: beyondDoubles, prepare: 7n })).toBe('9007199254740993/7');
  });

  it('compares by commit, then by prepare, exactly where doubles would tie', () => {
    const low = formatPosition({ commit: beyondDoubles - 1n, prepare: 5n });
    const high = formatPosition({ commit: beyondDoubles, prepare: 0n });
    // As numbers these commits are equal (both round to 2^53); as bigints they are not.
    expect(Number(beyondDoubles - 1n)).toBe(Number(beyondDoubles));
    expect(comparePositions(low, high)).toBeLessThan(0);
    expect(comparePositions(high, low)).toBeGreaterThan(0);

    const sameCommit = (prepare: bigint) => formatPosition({ commit: beyondDoubles, prepare });
    expect(comparePositions(sameCommit(beyondDoubles), sameCommit(beyondDoubles + 1n))).toBeLessThan(0);
    expect(comparePositions(sameCommit(9n), sameCommit(10n))).toBeLessThan(0); // numeric, not lexicographic
    expect(comparePositions(sameCommit(3n), sameCommit(3n))).toBe(0);
  });

  it('sorts like the log', () => {
    const positions = ['10/10', '9/9', '10/12', '100/100', '10/11'];
    expect([...positions].sort(comparePositions)).toEqual(['9/9', '10/10', '10/11', '10/12', '100/100']);
  });

  it('rejects anything it could not have produced', () => {
    for (const junk of ['', ' ', 'abc', '-1', '1', '1/', '/1', '01/1', '1/01', '1/-1', '1/2/3', '1 /2', '0x1/2', '1.0/2',
      `${uint64Max + 1n}/0`, `0/${uint64Max + 1n}`]) {
      expect(isPosition(junk)).toBe(false);
      expect(() => parsePosition(junk)).toThrow(TypeError);
    }
  });
});
