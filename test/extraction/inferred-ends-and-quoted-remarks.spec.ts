import { datesIn } from '../../src/extraction/relative-dates.js';
import { brief, propose } from './extraction-helpers.js';

/** The rules added for the seed article's two acts no verb states; each tried on other real episodes, paraphrased. */
describe('the end of a campaign dated as a closed range', () => {
  it('reads a closed range of days with its last day', () => {
    expect(datesIn('September 19-20', 0, '2023-12-27')).toEqual([expect.objectContaining({ occurredOn: '2023-09-19', lastDay: '2023-09-20' })]);
    expect(datesIn('12–16 June', 0, '2025-07-01')).toEqual([expect.objectContaining({ occurredOn: '2025-06-12', lastDay: '2025-06-16' })]);
  });

  it('2008, Russia and Georgia: the August 8-12 offensive proposes its end on the 12th, inferred and less sure than the offensive', () => {
    const proposals = propose('Russia’s August 8-12, 2008 military offensive against Georgia left Russian troops in South Ossetia.', '2008-09-01');
    expect(proposals.map(brief)).toEqual(expect.arrayContaining([
      { type: 'MilitaryOffensive', actor: 'RUS', target: 'GEO', occurredOn: '2008-08-08' },
      { type: 'CeasefireDeclared', actor: 'RUS', target: 'GEO', occurredOn: '2008-08-12' },
    ]));
    expect(proposals).toHaveLength(2);
    const offensive = proposals.find((p) => p.type === 'MilitaryOffensive');
    const end = proposals.find((p) => p.type === 'CeasefireDeclared');
    expect(end!.confidence).toBeLessThan(offensive!.confidence);
    expect(end!.why).toContain('inferred from the date range');
    expect(end!.evidence.trigger.text).toBe('August 8-12, 2008');
  });

  it('2025, Israel and Iran: the June 13-24 campaign ends on the 24th', () => {
    const proposals = propose('Iran vowed to rebuild after Israel’s June 13-24 military offensive against Iran’s nuclear sites.', '2025-07-10');
    expect(proposals.map(brief)).toContainEqual({ type: 'CeasefireDeclared', actor: 'ISR', target: 'IRN', occurredOn: '2025-06-24' });
  });

  it.each([
    ['shelling over a range of days is not a campaign', 'Russia shelled Ukrainian border villages on March 3-5.', '2024-03-08'],
    ['an offensive on a single day has no stated end', 'Azerbaijan launched a military offensive against Armenia on September 19.', '2023-12-27'],
    ['a range running past publication is still under way', 'Russia’s February 20-28 military offensive against Ukraine continued.', '2022-02-25'],
  ])('proposes no end when %s', (_case, text, publishedOn) => {
    const proposals = propose(text, publishedOn);
    expect(proposals.some((p) => p.type === 'MilitaryOffensive')).toBe(true);
    expect(proposals.filter((p) => p.type === 'CeasefireDeclared')).toEqual([]);
  });
});

describe('reported criticism: a quoted remark against another state\'s leaders', () => {
  it('2017, Turkey and Germany: Erdogan\'s "Nazi practices" remark is an accusation, dated from "Speaking on March 5", with speaker and quote', () => {
    const [remark, ...rest] = propose('Speaking on March 5, Turkish President Recep Tayyip Erdogan said that “the practices of the German authorities are no different from Nazi practices.”', '2017-03-07');
    expect(rest).toEqual([]);
    expect(remark).toMatchObject({
      type: 'Accusation', actor: 'TUR', target: 'DEU', occurredOn: '2017-03-05',
      details: { speaker: 'Recep Tayyip Erdogan', quote: 'the practices of the German authorities are no different from Nazi practices' },
    });
    expect(remark!.evidence.trigger.text).toBe('said');
    expect(remark!.why).toContain('quoted-accusation');
  });

  it('2021, China and Lithuania: an insult without a charge is a denunciation', () => {
    const proposals = propose('China’s foreign ministry said on Tuesday that “the decision of the Lithuanian government is absurd and shameful.”', '2021-11-24');
    expect(proposals.map(brief)).toEqual([{ type: 'PublicCondemnation', actor: 'CHN', target: 'LTU', occurredOn: '2021-11-23' }]);
  });

  it.each([
    ['a quote that praises', 'Speaking on May 9, French President Emmanuel Macron said that “the German government is our closest partner.”'],
    ['a charge against the speaker\'s own government', 'Speaking on March 5, Turkish President Recep Tayyip Erdogan said that “the Turkish government will never bow to lies.”'],
    ['a charge against a people, not its government', 'Speaking on March 5, Turkish President Recep Tayyip Erdogan said that “Germany is a country of lies.”'],
    ['no speech verb introducing the quote', 'The slogan “the German government are liars” was painted on a wall in Ankara by Turkish students.'],
  ])('proposes nothing for %s', (_case, text) => {
    expect(propose(text, '2017-05-10').filter((p) => p.type === 'Accusation' || p.type === 'PublicCondemnation')).toEqual([]);
  });

  it('does not code the remark twice when a verb already codes the charge', () => {
    const proposals = propose('Turkish President Recep Tayyip Erdogan accused Germany of lying on Monday, and said that “the German government are liars.”', '2017-03-07');
    expect(proposals.filter((p) => p.type === 'Accusation')).toHaveLength(1);
  });
});

describe('plural allegations are a standing grievance, like "repeatedly accusing"', () => {
  it('codes "allegations from Washington accusing Beijing" as no act, but Washington\'s accusation itself as one', () => {
    expect(propose('Talks stalled amid allegations from Washington accusing Beijing of cyber espionage.', '2015-06-10').filter((p) => p.type === 'Accusation')).toEqual([]);
    expect(propose('Washington accused Beijing of cyber espionage on Tuesday.', '2015-06-10').map(brief)).toEqual([
      { type: 'Accusation', actor: 'USA', target: 'CHN', occurredOn: '2015-06-09' },
    ]);
  });
});
