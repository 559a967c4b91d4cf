import type { EscalationLevel } from './escalation.js';
import type { IncidentEvent } from './incident.js';
import { DAY_MS } from './numbers.js';

/** A relation's score and level over time: the instants a timeline is read at. */

export type TimelineInterval = 'day' | 'week' | 'month';

export interface TimelinePoint {
  atMs: number;
  score: number;
  level: EscalationLevel;
  /** Incidents whose reference instant falls after the previous point and not after this one. */
  incidents: IncidentEvent[];
}

/**
 * The instants of a timeline: `fromMs`, then every interval up to `toMs`. Months are calendar
 * months on the same day and time of day, clamped to the month's last day: from 31 January, the
 * points fall on 28/29 February, 31 March, 30 April…
 */
export function timelineInstants(fromMs: number, toMs: number, interval: TimelineInterval, max: number): number[] | 'too many' {
  const instants: number[] = [];
  for (let at = fromMs, step = 0; at <= toMs; at = stepFrom(fromMs, interval, ++step)) {
    if (instants.length === max) return 'too many';
    instants.push(at);
  }
  return instants;
}

function stepFrom(fromMs: number, interval: TimelineInterval, step: number): number {
  if (interval === 'day') return fromMs + step * DAY_MS;
  if (interval === 'week') return fromMs + step * 7 * DAY_MS;
  const from = new Date(fromMs);
  const [year, month, day] = [from.getUTCFullYear(), from.getUTCMonth() + step, from.getUTCDate()];
  const timeOfDayMs = fromMs - Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), day);
  // Date.UTC rolls 31 February over into March; a month step must land in the month it names.
  const lastDayOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(day, lastDayOfMonth)) + timeOfDayMs;
}

