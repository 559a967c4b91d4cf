import { readFileSync } from 'node:fs';
import { checkedDetails } from '../../src/domain/incident-details.js';
import type { IncidentDetails } from '../../src/domain/incident.js';
import { extractIncidents } from '../../src/extraction/extract.js';
import { sharedFile } from '../../bench/shared-data.js';
import { SEED_ARTICLES } from '../../bench/seed-articles.js';

const [baku, paris] = SEED_ARTICLES.map((article) => extractIncidents({ text: readFileSync(sharedFile('seeds', article.file), 'utf8'), publishedOn: article.publishedOn }));
const find = (proposals: typeof baku.proposals, type: string, actor: string, target: string) =>
  proposals.filter((p) => p.type === type && p.actor === actor && p.target === target);

describe('the seed article datelined Baku, 27 December 2023', () => {
  it('proposes the expulsion once, on the Tuesday before publication, with its count and deadline', () => {
    const expulsions = find(baku!.proposals, 'DiplomatsExpelled', 'AZE', 'FRA');
    expect(expulsions).toHaveLength(1);
    expect(expulsions[0]).toMatchObject({ occurredOn: '2023-12-26', details: { diplomats: 2, deadlineHours: 48 } });
    expect(expulsions[0]!.evidence.trigger.text).toBe('expulsion');
    expect(expulsions[0]!.evidence.actor.text).toBe('Azerbaijan');
  });

  it('proposes the summons of the named French ambassador', () => {
    expect(find(baku!.proposals, 'AmbassadorSummoned', 'AZE', 'FRA')).toEqual([
      expect.objectContaining({ occurredOn: '2023-12-26', details: { ambassadorName: 'Anne Boillon' } }),
    ]);
  });

  it('reads the autumn: the offensive, its condemnation, the Security Council, the arms deals, the cancelled meeting', () => {
    expect(find(baku!.proposals, 'MilitaryOffensive', 'AZE', 'ARM')[0]).toMatchObject({ occurredOn: '2023-09-19' });
    expect(find(baku!.proposals, 'PublicCondemnation', 'FRA', 'AZE')[0]!.occurredOn).toMatch(/^2023-09/);
    expect(find(baku!.proposals, 'OppositionRallied', 'FRA', 'AZE')[0]).toMatchObject({ details: { forum: 'UN Security Council' } });
    expect(find(baku!.proposals, 'ArmsDealSigned', 'FRA', 'ARM')[0]).toMatchObject({ occurredOn: '2023-10' });
    expect(find(baku!.proposals, 'MeetingBoycotted', 'AZE', 'FRA')[0]).toMatchObject({ occurredOn: '2023-10', details: { place: 'Spain' } });
    expect(find(baku!.proposals, 'PublicCondemnation', 'AZE', 'FRA')[0]).toMatchObject({ occurredOn: '2023-11' });
  });

  it('does not code the background ("repeatedly accusing") or the lack of a reaction as acts', () => {
    const accusations = find(baku!.proposals, 'Accusation', 'AZE', 'FRA');
    // "said" is the quoted remark of 15 December (below), not "repeatedly accusing".
    expect(accusations.map((p) => p.evidence.trigger.text)).toEqual(['said', 'accused']);
    expect(baku!.proposals.filter((p) => p.actor === 'FRA' && p.occurredOn.startsWith('2023-12'))).toEqual([expect.objectContaining({ type: 'MilitaryAidPledged' })]);
  });

  it('proposes the end of the September 19-20 offensive on the 20th, as an inference from the date range', () => {
    const [end] = find(baku!.proposals, 'CeasefireDeclared', 'AZE', 'ARM');
    expect(end).toMatchObject({ occurredOn: '2023-09-20', details: { place: 'Karabakh' }, confidence: 0.5 });
    expect(end!.why).toContain('inferred from the date range');
  });

  it('proposes Aliyev\'s quoted remark of 15 December as an accusation, with speaker and quote', () => {
    const remark = find(baku!.proposals, 'Accusation', 'AZE', 'FRA').find((p) => p.occurredOn === '2023-12-15');
    expect(remark).toMatchObject({ details: { speaker: 'Ilham Aliyev', quote: 'some political leaders in France want to be more Armenian than the Armenians' } });
  });
});

describe('the seed article on France\'s reply', () => {
  it('proposes France\'s expulsion as the reciprocal one, answering Azerbaijan\'s', () => {
    const [reply] = find(paris!.proposals, 'ReciprocalExpulsion', 'FRA', 'AZE');
    const [answered] = find(paris!.proposals, 'DiplomatsExpelled', 'AZE', 'FRA');
    expect(reply).toMatchObject({ details: { diplomats: 2 }, inResponseTo: answered!.proposalId });
    expect(answered).toMatchObject({ details: { diplomats: 2, deadlineHours: 48 } });
  });

  it('links the French summons to Azerbaijan\'s expulsion ("responded by summoning")', () => {
    const [summons] = find(paris!.proposals, 'AmbassadorSummoned', 'FRA', 'AZE');
    const [answered] = find(paris!.proposals, 'DiplomatsExpelled', 'AZE', 'FRA');
    expect(summons!.inResponseTo).toBe(answered!.proposalId);
  });

  it('codes Aliyev\'s earlier accusation, but not the standing "allegations from Azerbaijan accusing France" of bias', () => {
    expect(find(paris!.proposals, 'Accusation', 'AZE', 'FRA').map((p) => p.evidence.trigger.text)).toEqual(['accused']);
  });

  it('proposes the boycott once although both articles\' sentences tell it, targeting France (whose stance Aliyev objected to)', () => {
    expect(find(paris!.proposals, 'MeetingBoycotted', 'AZE', 'FRA')).toHaveLength(1);
    expect(find(paris!.proposals, 'MeetingBoycotted', 'AZE', 'ESP')).toHaveLength(0);
  });
});

describe('every proposal of the seed articles', () => {
  it('has details that pass the catalogue validation a report passes (POST /incidents)', () => {
    for (const proposal of [...baku!.proposals, ...paris!.proposals]) {
      expect(() => checkedDetails(proposal.type, proposal.details as IncidentDetails)).not.toThrow();
    }
  });

  it('has evidence spans that are the article\'s own text, and stable ids', () => {
    const text = readFileSync(sharedFile('seeds', SEED_ARTICLES[0].file), 'utf8');
    for (const { evidence } of baku!.proposals) {
      for (const span of [evidence.sentence, evidence.trigger, evidence.actor, evidence.target]) expect(text.slice(span.start, span.end)).toBe(span.text);
    }
    const again = extractIncidents({ text, publishedOn: SEED_ARTICLES[0].publishedOn });
    expect(again.proposals.map((p) => p.proposalId)).toEqual(baku!.proposals.map((p) => p.proposalId));
  });
});
