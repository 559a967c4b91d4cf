import type { Clock } from '../clock.js';
import type { EvidenceFilter } from '../domain/evidence-weight.js';
import { isInFuture, parseOccurrence } from '../domain/occurrence.js';

/**
 * Which history to look at: incidents occurred by `asOfMs`, recorded by `knownAtMs`, scored at
 * `atMs` — and, with `evidence`, only those whose provenance and sources pass it.
 */
export interface Perspective {
  atMs: number;
  atIso: string;
  asOfMs?: number;
  knownAtMs?: number;
  evidence?: EvidenceFilter;
}

/** The time-travel parameters, as the HTTP query, the live feed and the replay CLI give them. */
export interface TimeTravel {
  /** Only incidents that had occurred by the end of this date. */
  asOf?: string;
  /** Only what Demarche had recorded by the end of this date. */
  knownAt?: string;
}

/** `asOf` names a date that has not begun: tomorrow's relation is a forecast, not a record (HTTP 400 on field asOf). */
export class FutureAsOf extends Error {
  constructor(readonly asOf: string) {
    super(`asOf: must not be in the future; ${asOf} has not begun yet (omit asOf for now)`);
    this.name = 'FutureAsOf';
  }

  /** The message for the field, without its name. */
  get reason(): string {
    return this.message.slice('asOf: '.length);
  }
}

/** End of the period a date names, as epoch ms. */
export function endOf(date: string): number {
  return parseOccurrence(date).endMs - 1;
}

/**
 * A date means the END of that day, month or year (UTC): `asOf=2023-12-01` is the state at
 * 23:59:59.999 on 1 December. Without asOf or knownAt the perspective is now.
 */
export function perspectiveOf(travel: TimeTravel, clock: Clock): Perspective {
  // Refuse tomorrow rather than score incidents' decay into the future.
  if (travel.asOf !== undefined && isInFuture(parseOccurrence(travel.asOf), clock.now().getTime())) throw new FutureAsOf(travel.asOf);
  const asOfMs = travel.asOf !== undefined ? endOf(travel.asOf) : undefined;
  const knownAtMs = travel.knownAt !== undefined ? endOf(travel.knownAt) : undefined;
  const atMs = asOfMs ?? knownAtMs ?? clock.now().getTime();
  return { atMs, atIso: new Date(atMs).toISOString(), asOfMs, knownAtMs };
}
