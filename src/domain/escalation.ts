import { INCIDENT_CATALOG, type IncidentType } from './incident-catalog.js';
import type { IncidentData } from './incident.js';

/**
 * The escalation score of a relation at an instant: a pure function of its incidents.
 *
 *   decay_i(t) = 2^(−(t − t_i)/H)                        for incidents with t_i ≤ t
 *   C(t) = Σ max(0, −g_i)·m_i·decay_i(t)                  conflict pressure
 *   K(t) = Σ max(0,  g_i)·m_i·decay_i(t)                  cooperation
 *   score(t) = 100·(1 − e^(−max(0, C − α·K)/S))
 *
 * g_i is the Goldstein weight of the incident's CAMEO code; m_i multiplies tit-for-tat
 * (reciprocal) conflict and magnitude (1 + log10 of diplomats expelled).
 * With these constants the December 2023 Azerbaijan–France story (two expulsions, two summonses,
 * a boycott and a run of accusations) reads as "strained" (≈51) on 28 December 2023.
 */
export const ESCALATION_CONSTANTS = Object.freeze({
  /** H: days for an incident's weight to halve. */
  halfLifeDays: 30,
  /** Extra weight of a reciprocal (tit-for-tat) conflict incident. */
  reciprocalMultiplier: 1.5,
  /** α: how much one point of cooperation offsets a point of conflict. */
  cooperationOffset: 0.5,
  /** S: conflict pressure at which the score reaches 63. */
  saturation: 25,
  /** The trend compares the score now with the score this many days earlier. */
  trendWindowDays: 30,
  /** A change smaller than this many points is "unchanged". */
  trendThreshold: 5,
  /** How many incidents the explanation lists. */
  topContributors: 5,
  /** Incidents adding less than this many points of pressure are left out of the explanation. */
  negligibleContribution: 0.05,
});

export const ESCALATION_LEVELS = [
  { level: 'calm', from: 0 },
  { level: 'friction', from: 10 },
  { level: 'strained', from: 30 },
  { level: 'crisis', from: 55 },
  { level: 'rupture', from: 80 },
] as const;

export type EscalationLevel = (typeof ESCALATION_LEVELS)[number]['level'];
export type Trend = 'deteriorated' | 'improved' | 'unchanged';

/** What the score needs to know of one incident. */
export interface ScoredIncident {
  incidentId: string;
  type: IncidentType;
  actor: string;
  target: string;
  occurredOn: string;
  summary: string;
  /** Reference instant, epoch ms. */
  atMs: number;
  /** m_i */
  multiplier: number;
}

export interface Contribution {
  incidentId: string;
  type: IncidentType;
  actor: string;
  target: string;
  occurredOn: string;
  summary: string;
  goldstein: number;
  multiplier: number;
  /** Share of the incident's weight left at the instant (the decay factor). */
  remaining: number;
  /** Points of net conflict pressure (C − α·K) this incident adds now; negative for cooperation. */
  contribution: number;
  explanation: string;
}

export interface Escalation {
  score: number;
  level: EscalationLevel;
  conflict: number;
  cooperation: number;
  trend: { direction: Trend; change: number; windowDays: number; scoreThen: number };
  topContributors: Contribution[];
}

const DAY_MS = 86_400_000;

export function levelFor(score: number, severed: boolean): EscalationLevel {
  if (severed) return 'rupture';
  let level: EscalationLevel = 'calm';
  for (const band of ESCALATION_LEVELS) if (score >= band.from) level = band.level;
  return level;
}

function decay(atMs: number, incidentMs: number): number {
  return Math.pow(2, -(atMs - incidentMs) / (ESCALATION_CONSTANTS.halfLifeDays * DAY_MS));
}

/** C − α·K at `atMs`, with each incident's signed share of it. */
function pressure(incidents: readonly ScoredIncident[], atMs: number) {
  let conflict = 0;
  let cooperation = 0;
  for (const incident of incidents) {
    if (incident.atMs > atMs) continue;
    const g = INCIDENT_CATALOG[incident.type].goldstein;
    const weight = Math.abs(g) * incident.multiplier * decay(atMs, incident.atMs);
    if (g < 0) conflict += weight;
    else cooperation += weight;
  }
  return { conflict, cooperation };
}

export function scoreFromPressure(conflict: number, cooperation: number): number {
  const net = Math.max(0, conflict - ESCALATION_CONSTANTS.cooperationOffset * cooperation);
  return 100 * (1 - Math.exp(-net / ESCALATION_CONSTANTS.saturation));
}

