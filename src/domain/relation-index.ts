import type { CountryCode } from './countries.js';
import { contributionSize, decayFactor, ESCALATION_CONSTANTS, escalationFigures, scoreAndLevel, shownScore, signedWeight, type EscalationFigures, type EscalationLevel, type Pressure } from './escalation.js';
import { Column } from './growable-column.js';
import { INCIDENT_CATALOG } from './incident-catalog.js';
import { INCIDENT_TYPES, type IncidentType } from './incident-types.js';
import type { IncidentInContext } from './incident.js';
import { applyIncident } from './incident-effects.js';
import { noFacts, type RelationFacts } from './relation-facts.js';
import { pairOf } from './relation-pair.js';
import { conditionTension, standingConditions, unansweredExpulsions, type StandingCondition } from './standing-conditions.js';
import { DAY_MS } from './numbers.js';
import type { IncidentRef, RelationState } from './relation-view.js';

/**
 * One pair's believed incidents indexed by when they happened, so the relation as of any instant
 * costs a binary search and at most CHECKPOINT_EVERY steps instead of a pass over the history.
 * It answers exactly what the plain folds of test/oracle answer over the same incidents (the
 * property tests hold it to them), in O(log n + CHECKPOINT_EVERY) (plus the
 * pair's expulsions, for those still unanswered):
 *
 * - incidents sorted by reference instant (ties in the order given), with every
 *   CHECKPOINT_EVERY-th prefix's conflict and cooperation pressure (as of its last incident),
 *   counts per type, and — over the few incidents whose type changes the facts — the folded facts;
 * - pressure at t = the checkpoint's pressure decayed to t plus the incidents after it, plus the
 *   tension of the conditions standing in the facts as of t;
 * - top contributors: scanning back from the newest incident occurred by t, stopping once even
 *   the heaviest incident of the pair, that old, could not make the list.
 *
 * The index holds numbers only (typed arrays); what an incident is called comes from `IncidentColumns`.
 */

/** Incidents between two checkpoints: the most a view folds or sums by hand. */
export const CHECKPOINT_EVERY = 64;

const TYPE_ORDINAL = new Map<IncidentType, number>(INCIDENT_TYPES.map((type, i) => [type, i]));
const TYPE_COUNT = INCIDENT_TYPES.length;
const CHANGES_FACTS = INCIDENT_TYPES.map((type) => INCIDENT_CATALOG[type].effect !== undefined);

export function typeOrdinal(type: IncidentType): number {
  return TYPE_ORDINAL.get(type)!;
}

export function changesFacts(type: IncidentType): boolean {
  return CHANGES_FACTS[typeOrdinal(type)];
}

/** What the index reads of the incidents, by their index in the order given (report order). */
export interface IncidentColumns {
  readonly length: number;
  atMs(i: number): number;
  type(i: number): IncidentType;
  /** m_i of the escalation score. */
  multiplier(i: number): number;
  /** The incident's Goldstein weight (a CAMEO category type weighs its full code's value). */
  goldstein(i: number): number;
  /** Asked only for incidents whose type changes the facts. */
  inContext(i: number): IncidentInContext;
  /**
   * Whether this incident of a type that changes the facts does (an agreement only when it is a
   * peace agreement); absent: every incident of such a type does. Skipping the others keeps folds short.
   */
  changesFacts?(i: number): boolean;
}

/** A top contributor: the incident's index in the order given, and its contribution rounded as listed. */
export interface RankedContributor {
  index: number;
  size: number;
}

