import type { CountryCode } from '../../domain/countries.js';
import { momentumOf, scoreOf } from '../../domain/escalation.js';
import { isConflict } from '../../domain/incident-catalog.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import { judgeMonth, type MonthEnd, type MonthJudgement } from '../../domain/monthly-judgement.js';
import type { RelationIndex } from '../../domain/relation-index.js';
import { DAY_MS, round } from '../../domain/numbers.js';
import type { Perspective } from '../read-side.js';
import type { MonthOpening } from '../kept-month-openings.js';
import type { PairIndex } from './pair-index.query.js';

/** Where a pair's index comes from (the read model), and where the opening (kept-month-openings.ts) of a month under way may be kept. */
export interface PairIndexes {
  pairIndex(a: CountryCode, b: CountryCode, knownAtMs?: number, evidence?: EvidenceFilter): PairIndex | undefined;
  /** The month's opening for the pair from a perspective, kept while it holds (kept-month-openings.ts), or `open()`. */
  keptMonthOpening?(a: CountryCode, b: CountryCode, perspective: Perspective, monthStartMs: number, to: number, open: () => MonthOpening): MonthOpening;
}

/** A calendar month to judge: its first instant, and the instant it is judged at (its end, or now for the month under way). */
export interface MonthSpan {
  /** YYYY-MM */
  month: string;
  startMs: number;
  endMs: number;
}

/** Each month's judgement against the end of the month before, from the pair's index; undefined for an unknown pair. */
export function monthlyJudgements(
  readModel: PairIndexes,
  a: CountryCode,
  b: CountryCode,
  months: readonly MonthSpan[],
  knownAtMs?: number,
  evidence?: EvidenceFilter,
): MonthJudgement[] | undefined {
  const pair = readModel.pairIndex(a, b, knownAtMs, evidence);
  if (!pair) return undefined;
  return months.map((span) => judged(pair.index, span, monthOpening(pair, span)));
}

/** The month's opening (see MonthOpening), up to `span.endMs`. */
function monthOpening({ index, typeOf }: PairIndex, { month, startMs, endMs }: MonthSpan): MonthOpening {
  const from = index.occurredBy(startMs - 1);
  const to = index.occurredBy(endMs);
  let conflict = 0;
  for (const i of index.sortedBetween(from, to)) if (isConflict(typeOf(i))) conflict++;
  const before = monthEnd(index, startMs - 1);
  return { from, to, conflict, before, peak: peakOf(index, from, to, before.score, month) };
}

function judged(index: RelationIndex, { month, endMs }: MonthSpan, { from, to, conflict, before, peak }: MonthOpening): MonthJudgement {
  return judgeMonth(month, before, monthEnd(index, endMs), { conflict, cooperation: to - from - conflict }, peak);
}

/**
 * The highest score within a month: right after one of its incidents, since between incidents the
 * score only decays. One look per day with incidents (after its last), so a busy month costs at most 31.
 */
function peakOf(index: RelationIndex, from: number, to: number, scoreBefore: number, month: string): { score: number; day: string } {
  let peak = { score: scoreBefore, day: `${month}-01` };
  const instants = index.instantsBetween(from, to);
  for (let k = 0; k < instants.length; k++) {
    const day = Math.floor(instants[k] / DAY_MS);
    if (k + 1 < instants.length && Math.floor(instants[k + 1] / DAY_MS) === day) continue;
    const score = round(scoreOf(index.pressureAt(instants[k])));
    if (score > peak.score) peak = { score, day: new Date(instants[k]).toISOString().slice(0, 10) };
  }
  return peak;
}

/** The judgement of the month of `perspective`, up to its instant: this month's arrow. */
export function monthSoFar(readModel: PairIndexes, a: CountryCode, b: CountryCode, perspective: Perspective): MonthJudgement | undefined {
  const at = new Date(perspective.atMs);
  const span = { month: perspective.atIso.slice(0, 7), startMs: Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1), endMs: perspective.atMs };
  const pair = readModel.pairIndex(a, b, perspective.knownAtMs, perspective.evidence);
  if (!pair) return undefined;
  const open = () => monthOpening(pair, span);
  const to = pair.index.occurredBy(span.endMs);
  return judged(pair.index, span, readModel.keptMonthOpening ? readModel.keptMonthOpening(a, b, perspective, span.startMs, to, open) : open());
}

/** The calendar months from `fromMonth` to `toMonth` (YYYY-MM), the last judged up to `nowMs` if it is under way. */
export function monthSpans(fromMonth: string, toMonth: string, nowMs: number): MonthSpan[] {
  const spans: MonthSpan[] = [];
  let [year, month] = fromMonth.split('-').map(Number);
  for (;;) {
    const startMs = Date.UTC(year, month - 1, 1);
    const key = new Date(startMs).toISOString().slice(0, 7);
    if (key > toMonth) return spans;
    spans.push({ month: key, startMs, endMs: Math.min(Date.UTC(year, month, 1) - 1, nowMs) });
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}

function monthEnd(index: RelationIndex, atMs: number): MonthEnd {
  const pressure = index.pressureAt(atMs);
  return { score: round(scoreOf(pressure)), momentum: momentumOf(pressure), conditions: index.conditionsAt(atMs) };
}