export function scoreAt(incidents: readonly ScoredIncident[], atMs: number): number {
  const { conflict, cooperation } = pressure(incidents, atMs);
  return scoreFromPressure(conflict, cooperation);
}

export function escalationAt(incidents: readonly ScoredIncident[], atMs: number, severed: boolean): Escalation {
  const now = pressure(incidents, atMs);
  const then = pressure(incidents, atMs - ESCALATION_CONSTANTS.trendWindowDays * DAY_MS);
  return { ...escalationFigures(now, then, severed), topContributors: topContributors(incidents, atMs) };
}

export type Pressure = { conflict: number; cooperation: number };

/** Score, level, pressures and trend from the pressure now and `trendWindowDays` earlier. */
export function escalationFigures(now: Pressure, then: Pressure, severed: boolean): Omit<Escalation, 'topContributors'> {
  const score = scoreFromPressure(now.conflict, now.cooperation);
  const { trendWindowDays, trendThreshold } = ESCALATION_CONSTANTS;
  const scoreThen = scoreFromPressure(then.conflict, then.cooperation);
  const change = score - scoreThen;
  const direction: Trend = change >= trendThreshold ? 'deteriorated' : change <= -trendThreshold ? 'improved' : 'unchanged';
  // The level follows the score as shown, so 29.96 reads "30.0, strained", never "30.0, friction".
  return {
    score: round(score),
    level: levelFor(round(score), severed),
    conflict: round(now.conflict),
    cooperation: round(now.cooperation),
    trend: { direction, change: round(change), windowDays: trendWindowDays, scoreThen: round(scoreThen) },
  };
}

/**
 * The incidents adding most to the pressure, largest first (ties in the order given). Ranked on
 * the bare number, so only the few listed become Contribution objects with their explanation.
 */
function topContributors(incidents: readonly ScoredIncident[], atMs: number): Contribution[] {
  const { topContributors: wanted, negligibleContribution } = ESCALATION_CONSTANTS;
  const top: { incident: ScoredIncident; size: number }[] = [];
  for (const incident of incidents) {
    const goldstein = INCIDENT_CATALOG[incident.type].goldstein;
    if (incident.atMs > atMs || goldstein === 0) continue;
    const size = Math.abs(round(signedWeight(goldstein) * incident.multiplier * decay(atMs, incident.atMs), 2));
    if (size < negligibleContribution || (top.length === wanted && size <= top[wanted - 1].size)) continue;
    let at = top.length;
    while (at > 0 && top[at - 1].size < size) at--;
    top.splice(at, 0, { incident, size });
    if (top.length > wanted) top.pop();
  }
  return top.map(({ incident }) => contributionOf(incident, atMs));
}

/** Points of net pressure (C − α·K) one unit of the incident's weight adds: negative for cooperation. */
export function signedWeight(goldstein: number): number {
  return goldstein < 0 ? -goldstein : -ESCALATION_CONSTANTS.cooperationOffset * goldstein;
}

export function contributionOf(incident: ScoredIncident, atMs: number): Contribution {
  const goldstein = INCIDENT_CATALOG[incident.type].goldstein;
  const remaining = decay(atMs, incident.atMs);
  const contribution = signedWeight(goldstein) * incident.multiplier * remaining;
  const days = Math.round((atMs - incident.atMs) / DAY_MS);
  const multiplier = incident.multiplier === 1 ? '' : ` × ${round(incident.multiplier, 2)}`;
  return {
    incidentId: incident.incidentId,
    type: incident.type,
    actor: incident.actor,
    target: incident.target,
    occurredOn: incident.occurredOn,
    summary: incident.summary,
    goldstein,
    multiplier: round(incident.multiplier, 3),
    remaining: round(remaining, 3),
    contribution: round(contribution, 2),
    explanation:
      `${incident.type} ${incident.actor}→${incident.target} (${incident.occurredOn}): Goldstein ${goldstein}${multiplier}, ` +
      `${Math.round(remaining * 100)}% of its weight left after ${days} days`,
  };
}

/** m_i: tit-for-tat and magnitude multipliers of one incident. */
export function multiplierOf(type: IncidentType, data: IncidentData): number {
  const definition = INCIDENT_CATALOG[type];
  const magnitude = definition.magnitude?.(data) ?? 1;
  const reciprocal = definition.reciprocal && definition.goldstein < 0 ? ESCALATION_CONSTANTS.reciprocalMultiplier : 1;
  return magnitude * reciprocal;
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