export class RelationIndex {
  readonly a: CountryCode;
  readonly b: CountryCode;
  /** Indices (in the order given) sorted by reference instant, ties in the order given. */
  private readonly order = new Column(Uint32Array);
  /** Reference instants in that sorted order. */
  private readonly at = new Column(Float64Array);
  /** |Goldstein weight| × m_i in that sorted order, negative for conflict: what pressure sums read per incident (8 bytes, not two lookups). */
  private readonly pressureWeight = new Column(Float64Array);
  /** checkpoint c covers the first c × CHECKPOINT_EVERY sorted incidents: pressure as of `checkpointAt[c]`. */
  private readonly checkpointConflict = new Column(Float64Array);
  private readonly checkpointCooperation = new Column(Float64Array);
  private readonly checkpointAt = new Column(Float64Array);
  /** Counts per type of the first c × CHECKPOINT_EVERY sorted incidents, TYPE_COUNT per checkpoint. */
  private readonly checkpointCounts = new Column(Uint32Array);
  /** The incidents that change the facts, in sorted order, with their instants. */
  private readonly factual: IncidentInContext[] = [];
  private readonly factualAt = new Column(Float64Array);
  /** factsCheckpoints[c]: facts folded over the first c × CHECKPOINT_EVERY factual incidents. */
  private readonly factsCheckpoints: RelationFacts[] = [noFacts];
  /** The facts of the first `count` factual incidents, last folded (appending later incidents leaves them true). */
  private lastFacts?: { count: number; facts: RelationFacts };
  /** The conditions last described (`conditionsAt`), with the facts and instant they stand for. */
  private lastConditions?: { facts: RelationFacts; atMs: number; conditions: readonly StandingCondition[] };
  /** The largest |signed weight × m| of any incident: bounds what an older incident can contribute. */
  private heaviest = 0;
  private lastIndex = -1;
  /** The pressure of all `count` incidents as of the latest of them (see `decayedTail`). */
  private tail?: { count: number; atMs: number; conflict: number; cooperation: number };

  private constructor(
    a: CountryCode,
    b: CountryCode,
    private readonly incidents: IncidentColumns,
  ) {
    [this.a, this.b] = pairOf(a, b);
    this.checkpointConflict.push(0);
    this.checkpointCooperation.push(0);
    this.checkpointAt.push(-Infinity);
    for (let t = 0; t < TYPE_COUNT; t++) this.checkpointCounts.push(0);
  }

  /** Indexes `count` incidents of `incidents` (all of them by default). */
  static build(a: CountryCode, b: CountryCode, incidents: IncidentColumns, count = incidents.length): RelationIndex {
    const index = new RelationIndex(a, b, incidents);
    const atMs = new Float64Array(count);
    for (let i = 0; i < count; i++) atMs[i] = incidents.atMs(i);
    const sorted = Uint32Array.from({ length: count }, (_, i) => i).sort((x, y) => atMs[x] - atMs[y] || x - y);
    for (const i of sorted) index.push(i, atMs[i]);
    index.lastIndex = count - 1;
    for (const column of [index.order, index.at, index.pressureWeight, index.checkpointConflict, index.checkpointCooperation, index.checkpointAt, index.checkpointCounts, index.factualAt]) column.trim();
    return index;
  }

  get size(): number {
    return this.order.length;
  }

  /**
   * Adds the next incident of the columns (index = the previous one + 1) when it happened no
   * earlier than every incident indexed so far; false when it did not (the index must be rebuilt).
   */
  append(i: number): boolean {
    if (i !== this.lastIndex + 1) return false;
    const atMs = this.incidents.atMs(i);
    if (this.order.length > 0 && atMs < this.at.data[this.order.length - 1]) return false;
    this.push(i, atMs);
    this.lastIndex = i;
    return true;
  }

  /** How many incidents had occurred by `asOfMs` (reference instant not after it). */
  occurredBy(asOfMs: number): number {
    return countNotAfter(this.at.data, this.at.length, asOfMs);
  }

  /** Reference instant of the earliest incident indexed; Infinity when none is. */
  earliest(): number {
    return this.at.length === 0 ? Infinity : this.at.data[0];
  }

  /** Reference instant of the first incident not yet occurred at `atMs`; Infinity when none is indexed: when a score at `atMs` stops holding. */
  nextAfter(atMs: number): number {
    const count = this.occurredBy(atMs);
    return count === this.at.length ? Infinity : this.at.data[count];
  }

  /** Reference instant of the latest incident occurred by `asOfMs`; −Infinity when none had. */
  latestBy(asOfMs: number): number {
    const count = this.occurredBy(asOfMs);
    return count === 0 ? -Infinity : this.at.data[count - 1];
  }

  /** The pair's state from the incidents occurred by `asOfMs`; `refOf` names an incident (by its index in the order given). */
  stateAsOf(asOfMs: number, refOf: (index: number) => IncidentRef): RelationState {
    const count = this.occurredBy(asOfMs);
    const countsByType = countsByTypeOf(this.countsOf(count));
    return {
      pair: [this.a, this.b],
      facts: this.factsAsOf(asOfMs),
      countsByType,
      firstIncident: count > 0 ? refOf(this.order.data[0]) : null,
      lastIncident: count > 0 ? refOf(this.order.data[count - 1]) : null,
      incidentCount: count,
    };
  }

