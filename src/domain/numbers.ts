/** Units and roundings the escalation maths and the views share, written once. */

export const DAY_MS = 86_400_000;

/** `value` rounded to `digits` decimals (0.1 by default: how scores are shown). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
