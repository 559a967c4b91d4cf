import type { RelationState, RelationView } from '../domain/relation-view.js';
import type { PairEntry } from './incident-rows.js';

/**
 * Pairs described in one ranking's pages (a ranking holds 5,000 pairs; the pages read are mostly
 * the first few): ten pages of 50. Past it a pair is described afresh each time.
 */
export const KEPT_DESCRIPTIONS = 500;

/**
 * What a kept ranking (pair-rankings.ts) keeps of the pairs its pages describe, for exactly as long
 * as the ranking holds: nothing applied to the log since, and the same instant.
 *
 * - At a fixed instant (asOf or knownAt), the whole description: nothing it is computed from can
 *   change while the ranking holds, so a page of such a ranking is a slice of kept views.
 * - For "now", only the state (counts, facts, first and last incident): it counts every incident
 *   recorded, whatever the instant, so the next ranking of "now" takes these states over while
 *   nothing has been applied to the log since (pair-rankings.ts). The score, the conditions'
 *   tension and the top contributors decay with the clock and are worked out at the exact instant
 *   asked.
 */
export class KeptDescriptions {
  private readonly views = new Map<PairEntry, RelationView>();
  private readonly states = new Map<PairEntry, RelationState>();

  constructor(
    /** Whether the ranking is at a fixed instant, so its descriptions do not move with the clock. */
    readonly fixed: boolean,
  ) {}

  view(entry: PairEntry): RelationView | undefined {
    return this.fixed ? this.views.get(entry) : undefined;
  }

  keepView(entry: PairEntry, view: RelationView): void {
    if (this.fixed && this.views.size < KEPT_DESCRIPTIONS) this.views.set(entry, view);
  }

  /** The pair's state for "now", worked out by `compute` the first time. */
  state(entry: PairEntry, compute: () => RelationState): RelationState {
    if (this.fixed) return compute();
    const kept = this.states.get(entry);
    if (kept) return kept;
    const state = compute();
    if (this.states.size < KEPT_DESCRIPTIONS) this.states.set(entry, state);
    return state;
  }
}
