import type { Beliefs } from './beliefs.js';
import type { IncidentRows } from './incident-rows.js';

/**
 * When the first incident of any pair, as believed now, comes due after an instant: what a kept
 * answer of "now" over several pairs (a list, a page, a ranking) may not outlive, since that
 * incident would add to a score. Finding it is a pass over every pair (10–50 ms of a page's 20–90
 * on the 1M store, measured per request), and the answer moves only when the log advances or the
 * clock passes it: with no incident of any pair in (t, due), every instant in [t, due) has the
 * same next incident, due. So it is worked out once per log position and reused within that span.
 */
export class KeptNextIncident {
  private events = -1;
  private fromMs = Infinity;
  private due = Infinity;

  constructor(
    private readonly rows: IncidentRows,
    private readonly beliefs: Beliefs,
  ) {}

  /** Reference instant of the first incident of any pair (every incident believed now, whatever an evidence filter) after `atMs`; Infinity when none. */
  after(atMs: number): number {
    if (this.events === this.rows.events && atMs >= this.fromMs && atMs < this.due) return this.due;
    let due = Infinity;
    // The index of now of each pair is kept by Beliefs, so this reads what is already built.
    for (const entry of this.rows.pairs) due = Math.min(due, this.beliefs.view(entry).index.nextAfter(atMs));
    this.events = this.rows.events;
    this.fromMs = atMs;
    this.due = due;
    return due;
  }
}
