import type { CountryCode } from '../../domain/countries.js';
import { momentumOf, scoreOf } from '../../domain/escalation.js';
import { isConflict } from '../../domain/incident-catalog.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import { judgeMonth, type MonthEnd, type MonthJudgement } from '../../domain/monthly-judgement.js';
import type { RelationIndex } from '../../domain/relation-index.js';
import { DAY_MS, round } from '../../domain/numbers.js';
import type { Perspective } from '../read-side.js';
import type { PairIndex } from './pair-index.query.js';

/** Where a pair's index comes from (the read model). */
export interface PairIndexes {
  pairIndex(a: CountryCode, b: CountryCode, knownAtMs?: number, evidence?: EvidenceFilter): PairIndex | undefined;
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
  const { index, typeOf } = pair;
  return months.map(({ month, startMs, endMs }) => {
    const from = index.occurredBy(startMs - 1);
    const to = index.occurredBy(endMs);
    let conflict = 0;
    for (const i of index.sortedBetween(from, to)) if (isConflict(typeOf(i))) conflict++;
    const before = monthEnd(index, startMs - 1);
    return judgeMonth(month, before, monthEnd(index, endMs), { conflict, cooperation: to - from - conflict }, peakOf(index, from, to, before.score, month));
  });
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
  return monthlyJudgements(readModel, a, b, [span], perspective.knownAtMs, perspective.evidence)?.[0];
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
