import { alertIdOf } from '../../src/watches/alert-evaluator.js';
import { alertMessage, describeRule, ruleSignature, type PairFigures } from '../../src/watches/watch-rules.js';

/** When each rule holds, what it says, and the ids that make an alert the same alert everywhere. */

const figures = (overrides: Partial<PairFigures> = {}): PairFigures => ({
  score: 61.2,
  level: 'crisis',
  levelADayEarlier: 'crisis',
  month: '2024-06',
  monthJudgement: 'unchanged',
  ...overrides,
});

describe('level_reached', () => {
  const rule = { type: 'level_reached', level: 'crisis' } as const;

  it('holds at the level and above, not below', () => {
    expect(ruleSignature(rule, figures({ level: 'strained' }))).toBeNull();
    expect(ruleSignature(rule, figures({ level: 'crisis' }))).toBe('level crisis or worse');
    // Worse is the same episode: crisis then rupture alerts once.
    expect(ruleSignature(rule, figures({ level: 'rupture' }))).toBe('level crisis or worse');
  });

  it('reads as an analyst says it', () => {
    expect(describeRule(rule)).toBe('level reaches crisis or worse');
    expect(alertMessage(rule, 'Azerbaijan–France', figures())).toBe('Azerbaijan–France is at crisis (score 61.2), at or beyond crisis');
  });
});

describe('band_moved_in_a_day', () => {
  const rule = { type: 'band_moved_in_a_day' } as const;

  it('holds when the level differs from a day earlier, either way, and names the move', () => {
    expect(ruleSignature(rule, figures())).toBeNull();
    expect(ruleSignature(rule, figures({ levelADayEarlier: 'strained' }))).toBe('strained → crisis');
    expect(ruleSignature(rule, figures({ level: 'strained', levelADayEarlier: 'crisis' }))).toBe('crisis → strained');
    expect(alertMessage(rule, 'A–B', figures({ levelADayEarlier: 'strained' }))).toMatch(/from strained to crisis within a day \(worse;/);
    expect(alertMessage(rule, 'A–B', figures({ level: 'strained', levelADayEarlier: 'crisis' }))).toMatch(/\(better;/);
  });
});

describe('month_deteriorated', () => {
  const rule = { type: 'month_deteriorated' } as const;

  it('holds while the month so far is judged deteriorated, once per month', () => {
    expect(ruleSignature(rule, figures({ monthJudgement: 'improved' }))).toBeNull();
    expect(ruleSignature(rule, figures({ monthJudgement: 'deteriorated' }))).toBe('2024-06');
    expect(ruleSignature(rule, figures({ monthJudgement: 'deteriorated', month: '2024-07' }))).toBe('2024-07');
  });
});

describe('alert ids', () => {
  it('are UUIDs, the same for the same watch, pair and episode, and new for a new episode', () => {
    const first = alertIdOf('w1', 'AZE-FRA', 1);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alertIdOf('w1', 'AZE-FRA', 1)).toBe(first);
    expect(alertIdOf('w1', 'AZE-FRA', 2)).not.toBe(first);
    expect(alertIdOf('w2', 'AZE-FRA', 1)).not.toBe(first);
  });
});
