import { INCIDENT_CATALOG } from './incident-catalog.js';
import type { IncidentType } from './incident-types.js';
import type { IncidentData, IncidentInContext } from './incident.js';
import { DAY_MS, round } from './numbers.js';
import type { StandingCondition } from './standing-conditions.js';

/**
 * The escalation score of a relation at an instant: one saturating transform of one pressure.
 *
 *   decay_i(t) = 2^(−(t − t_i)/H)                        for incidents with t_i ≤ t
 *   C(t) = Σ max(0, −g_i)·m_i·e_i·decay_i(t)              conflict pressure of incidents
 *   K(t) = Σ max(0,  g_i)·m_i·e_i·decay_i(t)              cooperation
 *   M(t) = max(0, C − α·K)                                momentum: recent incidents, decaying
 *   T(t) = Σ tension of the conditions standing at t      relations severed, sanctions, war… (standing-conditions.ts)
 *   score(t) = 100·(1 − e^(−(T + M)/S))
 *
 * g_i is the Goldstein weight of the incident's CAMEO code; m_i multiplies tit-for-tat
 * (reciprocal) conflict and magnitude (1 + log10 of diplomats expelled); e_i weighs a machine-coded
 * incident by its evidence (evidence-weight.ts: 1 for an analyst's report or confirmation). The
 * read side passes m_i·e_i as the incident's multiplier. Cooperation offsets the
 * heat of recent conflict, not a standing condition: only the incident that ends a condition
 * (relations restored, a ceasefire…) removes its tension. The level is a function of the score
 * alone, so a severed relation reads rupture because its condition scores it there.
 */
