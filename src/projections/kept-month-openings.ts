import type { CountryCode } from '../domain/countries.js';
import type { MonthEnd } from '../domain/monthly-judgement.js';
import type { Perspective } from '../time/perspective.js';
import type { IncidentRows } from './incident-rows.js';
import { evidenceKey } from './pair-rankings.js';

/** Openings kept at once: a page of 50 pairs asks 50, the list of every pair of the 1M store 5,000. */
const KEPT_OPENINGS = 10_000;

/**
 * What a month's judgement (months.query.ts) reads from before the instant it is judged at: the
 * end of the month before, and the month's incidents occurred by then (`from` to `to`) — how many
 * were conflictual and the highest score right after one. Only the end of the month (its score,
 * momentum and conditions) is worked out at the instant.
 */
export interface MonthOpening {
  from: number;
  to: number;
  conflict: number;
  before: MonthEnd;
  peak: { score: number; day: string };
}

/**
 * The opening of the month under way (months.query.ts: the end of the month before, the month's
 * incidents so far, its peak) per pair and perspective. Every item of a list or page of "now"
 * states its month so far, and working that out afresh was a third of a page's 25 ms on the 1M
 * store, half of it the month before, which the clock does not move. An opening holds while the
 * read model has applied no further event (any report, correction or corroboration may change the
 * pair's incidents or what is believed of them) and no incident has come due since (`to`, the
 * pair's incidents occurred by the instant asked, is the same).
 */
export class KeptMonthOpenings {
  private events = -1;
  private readonly kept = new Map<string, MonthOpening>();

  constructor(private readonly rows: IncidentRows) {}

  /** `to`: the pair's incidents occurred by the instant asked; `open()` works the opening out. */
  of(a: CountryCode, b: CountryCode, perspective: Perspective, monthStartMs: number, to: number, open: () => MonthOpening): MonthOpening {
    if (this.events !== this.rows.events) {
      this.kept.clear();
      this.events = this.rows.events;
    }
    const key = `${a}|${b}|${monthStartMs}|${perspective.knownAtMs ?? ''}|${evidenceKey(perspective.evidence)}`;
    const kept = this.kept.get(key);
    if (kept !== undefined && kept.to === to) return kept;
    const opening = open();
    this.kept.delete(key);
    if (this.kept.size >= KEPT_OPENINGS) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, opening);
    return opening;
  }
}
