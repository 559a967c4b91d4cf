import { scoreAgainstGold, type GoldIncident } from '../../bench/extraction-scoring.js';
import type { ProposedIncident } from '../../src/extraction/proposal.js';

const proposal = (sentence: string): ProposedIncident => ({
  proposalId: sentence, type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn: '2023', summary: '', details: {},
  evidence: { sentence: { start: 0, end: sentence.length, text: sentence }, trigger: { start: 0, end: 1, text: 'a' }, actor: { start: 0, end: 1, text: 'a' }, target: { start: 0, end: 1, text: 'a' } },
  confidence: 0.7, why: '',
});
const gold = (key: string, summary: string): GoldIncident => ({ key, type: 'Accusation', actor: 'AZE', target: 'FRA', occurredOn: '2023', summary });

describe('the seed scorer (bench/extraction-scoring.ts)', () => {
  it('counts a proposal against the gold act it tells, not against whichever gold came first', () => {
    const separatism = proposal('Aliyev accused Paris of fomenting Armenian separatism.');
    const bias = proposal('Azerbaijan accused France of a pro-Armenian bias.');
    const arms = proposal('Aliyev has previously accused France of fueling conflict by allegedly supplying arms to Armenia.');
    const score = scoreAgainstGold([separatism, bias, arms], [gold('separatism', 'Aliyev accuses Paris of fomenting “Armenian separatism”'), gold('arms', 'Aliyev accuses France of fuelling conflict by supplying arms')]);
    expect(score.matched.map(([g, p]) => [g.key, p])).toEqual([['separatism', separatism], ['arms', arms]]);
    expect(score.extra).toEqual([bias]);
  });

  it('still pairs as many as can be paired when preferences collide', () => {
    const only = proposal('Aliyev accused Paris of fomenting Armenian separatism.');
    const other = proposal('Azerbaijan accused France.');
    const score = scoreAgainstGold([only, other], [gold('a', 'fomenting separatism'), gold('b', 'fomenting separatism again')]);
    expect(score.matched).toHaveLength(2);
    expect(score.recall).toBe(1);
  });
});