  /**
   * The conditions standing at `atMs`, with their tension then. A page describes each pair's view
   * and its month's end at one instant: the last described are kept, by the facts object and the
   * instant they were worked out from (all they depend on), so they are described once.
   */
  conditionsAt(atMs: number): readonly StandingCondition[] {
    const facts = this.factsAsOf(atMs);
    const last = this.lastConditions;
    if (last !== undefined && last.facts === facts && last.atMs === atMs) return last.conditions;
    const conditions = standingConditions(facts, [this.a, this.b], atMs);
    this.lastConditions = { facts, atMs, conditions };
    return conditions;
  }

  /** Reference instants of the `from`-th to before the `to`-th incident in occurrence order. */
  instantsBetween(from: number, to: number): Float64Array {
    return this.at.data.slice(from, to);
  }

  /**
   * The `most` heaviest on arrival (|G| × m_i, the earlier on a tie) of what `sortedBetween(from, to)`
   * lists, in its order: a busy timeline point's listing, in one pass with no object per incident.
   */
  heaviestBetween(from: number, to: number, most: number): number[] {
    if (to - from <= most) return this.sortedBetween(from, to);
    const chosen: number[] = [];
    const weights: number[] = [];
    for (let j = from; j < to && most > 0; j++) {
      const weight = Math.abs(this.pressureWeight.data[j]);
      const full = chosen.length === most;
      if (full && weight <= weights[most - 1]) continue;
      let k = full ? most - 1 : chosen.length;
      for (; k > 0 && weights[k - 1] < weight; k--) {
        chosen[k] = chosen[k - 1];
        weights[k] = weights[k - 1];
      }
      chosen[k] = j;
      weights[k] = weight;
    }
    return chosen.sort((x, y) => x - y).map((j) => this.order.data[j]);
  }

  /** The incidents (indices in the order given) from the `from`-th to before the `to`-th in occurrence order. */
  sortedBetween(from: number, to: number): number[] {
    return Array.from(this.order.data.subarray(from, to));
  }

  /** Score, level, pressures and trend at `atMs`, from the incidents occurred by then. */
  escalationAt(atMs: number): EscalationFigures {
    return escalationFigures(this.pressureAt(atMs), this.pressureAt(atMs - ESCALATION_CONSTANTS.trendWindowDays * DAY_MS));
  }

  /** Score and level at `atMs` alone: half the work of escalationAt, which also scores the trend's earlier instant. */
  scoreAt(atMs: number): { score: number; level: EscalationLevel } {
    return scoreAndLevel(this.pressureAt(atMs));
  }

  /**
   * Score and level at each of `instants`, as `scoreAt` gives them, in one pass: a daily timeline
   * or sparkline costs O(incidents + points) instead of a pressure evaluation per point. Decay is
   * multiplicative (2^−(x+y)/H = 2^−x/H · 2^−y/H), so the pressure of one point, decayed by the
   * step, plus the incidents arriving in between at their own decay, is the pressure of the next.
   * Whatever weighs an incident (its Goldstein weight, m_i) is read once per incident, as the
   * per-point sum reads it. Instants out of order are scored one by one.
   */
  scoresAt(instants: readonly number[]): Array<{ score: number; level: EscalationLevel }> {
    const points: Array<{ score: number; level: EscalationLevel }> = [];
    this.eachPressureAt(instants, (pressure) => points.push(scoreAndLevel(pressure)));
    return points;
  }

  /**
   * The scores alone of `scoresAt`: a sparkline's points. The overview of every pair asks 366 of
   * each of 5,000 pairs, and an object per point was most of what it allocated.
   */
  shownScoresAt(instants: readonly number[]): number[] {
    const scores: number[] = [];
    this.eachPressureAt(instants, (pressure) => scores.push(shownScore(pressure)));
    return scores;
  }

