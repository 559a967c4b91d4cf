import { datesIn } from '../../src/extraction/relative-dates.js';
import { deadlineHours, diplomatsCounted, numberValue } from '../../src/extraction/numbers.js';
import { brief, propose } from './extraction-helpers.js';

/** One case per rule of the extractor, each failing if its rule is taken out. */
describe('negation, modality and reported intentions', () => {
  it('reads "threatened to expel" as a threat, not an expulsion', () => {
    expect(propose('Hungary threatened to expel the Ukrainian ambassador on Monday.', '2024-03-06').map(brief)).toEqual([
      { type: 'ThreatIssued', actor: 'HUN', target: 'UKR', occurredOn: '2024-03-04' },
    ]);
  });

  it.each([
    ['a denial', 'Russia denied that it had expelled any Estonian diplomats.'],
    ['a refusal', 'France refused to recall its ambassador from Niger.'],
    ['a hypothesis', 'Poland could expel Belarusian diplomats, a minister said.'],
    ['a negation', 'Japan did not summon the Chinese ambassador.'],
    ['a habit, not an act', 'Baku has repeatedly accused Paris of bias.'],
  ])('proposes nothing for %s', (_case, text) => {
    expect(propose(text, '2024-03-06').filter((p) => p.type !== 'ProposalRejected')).toEqual([]);
  });

  it('keeps a stated intention ("will sign") at a lower confidence than the act', () => {
    const [intended] = propose('France will sign an arms deal with Armenia on Monday.', '2024-03-06');
    const [done] = propose('France signed an arms deal with Armenia on Monday.', '2024-03-06');
    expect([intended!.type, done!.type]).toEqual(['ArmsDealSigned', 'ArmsDealSigned']);
    expect(intended!.confidence).toBeLessThan(done!.confidence);
    expect(intended!.why).toContain('intention');
  });
});

describe('intentions and conditions, as CAMEO codes them', () => {
  it('codes a promise of help as an intent to provide aid (033), not as aid given', () => {
    const [p] = propose('Finland will give Tanzania a grant to finance several projects.', '2024-03-06');
    expect(p).toMatchObject({ type: 'IntentToCooperateExpressed', actor: 'FIN', target: 'TZA', details: { cameo: '033' } });
  });

  it('codes violence only prepared as a force posture (150), not as the attack', () => {
    const [p] = propose('The Macedonian army prepared to resume shelling Albanian positions on Monday.', '2024-03-06');
    expect(p).toMatchObject({ type: 'ForcePostureExhibited', actor: 'MKD', target: 'ALB', details: { cameo: '150' } });
  });

  it('codes a withdrawal promised "unless" something is done as a threat', () => {
    const [p] = propose('Nigeria announced that it will withdraw its peacekeeping force from Chad unless elections are held within four months.', '2024-03-06');
    expect(p).toMatchObject({ type: 'ThreatIssued', actor: 'NGA', target: 'TCD' });
  });
});

describe('number words and deadlines', () => {
  it.each([['two', 2], ['twenty-three', 23], ['48', 48], ['a dozen', 12], ['eleven', 11]])('"%s" is %d', (word, value) => {
    expect(numberValue(word)).toBe(value);
  });

  it('counts the people expelled and the hours they have to leave', () => {
    expect(diplomatsCounted('the expulsion of two French diplomats')).toBe(2);
    expect(diplomatsCounted('expelled twenty-three Russian embassy staff')).toBe(23);
    expect(deadlineHours('ordered to leave within 48 hours')).toBe(48);
    expect(deadlineHours('within seven days')).toBe(168);
    expect(deadlineHours('giving them a week to leave')).toBe(168);
    const [expulsion] = propose('Azerbaijan expelled two French diplomats on Tuesday and ordered them to leave within 48 hours.', '2023-12-27');
    expect(expulsion!.details).toEqual({ diplomats: 2, deadlineHours: 48 });
  });
});

describe('dates relative to the publication date', () => {
  const dated = (text: string, publishedOn: string) => datesIn(text, 0, publishedOn).map((d) => d.occurredOn);

  it.each([
    ['on Tuesday', '2023-12-27', '2023-12-26'],
    ['on Wednesday', '2023-12-27', '2023-12-27'],
    ['in late October', '2023-12-27', '2023-10'],
    ['in November', '2024-01-10', '2023-11'],
    ['earlier this month', '2023-12-27', '2023-12'],
    ['last month', '2024-01-10', '2023-12'],
    ['September 19-20', '2023-12-27', '2023-09-19'],
    ['on 3 March 2018', '2023-12-27', '2018-03-03'],
    ['December 30', '2024-01-02', '2023-12-30'],
    ['yesterday', '2024-03-01', '2024-02-29'],
  ])('"%s" published %s is %s', (phrase, publishedOn, expected) => {
    expect(dated(phrase, publishedOn)).toEqual([expected]);
  });

  it('dates the act from the phrase nearest its trigger', () => {
    const [summons] = propose('Japan summoned the Chinese ambassador on Friday.', '2024-03-06');
    expect(summons!.occurredOn).toBe('2024-03-01');
  });
});

describe('reciprocity', () => {
  const told = (cue: string) => propose(`Estonia expelled a Russian diplomat on Monday. Russia expelled an Estonian diplomat on Wednesday${cue}.`, '2024-03-08');

  it.each([[', citing reciprocity'], [' in response'], [' in a tit-for-tat move']])('links the reply ("%s") to what it answers', (cue) => {
    const [first, reply] = told(cue);
    expect(reply).toMatchObject({ type: 'ReciprocalExpulsion', actor: 'RUS', target: 'EST', inResponseTo: first!.proposalId });
  });

  it('links nothing when no cue says the act is a reply', () => {
    const [, second] = told('');
    expect(second).toMatchObject({ type: 'DiplomatsExpelled', actor: 'RUS' });
    expect(second!.inResponseTo).toBeUndefined();
  });
});

describe('one proposal per distinct act', () => {
  it('proposes an expulsion told three times once, with the details each telling adds', () => {
    const proposals = propose(
      'Britain Expels Russian Diplomats\n\nBritain expelled 23 Russian diplomats on Wednesday. ' +
      'The 23 diplomats were ordered to leave within a week. Britain’s expulsion of the Russian diplomats is the largest in 30 years.',
      '2018-03-15',
    );
    expect(proposals.map(brief)).toEqual([{ type: 'DiplomatsExpelled', actor: 'GBR', target: 'RUS', occurredOn: '2018-03-14' }]);
    expect(proposals[0]!.details).toEqual({ diplomats: 23, deadlineHours: 168 });
  });

  it('keeps two expulsions apart when they are months apart', () => {
    const proposals = propose('Britain expelled two Russian diplomats in January. Britain expelled three Russian diplomats in March.', '2018-03-15');
    expect(proposals.map((p) => [p.occurredOn, p.details.diplomats])).toEqual([['2018-01', 2], ['2018-03', 3]]);
  });

  it('keeps two accusations apart when their charges differ', () => {
    const proposals = propose('Azerbaijan accused France of fomenting separatism. Azerbaijan also accused France of supplying arms to Armenia.', '2023-12-27');
    expect(proposals.filter((p) => p.type === 'Accusation')).toHaveLength(2);
  });
});
