import { checkedDetails } from '../../src/domain/incident-details.js';
import type { IncidentDetails } from '../../src/domain/incident.js';
import { brief, propose } from './extraction-helpers.js';

/**
 * Gold cases written for these tests: short paraphrases (not quotations) of how the press reported real
 * episodes, with the incidents an analyst would record from each.
 */
describe('real episodes, paraphrased', () => {
  it('2018, Salisbury poisoning: Britain expels 23 Russian diplomats, Russia answers in kind', () => {
    const uk = propose(
      'Britain expelled 23 Russian diplomats on Wednesday over the nerve agent attack in Salisbury, giving them one week to leave. ' +
      'The Kremlin denied any involvement in the poisoning.',
      '2018-03-15',
    );
    expect(uk.map(brief)).toEqual([{ type: 'DiplomatsExpelled', actor: 'GBR', target: 'RUS', occurredOn: '2018-03-14' }]);
    expect(uk[0]!.details).toEqual({ diplomats: 23, deadlineHours: 168 });

    const reply = propose(
      'Russia on Saturday expelled 23 British diplomats, giving them a week to leave, ' +
      'in a tit-for-tat response to Britain’s expulsion of 23 Russian diplomats.',
      '2018-03-18',
    );
    const [answer] = reply.filter((p) => p.actor === 'RUS');
    const [answered] = reply.filter((p) => p.actor === 'GBR');
    expect(brief(answer!)).toEqual({ type: 'ReciprocalExpulsion', actor: 'RUS', target: 'GBR', occurredOn: '2018-03-17' });
    expect(answer!.details).toEqual({ diplomats: 23, deadlineHours: 168 });
    expect(answer!.inResponseTo).toBe(answered!.proposalId);
  });

  it('2021, China and Lithuania: the ambassador recalled over the Taiwanese office', () => {
    const proposals = propose(
      'China recalled its ambassador to Lithuania on Tuesday and demanded that Vilnius withdraw its envoy from Beijing, ' +
      'after Lithuania let Taiwan open a representative office under its own name.',
      '2021-08-11',
    );
    expect(proposals.map(brief)).toContainEqual({ type: 'AmbassadorRecalled', actor: 'CHN', target: 'LTU', occurredOn: '2021-08-10' });
    expect(proposals.filter((p) => p.actor === 'LTU' && p.type === 'AmbassadorRecalled')).toEqual([]);
  });

  it('2023, Niger and France: the junta orders the French ambassador out; France refuses to recall him', () => {
    const proposals = propose(
      'Niger’s military rulers on Friday ordered the French ambassador, Sylvain Itté, to leave the country within 48 hours. ' +
      'France refused to recall its ambassador, saying the junta had no authority to make the request.',
      '2023-08-26',
    );
    const expulsion = proposals.find((p) => p.type === 'DiplomatsExpelled');
    expect(brief(expulsion!)).toEqual({ type: 'DiplomatsExpelled', actor: 'NER', target: 'FRA', occurredOn: '2023-08-25' });
    expect(expulsion!.details).toEqual({ diplomats: 1, deadlineHours: 48, includesAmbassador: true });
    expect(proposals.filter((p) => p.type === 'AmbassadorRecalled')).toEqual([]);
  });

  it('2020, the United States and China close each other\'s consulates', () => {
    const proposals = propose(
      'The United States ordered China on Wednesday to close its consulate in Houston within 72 hours. ' +
      'China retaliated on Friday by ordering the United States to close its consulate in Chengdu.',
      '2020-07-25',
    );
    expect(proposals.map(brief)).toEqual([
      { type: 'RelationsReduced', actor: 'USA', target: 'CHN', occurredOn: '2020-07-22' },
      { type: 'RelationsReduced', actor: 'CHN', target: 'USA', occurredOn: '2020-07-24' },
    ]);
    expect(proposals[1]!.inResponseTo).toBe(proposals[0]!.proposalId);
    expect(proposals[0]!.details).toEqual({ cameo: '161' });
  });

  it('2018, an article naming four states: each expulsion with its own actor and count', () => {
    const proposals = propose(
      'Poland expelled four Russian diplomats on Monday in solidarity with Britain. ' +
      'The Czech Republic expelled three Russian diplomats, and Lithuania expelled two Russian diplomats.',
      '2018-03-27',
    );
    expect(proposals.map((p) => [p.actor, p.target, p.details.diplomats])).toEqual([['POL', 'RUS', 4], ['CZE', 'RUS', 3], ['LTU', 'RUS', 2]]);
  });

  it.each([
    ['domestic politics', 'The French parliament adopted the pension reform on Thursday after weeks of strikes, and the prime minister said the government would consult the unions.', '2023-03-17'],
    ['economics between two states', 'Tourism from Germany to Spain rose by eight percent last year, the Spanish statistics office said on Monday.', '2024-02-06'],
    ['a central bank', 'Azerbaijan’s central bank kept its key rate unchanged on Wednesday, citing slowing inflation.', '2024-01-25'],
  ])('%s: no interstate incident, so nothing is proposed', (_case, text, publishedOn) => {
    expect(propose(text, publishedOn)).toEqual([]);
  });

  it('gives every proposal details the catalogue accepts', () => {
    const all = propose('Britain expelled 23 Russian diplomats on Wednesday. Russia threatened to expel British diplomats. China recalled its ambassador to Lithuania. ' +
      'Nigeria will withdraw its force from Chad unless elections are held. Iran threatened to suspend talks with France.', '2018-03-15');
    expect(all.map((p) => p.type)).toEqual(expect.arrayContaining(['DiplomatsExpelled', 'ThreatIssued', 'AmbassadorRecalled']));
    expect(all.filter((p) => p.type === 'ThreatIssued').length).toBeGreaterThanOrEqual(2);
    for (const p of all) expect(() => checkedDetails(p.type, p.details as IncidentDetails)).not.toThrow();
  });
});