  /** The one pass of `scoresAt`: `visit` is handed one pressure object, updated from point to point (it must not keep it). */
  private eachPressureAt(instants: readonly number[], visit: (pressure: Pressure) => void): void {
    const pressure: Pressure = { conflict: 0, cooperation: 0, tension: 0 };
    let count = 0;
    let factsSeen: RelationFacts | undefined;
    let unanswered: readonly number[] = [];
    for (let p = 0; p < instants.length; p++) {
      const atMs = instants[p];
      if (p === 0 || !(atMs >= instants[p - 1])) {
        count = this.occurredBy(atMs);
        ({ conflict: pressure.conflict, cooperation: pressure.cooperation } = this.pressureOver(count, atMs));
      } else {
        const decay = decayFactor(atMs - instants[p - 1]);
        pressure.conflict *= decay;
        pressure.cooperation *= decay;
        for (; count < this.at.length && this.at.data[count] <= atMs; count++) {
          const signed = this.pressureWeight.data[count];
          if (signed < 0) pressure.conflict += -signed * decayFactor(atMs - this.at.data[count]);
          else pressure.cooperation += signed * decayFactor(atMs - this.at.data[count]);
        }
      }
      // The facts change at few of the points: what of their tension depends on them alone is worked out once per change.
      const facts = this.factsAsOf(atMs);
      if (facts !== factsSeen) {
        factsSeen = facts;
        unanswered = unansweredExpulsions(facts);
      }
      pressure.tension = conditionTension(facts, atMs, unanswered);
      visit(pressure);
    }
  }

  /** The incidents' conflict and cooperation pressure and the conditions' tension at `atMs` (C, K and T of escalation.ts). */
  pressureAt(atMs: number): Pressure {
    return { ...this.pressureOver(this.occurredBy(atMs), atMs), tension: conditionTension(this.factsAsOf(atMs), atMs) };
  }

  /**
   * The incidents adding most to the pressure at `atMs`, largest first, ties in the order given —
   * the ranking of escalation.ts, found by scanning back from the newest incident occurred by then.
   */
  topContributorsAt(atMs: number): RankedContributor[] {
    const { topContributors: wanted, negligibleContribution } = ESCALATION_CONSTANTS;
    const top: RankedContributor[] = [];
    for (let j = this.occurredBy(atMs) - 1; j >= 0; j--) {
      const remaining = decayFactor(atMs - this.at.data[j]);
      // Sizes are rounded to 0.01: anything below the bar by more than that cannot reach it.
      const bar = Math.max(negligibleContribution, top.length === wanted ? top[wanted - 1].size : 0) - 0.005;
      if (this.heaviest * remaining < bar) break;
      const index = this.order.data[j];
      const goldstein = this.incidents.goldstein(index);
      if (goldstein === 0) continue;
      const size = contributionSize(goldstein, this.incidents.multiplier(index), remaining);
      if (size < negligibleContribution) continue;
      if (top.length === wanted && !ranksBefore({ index, size }, top[wanted - 1])) continue;
      let position = top.length;
      while (position > 0 && ranksBefore({ index, size }, top[position - 1])) position--;
      top.splice(position, 0, { index, size });
      if (top.length > wanted) top.pop();
    }
    return top;
  }

  private push(i: number, atMs: number): void {
    const j = this.order.length;
    this.order.push(i);
    this.at.push(atMs);
    const goldstein = this.incidents.goldstein(i);
    const weight = Math.abs(goldstein) * this.incidents.multiplier(i);
    this.pressureWeight.push(goldstein < 0 ? -weight : weight);
    const type = this.incidents.type(i);
    const ordinal = typeOrdinal(type);
    this.heaviest = Math.max(this.heaviest, Math.abs(signedWeight(this.incidents.goldstein(i)) * this.incidents.multiplier(i)));
    if (CHANGES_FACTS[ordinal] && (this.incidents.changesFacts?.(i) ?? true)) {
      this.factual.push(this.incidents.inContext(i));
      this.factualAt.push(atMs);
      if (this.factual.length % CHECKPOINT_EVERY === 0) {
        const c = this.factsCheckpoints.length - 1;
        this.factsCheckpoints.push(this.foldFacts(this.factsCheckpoints[c], c * CHECKPOINT_EVERY, this.factual.length));
      }
    }
    if ((j + 1) % CHECKPOINT_EVERY === 0) {
      const c = this.checkpointAt.length - 1;
      // The pressure of the next checkpoint, as of this incident: the last one's decayed, plus the incidents since.
      const { conflict, cooperation } = this.pressureSinceCheckpoint(j + 1, atMs);
      this.checkpointConflict.push(conflict);
      this.checkpointCooperation.push(cooperation);
      this.checkpointAt.push(atMs);
      const base = c * TYPE_COUNT;
      for (let t = 0; t < TYPE_COUNT; t++) this.checkpointCounts.push(this.checkpointCounts.data[base + t]);
      const next = base + TYPE_COUNT;
      for (let k = c * CHECKPOINT_EVERY; k <= j; k++) this.checkpointCounts.data[next + typeOrdinal(this.incidents.type(this.order.data[k]))]++;
    }
  }

