import { contributionOf, contributionSize, decayFactor, ESCALATION_CONSTANTS, escalationFigures, explained, scoreOf, type Escalation, type Pressure, type ScoredIncident } from '../../src/domain/escalation.js';
import { applyIncident } from '../../src/domain/incident-effects.js';
import { DAY_MS } from '../../src/domain/numbers.js';
import { noFacts, type RelationFacts } from '../../src/domain/relation-facts.js';
import { conditionTension, standingConditions } from '../../src/domain/standing-conditions.js';

/**
 * The escalation score the plain way, a pass over every incident per question: the reference
 * the RelationIndex (src/domain/relation-index.ts) is held to. Only tests use it.
 */

/** C and K at `atMs`. */
function incidentPressure(incidents: readonly ScoredIncident[], atMs: number) {
  let conflict = 0;
  let cooperation = 0;
  for (const incident of incidents) {
    if (incident.atMs > atMs) continue;
    const g = incident.goldstein;
    const weight = Math.abs(g) * incident.multiplier * decayFactor(atMs - incident.atMs);
    if (g < 0) conflict += weight;
    else cooperation += weight;
  }
  return { conflict, cooperation };
}

/** The facts folded over the incidents occurred by `atMs`, in occurrence order. */
function factsAt(incidents: readonly ScoredIncident[], atMs: number): RelationFacts {
  return incidents
    .filter((incident) => incident.atMs <= atMs)
    .map((incident, index) => ({ incident, index }))
    .sort((x, y) => x.incident.atMs - y.incident.atMs || x.index - y.index)
    .reduce((facts, { incident }) => applyIncident(facts, incident.context), noFacts);
}

/** C, K and T at `atMs`, from scratch. */
export function pressureAt(incidents: readonly ScoredIncident[], atMs: number): Pressure {
  return { ...incidentPressure(incidents, atMs), tension: conditionTension(factsAt(incidents, atMs), atMs) };
}

export function scoreAt(incidents: readonly ScoredIncident[], atMs: number): number {
  return scoreOf(pressureAt(incidents, atMs));
}

/** The escalation of `pair` at `atMs`, from its incidents. */
export function escalationAt(incidents: readonly ScoredIncident[], atMs: number, pair: readonly [string, string]): Escalation {
  const now = pressureAt(incidents, atMs);
  const then = pressureAt(incidents, atMs - ESCALATION_CONSTANTS.trendWindowDays * DAY_MS);
  const conditions = standingConditions(factsAt(incidents, atMs), pair, atMs);
  return explained(escalationFigures(now, then), conditions, topContributors(incidents, atMs).map((incident) => contributionOf(incident, atMs)));
}

/** The incidents adding most to the pressure, largest first (ties in the order given): every incident looked at. */
function topContributors(incidents: readonly ScoredIncident[], atMs: number): ScoredIncident[] {
  const { topContributors: wanted, negligibleContribution } = ESCALATION_CONSTANTS;
  const top: { incident: ScoredIncident; size: number }[] = [];
  for (const incident of incidents) {
    const { goldstein } = incident;
    if (incident.atMs > atMs || goldstein === 0) continue;
    const size = contributionSize(goldstein, incident.multiplier, decayFactor(atMs - incident.atMs));
    if (size < negligibleContribution || (top.length === wanted && size <= top[wanted - 1].size)) continue;
    let at = top.length;
    while (at > 0 && top[at - 1].size < size) at--;
    top.splice(at, 0, { incident, size });
    if (top.length > wanted) top.pop();
  }
  return top.map(({ incident }) => incident);
}