export const ESCALATION_CONSTANTS = Object.freeze({
  /** H: days for an incident's weight to halve. */
  halfLifeDays: 30,
  /** Extra weight of a reciprocal (tit-for-tat) conflict incident. */
  reciprocalMultiplier: 1.5,
  /** α: how much one point of cooperation offsets a point of conflict. */
  cooperationOffset: 0.5,
  /** S: pressure at which the score reaches 63; rupture (80) needs S·ln 5 ≈ 40.2. */
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
  /** The incident's Goldstein weight: its type's, or for a CAMEO category its full code's (incident-catalog.ts). */
  goldstein: number;
  /** The incident as its effect on the facts reads it (for the standing conditions). */
  context: IncidentInContext;
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
  /** Points of the score it accounts for (see `explained`). */
  points: number;
  explanation: string;
}

/** A standing condition as a response shows it: since when, and the points of the score it accounts for. */
export interface ConditionContribution extends Omit<StandingCondition, 'sinceMs'> {
  /** The day it began, YYYY-MM-DD. */
  since: string;
  points: number;
}

export interface Escalation {
  score: number;
  level: EscalationLevel;
  /** T + M: the pressure the score transforms. */
  pressure: number;
  /** T: the standing conditions' tension. */
  tension: number;
  /** M = max(0, C − α·K): the incidents' decaying momentum. */
  momentum: number;
  conflict: number;
  cooperation: number;
  trend: { direction: Trend; change: number; windowDays: number; scoreThen: number };
  /** Every standing condition, heaviest first; with the incidents' points, the points add up to the score. */
  conditions: ConditionContribution[];
  topContributors: Contribution[];
  /** Points of the incidents not listed (each too small to list), so the parts add up to the score. */
  otherIncidentsPoints: number;
}

/** C and K of the incidents, and T of the conditions, at one instant. */
export interface Pressure {
  conflict: number;
  cooperation: number;
  tension: number;
}

export type EscalationFigures = Omit<Escalation, 'conditions' | 'topContributors' | 'otherIncidentsPoints'>;

const HALF_LIFE_MS = ESCALATION_CONSTANTS.halfLifeDays * DAY_MS;

/** decay_i: the share of an incident's weight left `elapsedMs` after its reference instant. */
export function decayFactor(elapsedMs: number): number {
  return Math.pow(2, -elapsedMs / HALF_LIFE_MS);
}

/**
 * How large an incident's part of the pressure is listed, the number top contributors are ranked
 * by: |signed weight × m_i × decay_i|, rounded to 0.01 as a response shows it.
 */
export function contributionSize(goldstein: number, multiplier: number, remaining: number): number {
  return Math.abs(round(signedWeight(goldstein) * multiplier * remaining, 2));
}

export function levelFor(score: number): EscalationLevel {
  let level: EscalationLevel = 'calm';
  for (const band of ESCALATION_LEVELS) if (score >= band.from) level = band.level;
  return level;
}

/** M = max(0, C − α·K). */
export function momentumOf({ conflict, cooperation }: { conflict: number; cooperation: number }): number {
  return Math.max(0, conflict - ESCALATION_CONSTANTS.cooperationOffset * cooperation);
}

/** The score as a view shows it (rounded to 0.1), with no object around it. */
export function shownScore(pressure: Pressure): number {
  return round(scoreOf(pressure));
}

export function scoreOf(pressure: Pressure): number {
  return 100 * (1 - Math.exp(-(pressure.tension + momentumOf(pressure)) / ESCALATION_CONSTANTS.saturation));
}

/** The score as shown and its level, from the pressure at one instant: what a sparkline needs, without the trend's second instant. */
export function scoreAndLevel(pressure: Pressure): { score: number; level: EscalationLevel } {
  const score = shownScore(pressure);
  // The level follows the score as shown, so 29.96 reads "30.0, strained", never "30.0, friction".
  return { score, level: levelFor(score) };
}

/** Score, level, pressures and trend from the pressure now and `trendWindowDays` earlier. */
export function escalationFigures(now: Pressure, then: Pressure): EscalationFigures {
  const score = scoreOf(now);
  const { trendWindowDays, trendThreshold } = ESCALATION_CONSTANTS;
  const scoreThen = scoreOf(then);
  const change = score - scoreThen;
  const direction: Trend = change >= trendThreshold ? 'deteriorated' : change <= -trendThreshold ? 'improved' : 'unchanged';
  const momentum = momentumOf(now);
  // The level follows the score as shown, so 29.96 reads "30.0, strained", never "30.0, friction".
  return {
    score: round(score),
    level: levelFor(round(score)),
    pressure: round(now.tension + momentum, 2),
    tension: round(now.tension, 2),
    momentum: round(momentum, 2),
    conflict: round(now.conflict),
    cooperation: round(now.cooperation),
    trend: { direction, change: round(change), windowDays: trendWindowDays, scoreThen: round(scoreThen) },
  };
}

/**
 * The figures with what accounts for the score: each condition and each listed incident gets the
 * share of the score its share of the pressure is — points_x = score × part_x / (T + M), where a
 * condition's part is its tension and an incident's its signed contribution to C − α·K (none
 * while cooperation outweighs conflict and M is 0); the incidents not listed share the rest of M.
 * The saturating transform is not additive, so proportional shares are the one allocation that
 * keeps every part's sign and ratio; rounded to 0.1 by largest remainder, the parts add up to the
 * score exactly as shown.
 */
export function explained(figures: EscalationFigures, conditions: readonly StandingCondition[], contributions: readonly Contribution[]): Escalation {
  const { momentum } = figures;
  // Unrounded pressures from the parts themselves, so the shares add up whatever the rounding of the figures.
  const conditionParts = conditions.map((condition) => condition.tension);
  const momentumShown = momentum > 0;
  const incidentParts = contributions.map((contribution) => (momentumShown ? contribution.contribution : 0));
  const listed = incidentParts.reduce((sum, part) => sum + part, 0);
  const otherPart = momentumShown ? momentum - listed : 0;
  const total = conditionParts.reduce((sum, part) => sum + part, 0) + (momentumShown ? momentum : 0);
  const shares = [...conditionParts, ...incidentParts, otherPart].map((part) => (total > 0 ? (figures.score * part) / total : 0));
  const points = roundedToTotal(shares, total > 0 ? figures.score : 0);
  return {
    ...figures,
    conditions: conditions.map(({ sinceMs, tension: t, ...condition }, i) => ({
      ...condition,
      since: new Date(sinceMs).toISOString().slice(0, 10),
      tension: round(t, 2),
      points: points[i],
    })),
    topContributors: contributions.map((contribution, i) => ({ ...contribution, points: points[conditions.length + i] })),
    otherIncidentsPoints: points[points.length - 1],
  };
}

/** `values` rounded to 0.1 so that they add up to `total` (largest remainder). */
function roundedToTotal(values: readonly number[], total: number): number[] {
  const tenths = values.map((value) => Math.floor(value * 10 + 1e-9));
  let missing = Math.round(total * 10) - tenths.reduce((sum, t) => sum + t, 0);
  const byRemainder = values.map((value, i) => ({ i, remainder: value * 10 - tenths[i] })).sort((x, y) => y.remainder - x.remainder);
  for (let k = 0; missing > 0 && byRemainder.length > 0; k = (k + 1) % byRemainder.length, missing--) tenths[byRemainder[k].i]++;
  for (let k = byRemainder.length - 1; missing < 0 && byRemainder.length > 0; k = (k - 1 + byRemainder.length) % byRemainder.length, missing++) tenths[byRemainder[k].i]--;
  return tenths.map((t) => t / 10);
}

/** Points of net pressure (C − α·K) one unit of the incident's weight adds: negative for cooperation. */
export function signedWeight(goldstein: number): number {
  return goldstein < 0 ? -goldstein : -ESCALATION_CONSTANTS.cooperationOffset * goldstein;
}

/** An incident's contribution at `atMs`, before its points are allocated (see `explained`). */
export function contributionOf(incident: Omit<ScoredIncident, 'context'>, atMs: number): Contribution {
  const { goldstein } = incident;
  const remaining = decayFactor(atMs - incident.atMs);
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
    points: 0,
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
