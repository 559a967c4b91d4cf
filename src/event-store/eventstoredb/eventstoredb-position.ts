import type { Position } from '@eventstore/db-client';

/**
 * Positions in EventStoreDB's `$all` log, as `"<commit>/<prepare>"` in canonical decimal.
 *
 * The server keeps both halves as signed 64-bit log offsets (so never above 2^63−1) and a
 * record's commit lies at or after its prepare: an implicit transaction has commit = prepare,
 * an explicit one commits after its prepares. Anything else did not come from a server, so it
 * is refused before it reaches one. They stay bigint from the wire to the string.
 */

const POSITION_FORMAT = /^(0|[1-9][0-9]{0,39})\/(0|[1-9][0-9]{0,39})$/;
const LOG_OFFSET_MAX = 2n ** 63n - 1n;

export function formatPosition({ commit, prepare }: Position): string {
  return `${commit}/${prepare}`;
}

/** Throws TypeError, saying which rule is broken, for anything `isPosition` rejects. */
export function parsePosition(value: string): Position {
  const match = POSITION_FORMAT.exec(value);
  if (!match) throw new TypeError(`Not an EventStoreDB position: ${JSON.stringify(value)} (expected "<commit>/<prepare>" in decimal)`);
  const commit = BigInt(match[1]!);
  const prepare = BigInt(match[2]!);
  if (commit > LOG_OFFSET_MAX || prepare > LOG_OFFSET_MAX) {
    throw new TypeError(`Not an EventStoreDB position: ${JSON.stringify(value)} (both halves must be at most 2^63−1)`);
  }
  if (commit < prepare) {
    throw new TypeError(`Not an EventStoreDB position: ${JSON.stringify(value)} (the commit half cannot be before the prepare half)`);
  }
  return { commit, prepare };
}

export function isPosition(value: string): boolean {
  try {
    parsePosition(value);
    return true;
  } catch {
    return false;
  }
}

export function comparePositions(a: string, b: string): number {
  return comparePositionValues(parsePosition(a), parsePosition(b));
}

export function comparePositionValues(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * Whether a recorded event came without its real position. The client never leaves `position`
 * undefined: a server that does not send one yields 0/0 (protobuf's default), and one that has
 * none to give sends −1 as uint64, 2^64−1. No application event sits at 0/0 — the log opens with
 * the server's own records — so both mean a server older than 22.6.
 */
export function lacksPosition(position: Position | undefined): boolean {
  if (position === undefined) return true;
  const { commit, prepare } = position;
  return (commit === 0n && prepare === 0n) || commit > LOG_OFFSET_MAX || prepare > LOG_OFFSET_MAX || commit < prepare;
}
