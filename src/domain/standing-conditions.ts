import { countryShortName as countryName, type CountryCode } from './countries.js';
import { ambassadorOf, conditionKey, type RelationFacts, type Since } from './relation-facts.js';
import { DAY_MS } from './numbers.js';

/**
 * Standing conditions: what holds between two countries until an incident ends it — relations
 * severed or downgraded, an ambassador withdrawn or expelled, sanctions in force, armed
 * hostilities, an expulsion not yet answered. Each carries a tension: points of escalation
 * pressure that, unlike an incident's weight, do not decay while the condition stands (an
 * unanswered expulsion excepted, see below). The score adds them to the incidents' momentum
 * (escalation.ts). The figures are calibrated on real episodes (README, "Escalation score").
 */
export const CONDITION_TENSIONS = Object.freeze({
  /**
   * Relations severed. The saturation S = 25 puts the rupture band (score ≥ 80) at a pressure of
   * S·ln 5 ≈ 40.2: 42 makes a severance rupture on its own, for as long as it stands (Saudi
   * Arabia–Qatar 2017–2021 reads rupture through three and a half quiet years).
   */
  severed: 42,
  /**
   * Relations downgraded below ambassador level (e.g. to chargé d'affaires): strained on its own
   * (score 45). It must weigh at least both ambassadors expelled (2 × 7), which it subsumes, so
   * that restoring relations never raises the score.
   */
  downgraded: 15,
  /** Armed hostilities under way: crisis on their own (score 70), rupture with any fresh fighting or a severance. */
  hostilities: 30,
  /** One side's ambassador recalled: friction on its own (score 18); both recalled read strained (33). */
  ambassadorRecalled: 5,
  /** One side's ambassador expelled by the other: more hostile than a recall (score 24). */
  ambassadorExpelled: 7,
  /**
   * One side's post left vacant after relations cut off were restored, pending an appointment:
   * calm on its own (score 4) — the relations are mending, the embassy is open.
   */
  ambassadorPostVacant: 1,
  /** Sanctions one side has in force on the other: the first scope… */
  sanctionsFirstScope: 4,
  /** …each further scope… */
  sanctionsFurtherScope: 2,
  /** …up to this much per side (economic, financial, trade and energy sanctions: 10). */
  sanctionsMostPerSide: 12,
  /**
   * An expulsion not yet answered: the other side's move is pending. Its tension halves every 90
   * days (three times slower than an incident's weight) and lapses after two years: an expulsion
   * left unanswered that long will not be answered, and counting it forever would keep old
   * pairs tense on nothing.
   */
  unansweredExpulsion: 3,
  unansweredExpulsionHalfLifeDays: 90,
  unansweredExpulsionLapseDays: 730,
});

export type ConditionKind =
  | 'relations_severed'
  | 'relations_downgraded'
  | 'hostilities'
  | 'ambassador_recalled'
  | 'ambassador_expelled'
  | 'ambassador_post_vacant'
  | 'sanctions'
  | 'expulsion_unanswered';

export interface StandingCondition {
  kind: ConditionKind;
  /** The side it concerns: who severed, downgraded or opened hostilities; whose ambassador; who sanctions; who expelled. */
  country: CountryCode;
  /** When it began (reference instant of the incident that began it), epoch ms. */
  sinceMs: number;
  /** The incident that began it. */
  incidentId: string;
  /** Sanction scopes, for `sanctions`. */
  scopes?: string[];
  /** Points of pressure it adds at the instant asked about. */
  tension: number;
  /** What an analyst would say, e.g. "France's ambassador withdrawn since 14 Oct 2024". */
  description: string;
}

const T = CONDITION_TENSIONS;

