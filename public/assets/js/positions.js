// Log positions as the API hands them out: "1234" from SQLite, "<commit>/<prepare>" from EventStoreDB.

const POSITION = /^\d+(\/\d+)?$/;

/**
 * Sort comparator over log positions, exact at any size: each half is compared as a BigInt,
 * commit first. (Number("12/12") is NaN, and 64-bit halves lose digits as Numbers.) Anything
 * that is not a position sorts as text, after the positions.
 */
export function comparePositions(a, b) {
  const [x, y] = [String(a), String(b)];
  if (!POSITION.test(x) || !POSITION.test(y)) return POSITION.test(x) ? -1 : POSITION.test(y) ? 1 : x < y ? -1 : x > y ? 1 : 0;
  const xs = x.split('/');
  const ys = y.split('/');
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const p = BigInt(xs[i] ?? 0);
    const q = BigInt(ys[i] ?? 0);
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
