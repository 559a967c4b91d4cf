import { ESCALATION_CONSTANTS, type Trend } from './escalation.js';
import { round } from './numbers.js';
import type { StandingCondition } from './standing-conditions.js';

/**
 * CrisisWatch-style monthly judgements: per pair and month, whether the relation deteriorated,
 * improved or stayed unchanged, and why — the conditions that began or ended in the month and the
 * way the incidents' momentum moved.
 */

/** The relation at one end of a month, as the judgement reads it. */
export interface MonthEnd {
  score: number;
  momentum: number;
  conditions: readonly Pick<StandingCondition, 'kind' | 'country' | 'incidentId' | 'tension' | 'description'>[];
}

export interface MonthJudgement {
  /** YYYY-MM */
  month: string;
  judgement: Trend;
  /** Score at the end of the previous month and at the end of this one (or now, for the month under way). */
  scoreBefore: number;
  scoreAfter: number;
  change: number;
  /** The highest score within the month (right after one of its incidents), and its day. */
  peak: number;
  peakOn: string;
  /** Incidents that occurred in the month, by nature. */
  conflictIncidents: number;
  cooperationIncidents: number;
  /** Why, in an analyst's words: conditions begun and ended, momentum up or down. */
  reasons: string[];
}

/** Momentum moving less than this many points of pressure over a month is not worth a reason. */
const MOMENTUM_NOTICE = 0.5;

/**
 * The judgement of a month from its two ends and its peak: deteriorated when the score rose (by the
 * trend threshold) — or flared up within the month by more than it fell over it (a war begun and
 * ceased in the same month is a deterioration) —, improved when it fell, else by the conditions
 * begun or ended (the score saturates near 100), else unchanged.
 */
export function judgeMonth(
  month: string,
  before: MonthEnd,
  after: MonthEnd,
  incidents: { conflict: number; cooperation: number },
  peak: { score: number; day: string } = { score: Math.max(before.score, after.score), day: month },
): MonthJudgement {
  type Standing = MonthEnd['conditions'][number];
  const key = (c: Standing) => `${c.kind}|${c.country}|${c.incidentId}`;
  const had = new Set(before.conditions.map(key));
  const has = new Set(after.conditions.map(key));
  const begun = after.conditions.filter((c) => !had.has(key(c)));
  const ended = before.conditions.filter((c) => !has.has(key(c)));
  // An unanswered expulsion ends when it is answered — by another expulsion: not a sign of improvement.
  const weighs = (c: Standing) => c.kind !== 'expulsion_unanswered';
  const conditionChange = begun.filter(weighs).reduce((sum, c) => sum + c.tension, 0) - ended.filter(weighs).reduce((sum, c) => sum + c.tension, 0);
  const change = after.score - before.score;
  const { trendThreshold } = ESCALATION_CONSTANTS;
  // The score saturates near 100: a severance in a month already at rupture moves it little, yet it is a deterioration.
  // A flare-up bigger than the month's net fall: the month's story is the flare-up, not the fading of the month before.
  const rise = peak.score - before.score;
  const flared = rise >= trendThreshold && rise > -change;
  const judgement: Trend =
    change >= trendThreshold || flared ? 'deteriorated'
    : change <= -trendThreshold ? 'improved'
    : conditionChange > 0 ? 'deteriorated'
    : conditionChange < 0 ? 'improved'
    : 'unchanged';

  const reasons = [
    ...begun.map((c) => `Began: ${c.description}`),
    ...ended.map((c) => (c.kind === 'expulsion_unanswered' ? `Answered: ${c.description.replace(/, not answered yet$/, '')}` : `Ended: ${c.description}`)),
  ];
  if (flared && change < trendThreshold) reasons.push(`Flared up: ${round(peak.score)} on ${peak.day}, from ${before.score}`);
  const momentum = after.momentum - before.momentum;
  const counted = [
    incidents.conflict > 0 ? `${incidents.conflict} conflict incident${incidents.conflict === 1 ? '' : 's'}` : '',
    incidents.cooperation > 0 ? `${incidents.cooperation} cooperation incident${incidents.cooperation === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const what = counted.length > 0 ? counted.join(' and ') : 'no new incidents';
  if (momentum >= MOMENTUM_NOTICE) reasons.push(`Momentum up (${round(before.momentum)} → ${round(after.momentum)}): ${what}`);
  else if (momentum <= -MOMENTUM_NOTICE) reasons.push(`Momentum down (${round(before.momentum)} → ${round(after.momentum)}): ${what}, earlier incidents fading`);
  else if (counted.length > 0) reasons.push(`Momentum steady: ${what}`);
  return {
    month,
    judgement,
    scoreBefore: before.score,
    scoreAfter: after.score,
    change: round(change),
    peak: round(peak.score),
    peakOn: peak.day,
    conflictIncidents: incidents.conflict,
    cooperationIncidents: incidents.cooperation,
    reasons,
  };
}