/** The conditions standing in `facts` at `atMs` with their tension, heaviest first (ties in a fixed order). */
export function standingConditions(facts: RelationFacts, pair: readonly [CountryCode, CountryCode], atMs: number): StandingCondition[] {
  const conditions: StandingCondition[] = [];
  const add = (kind: ConditionKind, since: Since, tension: number, description: string, country = since.by, scopes?: string[]) =>
    conditions.push({ kind, country, sinceMs: since.atMs, incidentId: since.incidentId, ...(scopes ? { scopes } : {}), tension, description });
  const on = (since: Since) => `since ${dayOf(since.atMs)}`;

  if (facts.severed && facts.since[conditionKey.severed]) {
    const since = facts.since[conditionKey.severed];
    add('relations_severed', since, T.severed, `Diplomatic relations severed by ${countryName(since.by)} ${on(since)}`);
  }
  if (facts.downgraded && facts.since[conditionKey.downgraded]) {
    const since = facts.since[conditionKey.downgraded];
    add('relations_downgraded', since, T.downgraded, `Diplomatic relations downgraded below ambassador level by ${countryName(since.by)} ${on(since)}`);
  }
  if (facts.hostilities && facts.since[conditionKey.hostilities]) {
    const since = facts.since[conditionKey.hostilities];
    add('hostilities', since, T.hostilities, `Armed hostilities under way ${on(since)}, begun by ${possessive(since.by)} offensive`);
  }
  // Severed or downgraded relations already say that no ambassador is in post.
  if (!facts.severed && !facts.downgraded) {
    for (const country of pair) {
      const status = ambassadorOf(facts, country);
      const since = facts.since[conditionKey.ambassador(country)];
      if (status === 'in_post' || !since) continue;
      if (status === 'recalled') add('ambassador_recalled', since, T.ambassadorRecalled, `${possessive(country)} ambassador withdrawn ${on(since)}`, country);
      else if (status === 'expelled') add('ambassador_expelled', since, T.ambassadorExpelled, `${possessive(country)} ambassador expelled by ${countryName(since.by)} ${on(since)}`, country);
      else add('ambassador_post_vacant', since, T.ambassadorPostVacant, `${possessive(country)} ambassadorial post vacant since relations were restored on ${dayOf(since.atMs)}`, country);
    }
  }
  for (const country of Object.keys(facts.sanctions).sort()) {
    const scopes = facts.sanctions[country];
    if (scopes.length === 0) continue;
    const since = scopes.map((scope) => facts.since[conditionKey.sanction(country, scope)]).filter(Boolean).sort((x, y) => x.atMs - y.atMs)[0];
    if (!since) continue;
    const other = pair[0] === country ? pair[1] : pair[0];
    add('sanctions', since, sanctionsTension(scopes.length), `${possessive(country)} ${scopes.join(', ')} sanctions on ${countryName(other)} in force ${on(since)}`, country, scopes);
  }
  const answered = new Set<string>();
  for (const expulsion of facts.expulsions) if (expulsion.answers !== undefined) answered.add(expulsion.answers);
  for (const expulsion of facts.expulsions) {
    if (expulsion.answers !== undefined || answered.has(expulsion.incidentId)) continue;
    const tension = unansweredTension(atMs - expulsion.atMs);
    if (tension === 0) continue;
    const diplomats = expulsion.diplomats === 1 ? 'one diplomat' : `${expulsion.diplomats} diplomats`;
    add(
      'expulsion_unanswered',
      { atMs: expulsion.atMs, incidentId: expulsion.incidentId, by: expulsion.by },
      tension,
      `${possessive(expulsion.by)} expulsion of ${diplomats} of ${countryName(expulsion.of)} on ${dayOf(expulsion.atMs)}, not answered yet`,
    );
  }
  return conditions.sort((x, y) => y.tension - x.tension);
}

/**
 * Σ tension of the conditions standing in `facts` at `atMs`: what `standingConditions` sums to,
 * without describing them (the score of every as-of view and timeline point needs only this).
 * `unanswered`, when given, is `unansweredExpulsions(facts)` worked out before.
 */
export function conditionTension(facts: RelationFacts, atMs: number, unanswered?: readonly number[]): number {
  let tension = 0;
  if (facts.severed) tension += T.severed;
  else if (facts.downgraded) tension += T.downgraded;
  else {
    for (const country in facts.ambassadors) {
      const status = facts.ambassadors[country];
      if (status === 'recalled') tension += T.ambassadorRecalled;
      else if (status === 'expelled') tension += T.ambassadorExpelled;
      else if (status === 'vacant') tension += T.ambassadorPostVacant;
    }
  }
  if (facts.hostilities) tension += T.hostilities;
  for (const country in facts.sanctions) tension += sanctionsTension(facts.sanctions[country].length);
  // No list made for a pair without expulsions (most of them), as before the list could be passed in.
  if (unanswered === undefined && facts.expulsions.length === 0) return tension;
  for (const expelledAtMs of unanswered ?? unansweredExpulsions(facts)) tension += unansweredTension(atMs - expelledAtMs);
  return tension;
}

/**
 * When each expulsion in `facts` that answers none and that none answers took place, in their
 * order: the part of `conditionTension` that depends on the facts alone. A series of instants
 * over the same facts (a sparkline, a timeline) works it out once, not once per point.
 */
export function unansweredExpulsions(facts: RelationFacts): number[] {
  if (facts.expulsions.length === 0) return [];
  const answered = new Set<string>();
  for (const expulsion of facts.expulsions) if (expulsion.answers !== undefined) answered.add(expulsion.answers);
  const unanswered: number[] = [];
  for (const expulsion of facts.expulsions) if (expulsion.answers === undefined && !answered.has(expulsion.incidentId)) unanswered.push(expulsion.atMs);
  return unanswered;
}

function sanctionsTension(scopes: number): number {
  return scopes === 0 ? 0 : Math.min(T.sanctionsMostPerSide, T.sanctionsFirstScope + T.sanctionsFurtherScope * (scopes - 1));
}

function unansweredTension(elapsedMs: number): number {
  if (elapsedMs < 0 || elapsedMs > T.unansweredExpulsionLapseDays * DAY_MS) return 0;
  return T.unansweredExpulsion * Math.pow(2, -elapsedMs / (T.unansweredExpulsionHalfLifeDays * DAY_MS));
}

function possessive(country: CountryCode): string {
  const name = countryName(country);
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "14 Oct 2024" */
export function dayOf(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}
