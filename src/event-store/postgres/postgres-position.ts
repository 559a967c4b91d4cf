/**
 * Positions in the PostgreSQL log: the `position` bigint, as canonical decimal text (no sign, no
 * leading zero), "0" meaning before the first event. Strict, since clients send positions back
 * (`?minPosition=`, `?after=`) and anything else must be refused, not cast by the server.
 */
const POSITION = /^(0|[1-9]\d{0,18})$/;
const MAX_BIGINT = 9223372036854775807n;

export function isPosition(value: string): boolean {
  return POSITION.test(value) && (value.length < 19 || BigInt(value) <= MAX_BIGINT);
}

/** Canonical decimals compare by length, then as text; anything else by value. */
export function comparePositions(a: string, b: string): number {
  if (POSITION.test(a) && POSITION.test(b)) {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const difference = BigInt(a) - BigInt(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
