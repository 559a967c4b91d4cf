import type { IncidentRows } from './incident-rows.js';

/** Questions kept at once (a country and a knownAt each): the dashboard asks a handful. */
const KEPT_QUESTIONS = 64;

/**
 * The earliest incident among the pairs with a country, as believed at a knownAt: every list and
 * overview response offers it (so an empty list can name a date), and finding it is a pass over
 * every pair (7 ms of a 28 ms page on the 1M store). It depends on the log and knownAt alone — not
 * on the clock — so it is kept until the log advances.
 */
export class KeptEarliestIncidents {
  private events = -1;
  private readonly kept = new Map<string, number | undefined>();

  constructor(private readonly rows: IncidentRows) {}

  of(country: string | undefined, knownAtMs: number | undefined, compute: () => number | undefined): number | undefined {
    if (this.events !== this.rows.events) {
      this.kept.clear();
      this.events = this.rows.events;
    }
    const key = `${country ?? ''}|${knownAtMs ?? ''}`;
    if (this.kept.has(key)) return this.kept.get(key);
    const first = compute();
    if (this.kept.size >= KEPT_QUESTIONS) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, first);
    return first;
  }
}
