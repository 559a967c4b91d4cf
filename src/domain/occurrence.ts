import { DAY_MS } from './numbers.js';

/**
 * When an incident happened, at the precision the reporting gives ("in late October" is only a
 * month). Every occurrence is a half-open period [start, end); the single instant used to order,
 * score and time-travel an incident is the middle of the part of it where the incident can have
 * happened (see `referenceInstant`).
 */

export type DatePrecision = 'year' | 'month' | 'day' | 'instant';

export interface Occurrence {
  /** As reported: `2023`, `2023-10`, `2023-12-26` or an ISO 8601 timestamp with offset. */
  occurredOn: string;
  precision: DatePrecision;
}

export interface Period {
  startMs: number;
  endMs: number;
}

/** The earliest year accepted; older diplomatic history is out of scope. */
export const EARLIEST_YEAR = 1800;

const YEAR = /^(\d{4})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

export class InvalidOccurrenceError extends Error {}

/** Parses a reported date, rejecting impossible calendar dates (2023-02-30) and unknown formats. */
export function parseOccurrence(occurredOn: string): Occurrence & Period {
  let m: RegExpExecArray | null;
  if ((m = YEAR.exec(occurredOn))) {
    const y = year(m[1]);
    return { occurredOn, precision: 'year', startMs: Date.UTC(y, 0, 1), endMs: Date.UTC(y + 1, 0, 1) };
  }
  if ((m = MONTH.exec(occurredOn))) {
    const y = year(m[1]);
    const mo = month(m[2]);
    return { occurredOn, precision: 'month', startMs: Date.UTC(y, mo - 1, 1), endMs: Date.UTC(y, mo, 1) };
  }
  if ((m = DAY.exec(occurredOn))) {
    const startMs = calendarDay(m[1], m[2], m[3]);
    return { occurredOn, precision: 'day', startMs, endMs: startMs + DAY_MS };
  }
  if ((m = INSTANT.exec(occurredOn))) {
    calendarDay(m[1], m[2], m[3]);
    const [hh, mm, ss] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
    if (hh > 23 || mm > 59 || ss > 59) throw new InvalidOccurrenceError(`${occurredOn} is not a valid time of day`);
    const offset = m[8];
    if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(4, 6)) > 59)) {
      throw new InvalidOccurrenceError(`${occurredOn} has an impossible UTC offset`);
    }
    const at = Date.parse(occurredOn);
    if (Number.isNaN(at)) throw new InvalidOccurrenceError(`${occurredOn} is not a valid timestamp`);
    return { occurredOn, precision: 'instant', startMs: at, endMs: at + 1 };
  }
  throw new InvalidOccurrenceError(
    `${occurredOn} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 timestamp with a UTC offset`,
  );
}

/**
 * The one instant an incident counts from — for ordering, decay and as-of views: the middle of the
 * part of its reported period in which it can have happened (an unbiased guess when only the month
 * or year is known). That feasible part starts no earlier than the incident it answers (a
 * reciprocal expulsion cannot precede the expulsion it answers: `causeAtMs`) and ends no later than
 * when it was recorded, since nothing is reported before it happens. "2023-12" answering an
 * expulsion of 26 December 12:00 and recorded in 2026 counts from 29 December 06:00, not from the
 * 16th.
 */
export function referenceInstant(period: Period, recordedAtMs: number, causeAtMs = -Infinity): number {
  const end = Math.min(period.endMs, recordedAtMs);
  const start = Math.max(period.startMs, causeAtMs);
  // No feasible part left (a cause dated after the period, amended since): never before the cause.
  if (start >= end) return Math.max(end, causeAtMs);
  return start + Math.floor((end - start) / 2);
}

/** A report cannot describe a period that has not begun yet. */
export function isInFuture(period: Period, nowMs: number): boolean {
  return period.startMs > nowMs;
}

function year(text: string): number {
  const y = Number(text);
  if (y < EARLIEST_YEAR) throw new InvalidOccurrenceError(`years before ${EARLIEST_YEAR} are not tracked`);
  return y;
}

function month(text: string): number {
  const mo = Number(text);
  if (mo < 1 || mo > 12) throw new InvalidOccurrenceError(`month ${text} does not exist`);
  return mo;
}

function calendarDay(y: string, mo: string, d: string): number {
  const ms = Date.UTC(year(y), month(mo) - 1, Number(d));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || Number(d) < 1) {
    throw new InvalidOccurrenceError(`${y}-${mo}-${d} is not a calendar date`);
  }
  return ms;
}
