import {
  comparePositions,
  formatPosition,
  isPosition,
  lacksPosition,
  parsePosition,
} from '../src/event-store/eventstoredb/eventstoredb-position.js';

const beyondDoubles = 2n ** 53n + 1n; // the first integer a JavaScript number cannot hold
const uint64Max = 2n ** 64n - 1n;
const int64Max = 2n ** 63n - 1n; // the server's log offsets are signed 64-bit

describe('EventStoreDB positions', () => {
  it('round-trip commit and prepare beyond 2^53 without losing a digit', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: beyondDoubles + 2n, prepare: beyondDoubles },
      { commit: int64Max, prepare: int64Max - 1n },
      { commit: int64Max, prepare: int64Max },
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
    expect(comparePositions(sameCommit(beyondDoubles - 1n), sameCommit(beyondDoubles))).toBeLessThan(0);
    expect(comparePositions(sameCommit(9n), sameCommit(10n))).toBeLessThan(0); // numeric, not lexicographic
    expect(comparePositions(sameCommit(3n), sameCommit(3n))).toBe(0);
  });

  it('sorts like the log', () => {
    // An explicit transaction's events share its commit and differ in prepare.
    const positions = ['12/10', '9/9', '12/12', '100/100', '12/11'];
    expect([...positions].sort(comparePositions)).toEqual(['9/9', '12/10', '12/11', '12/12', '100/100']);
  });

  it('rejects anything it could not have produced', () => {
    for (const junk of ['', ' ', 'abc', '-1', '1', '1/', '/1', '01/1', '1/01', '1/-1', '1/2/3', '1 /2', '0x1/2', '1.0/2',
      `${uint64Max + 1n}/0`, `0/${uint64Max + 1n}`, '+1/0', '1/0 ', '\u0661/0', '1e3/0', '1_000/0']) {
      expect(isPosition(junk)).toBe(false);
      expect(() => parsePosition(junk)).toThrow(TypeError);
    }
  });

  it('rejects halves beyond 2^63−1, which no server offset reaches, saying so', () => {
    for (const beyond of [`${int64Max + 1n}/0`, `${uint64Max}/${uint64Max}`, `${int64Max + 1n}/${int64Max}`, `${'9'.repeat(40)}/1`]) {
      expect(isPosition(beyond)).toBe(false);
    }
    expect(() => parsePosition(`${uint64Max}/${uint64Max}`)).toThrow(/at most 2\^63−1/);
    expect(isPosition(`${int64Max}/0`)).toBe(true);
  });

  it('rejects a commit half before its prepare half, saying so', () => {
    expect(isPosition('10/11')).toBe(false);
    expect(isPosition('0/1')).toBe(false);
    expect(() => parsePosition('10/11')).toThrow(/commit half cannot be before the prepare half/);
    expect(isPosition('11/10')).toBe(true);
    expect(isPosition('0/0')).toBe(true); // the start of $all, a fine place to read from
  });
});

describe('lacksPosition (the "server 22.6+" guard)', () => {
  it('sees the two shapes an older server gives: protobuf default 0/0 and −1 as uint64', () => {
    expect(lacksPosition(undefined)).toBe(true);
    expect(lacksPosition({ commit: 0n, prepare: 0n })).toBe(true);
    expect(lacksPosition({ commit: uint64Max, prepare: uint64Max })).toBe(true);
    expect(lacksPosition({ commit: 1n, prepare: 2n })).toBe(true);
  });

  it('accepts real positions', () => {
    expect(lacksPosition({ commit: 1234n, prepare: 1234n })).toBe(false);
    expect(lacksPosition({ commit: int64Max, prepare: 5n })).toBe(false);
  });
});