  /** Pressure at `atMs` of the first `count` sorted incidents (all occurred by then). */
  private pressureOver(count: number, atMs: number): { conflict: number; cooperation: number } {
    if (count === this.order.length && count % CHECKPOINT_EVERY !== 0) return this.decayedTail(atMs);
    return this.pressureSinceCheckpoint(count, atMs);
  }

  /**
   * The pressure of every incident, at `atMs` (not before the latest): the pressure as of the
   * latest incident, kept until the next one, decayed. Asking a pair "now" — its current view, a
   * page of pairs ranked by their score now — then costs one decay instead of summing the
   * incidents since the last checkpoint (up to CHECKPOINT_EVERY of them).
   */
  private decayedTail(atMs: number): { conflict: number; cooperation: number } {
    const count = this.order.length;
    if (this.tail?.count !== count) {
      const tailAt = this.at.data[count - 1];
      this.tail = { count, atMs: tailAt, ...this.pressureSinceCheckpoint(count, tailAt) };
    }
    const decay = decayFactor(atMs - this.tail.atMs);
    return { conflict: this.tail.conflict * decay, cooperation: this.tail.cooperation * decay };
  }

  private pressureSinceCheckpoint(count: number, atMs: number): { conflict: number; cooperation: number } {
    const c = Math.min(Math.floor(count / CHECKPOINT_EVERY), this.checkpointAt.length - 1);
    const decay = c === 0 ? 0 : decayFactor(atMs - this.checkpointAt.data[c]);
    let conflict = this.checkpointConflict.data[c] * decay;
    let cooperation = this.checkpointCooperation.data[c] * decay;
    for (let j = c * CHECKPOINT_EVERY; j < count; j++) {
      const signed = this.pressureWeight.data[j];
      if (signed < 0) conflict += -signed * decayFactor(atMs - this.at.data[j]);
      else cooperation += signed * decayFactor(atMs - this.at.data[j]);
    }
    return { conflict, cooperation };
  }

  private countsOf(count: number): Uint32Array {
    const c = Math.floor(count / CHECKPOINT_EVERY);
    const counts = this.checkpointCounts.data.slice(c * TYPE_COUNT, (c + 1) * TYPE_COUNT);
    for (let j = c * CHECKPOINT_EVERY; j < count; j++) counts[typeOrdinal(this.incidents.type(this.order.data[j]))]++;
    return counts;
  }

  /** The facts folded over the incidents occurred by `asOfMs`. */
  factsAsOf(asOfMs: number): RelationFacts {
    const count = countNotAfter(this.factualAt.data, this.factualAt.length, asOfMs);
    // A view asks for the facts of one instant several times (score, conditions, state): fold them once.
    const last = this.lastFacts;
    if (last?.count === count) return last.facts;
    const c = Math.floor(count / CHECKPOINT_EVERY);
    // A timeline asks instant after instant: folding on from the last facts (same incidents, same order) applies each once.
    const from = last !== undefined && last.count < count && last.count >= c * CHECKPOINT_EVERY ? last : { count: c * CHECKPOINT_EVERY, facts: this.factsCheckpoints[c] };
    const facts = this.foldFacts(from.facts, from.count, count);
    this.lastFacts = { count, facts };
    return facts;
  }

  private foldFacts(facts: RelationFacts, from: number, to: number): RelationFacts {
    for (let k = from; k < to; k++) facts = applyIncident(facts, this.factual[k]);
    return facts;
  }
}

/** Counts per type ordinal as the state reports them: types in catalogue order, those with none left out. */
export function countsByTypeOf(counts: ArrayLike<number>): RelationState['countsByType'] {
  const countsByType: RelationState['countsByType'] = {};
  INCIDENT_TYPES.forEach((type, t) => {
    if (counts[t] > 0) countsByType[type] = counts[t];
  });
  return countsByType;
}

/** Larger first; equal sizes in the order given. */
function ranksBefore(x: RankedContributor, y: RankedContributor): boolean {
  return x.size > y.size || (x.size === y.size && x.index < y.index);
}

/** Number of leading values of the sorted `values` not after `limit`. */
function countNotAfter(values: Float64Array, length: number, limit: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
