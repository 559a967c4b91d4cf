import { ESCALATION_LEVELS, type EscalationLevel } from '../domain/escalation.js';
import type { Trend } from '../domain/escalation.js';

/**
 * The three things an analyst asks to be told about a pair, and when each holds. A rule reads a
 * pair's figures at one instant and answers a signature — what it saw, e.g. "crisis" or
 * "2024-05" — or null when the pair does not meet it. An alert is raised when the signature
 * becomes something new, and the watch re-arms when it goes back to null: so a pair that stays in
 * crisis alerts once, and one that leaves crisis and comes back alerts again.
 */
export type WatchRule =
  /** The level is this one or worse (crisis → crisis and rupture). */
  | { type: 'level_reached'; level: EscalationLevel }
  /** The level now differs from the level 24 hours earlier, either way. */
  | { type: 'band_moved_in_a_day' }
  /** This month's judgement so far (as GET /relations/{a}/{b}/months gives it) is "deteriorated". */
  | { type: 'month_deteriorated' };

export const WATCH_RULE_TYPES = ['level_reached', 'band_moved_in_a_day', 'month_deteriorated'] as const;
export type WatchRuleType = (typeof WATCH_RULE_TYPES)[number];

/** What the rules read of one pair at one instant. */
export interface PairFigures {
  score: number;
  level: EscalationLevel;
  /** The level 24 hours before the instant. */
  levelADayEarlier: EscalationLevel;
  /** YYYY-MM of the instant, and the judgement of that month so far. */
  month: string;
  monthJudgement: Trend;
}

const RANK = new Map<string, number>(ESCALATION_LEVELS.map((band, rank) => [band.level, rank]));

export function levelRank(level: string): number {
  return RANK.get(level) ?? -1;
}

/** What the rule sees in the figures, or null when the pair does not meet it. */
export function ruleSignature(rule: WatchRule, figures: PairFigures): string | null {
  switch (rule.type) {
    case 'level_reached':
      return levelRank(figures.level) >= levelRank(rule.level) ? `level ${rule.level} or worse` : null;
    case 'band_moved_in_a_day':
      return figures.level !== figures.levelADayEarlier ? `${figures.levelADayEarlier} → ${figures.level}` : null;
    case 'month_deteriorated':
      return figures.monthJudgement === 'deteriorated' ? figures.month : null;
    default:
      return unknownRule(rule);
  }
}

/** The alert's sentence, e.g. "Azerbaijan–France reached crisis (score 61.2), the watch's threshold crisis". */
export function alertMessage(rule: WatchRule, pairName: string, figures: PairFigures): string {
  const score = `score ${figures.score.toFixed(1)}`;
  switch (rule.type) {
    case 'level_reached':
      return `${pairName} is at ${figures.level} (${score}), at or beyond ${rule.level}`;
    case 'band_moved_in_a_day': {
      const worse = levelRank(figures.level) > levelRank(figures.levelADayEarlier);
      return `${pairName} moved from ${figures.levelADayEarlier} to ${figures.level} within a day (${worse ? 'worse' : 'better'}; ${score})`;
    }
    case 'month_deteriorated':
      return `${pairName} has deteriorated in ${figures.month} so far (${score}, ${figures.level})`;
    default:
      return unknownRule(rule);
  }
}

/** How a rule reads in the watch list: "level reaches crisis or worse". */
export function describeRule(rule: WatchRule): string {
  switch (rule.type) {
    case 'level_reached':
      return `level reaches ${rule.level} or worse`;
    case 'band_moved_in_a_day':
      return 'moves a band in a day';
    case 'month_deteriorated':
      return 'this month deteriorated';
    default:
      return unknownRule(rule);
  }
}

function unknownRule(rule: never): never {
  throw new Error(`unknown watch rule ${JSON.stringify(rule)}`);
}
