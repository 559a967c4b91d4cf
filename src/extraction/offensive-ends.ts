import type { Draft } from './draft.js';
import type { Sentence } from './sentences.js';
import { datesIn } from './relative-dates.js';

/**
 * The end of a campaign the text dates as a closed range. "Baku's September 19-20 military offensive"
 * says the offensive stopped on the 20th without saying so in a verb; a human coder codes that stop
 * (the 2023 Karabakh offensive ended with a ceasefire on its second day, as did Russia's August 8-12,
 * 2008 war in Georgia). CAMEO codes the halt of a military engagement under 087 "de-escalate military
 * engagement", whose catalogue type is CeasefireDeclared (0871) — the one type whose effect on the
 * pair is that the fighting stops. Because the manner of the stop is inferred, not read, the proposal
 * carries a low confidence and a "why" that says so; the analyst confirms or rejects it on review.
 */

/** Only a campaign has an end worth coding: a range of days of shelling or strikes is not a ceasefire. */
const CAMPAIGN = /\b(?:offensive|invasion|operation|campaign|war)\b/i;
/** How far below the offensive's own confidence an inferred end is proposed. */
const INFERENCE_PENALTY = 0.35;

export function endOfDatedCampaign(offensive: Draft, sentence: Sentence, publishedOn: string): Draft | undefined {
  if (offensive.type !== 'MilitaryOffensive' || offensive.dateSource !== 'stated') return undefined;
  const window = sentence.text.slice(Math.max(0, offensive.evidence.trigger.start - sentence.start - 40), offensive.evidence.trigger.end - sentence.start + 40);
  if (!CAMPAIGN.test(offensive.evidence.trigger.text) && !CAMPAIGN.test(window)) return undefined;
  const range = datesIn(sentence.text, sentence.start, publishedOn)
    .find((d) => d.lastDay && d.occurredOn === offensive.occurredOn);
  // A range running past publication is a campaign still under way, not one that ended.
  if (!range?.lastDay || range.lastDay > publishedOn) return undefined;
  const region = offensive.details.region;
  return {
    type: 'CeasefireDeclared', ruleId: 'campaign-end', actor: offensive.actor, target: offensive.target,
    occurredOn: range.lastDay, dateSource: 'stated',
    details: typeof region === 'string' ? { place: region } : {}, implied: [],
    evidence: { ...offensive.evidence, trigger: { start: range.start, end: range.end, text: range.text } },
    sentenceIndex: offensive.sentenceIndex, paragraph: offensive.paragraph,
    confidence: Math.max(0.1, offensive.confidence - INFERENCE_PENALTY),
    reasons: [
      `rule "campaign-end" on "${range.text}"`,
      `inferred from the date range: the ${offensive.evidence.trigger.text} of ${offensive.actor} against ${offensive.target} is dated "${range.text}", so it ended on its last day, ${range.lastDay}; the text does not say how (a ceasefire is proposed, CAMEO 087/0871)`,
    ],
    reciprocal: false, distinction: '',
  };
}
