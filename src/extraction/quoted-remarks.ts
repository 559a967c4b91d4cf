import type { IncidentType } from '../domain/incident-types.js';
import type { StateMention } from './state-mentions.js';
import type { TriggerRule } from './trigger-rules.js';

/**
 * Reported criticism: a speaker's quoted words that disparage or accuse another state's government.
 * "Aliyev said that “some political leaders in France want to be more Armenian than the Armenians”"
 * has no accusing verb — the charge is in the quote — yet a coder codes it (CAMEO 112 accuse; 111
 * criticize or denounce for an insult without a charge). The verb patterns skip quotes, because a quote
 * naming states is usually someone's words about them; this rule reads the quote, and fires only when
 * all of these hold: a speech verb introduces the quote, the quote names a state next to its government
 * or leaders, and it carries a disparaging or accusatory cue. The speech verb is the trigger, so the
 * speaker is the actor and the date nearest it ("Speaking on December 15") is the remark's.
 */
export interface QuotedRemark {
  readonly rule: TriggerRule;
  /** Offsets in the sentence's text. */
  readonly trigger: { readonly index: number; readonly text: string };
  /** The state the quote is about: the remark's target. */
  readonly target: StateMention;
  readonly quote: string;
}

const SPEECH_THEN_QUOTE = /\b(said|says|told\s+\w+|declared|stated|remarked|added|quipped|wrote|asserted)\b(?:\s+(?:on|in|at|last|this)\s+\w+)?(?:\s+that)?\s*,?\s*(?=[“"])/gi;
const QUOTED = /[“"]([^”"]{8,400})[”"]/y;
/** The quote is about a state's rulers, not its people or territory. */
const GOVERNMENT = /\b(?:leaders?|leadership|government|authorities|officials|politicians|rulers|regime|president|elite|establishment|administration)\b/i;
/** A charge: bias, deceit, interference, aggression ("more Armenian than the Armenians" is a charge of partisanship). */
const ACCUSATORY = /\bmore\s+[\w-]+\s+than\s+the\s+[\w-]+|\b(?:hypocri\w*|lie|lies|lying|liars?|puppets?|(?:neo-?)?colonial\w*|interfer\w*|meddl\w*|provocat\w*|aggress\w*|betray\w*|blackmail\w*|bias(?:ed)?|double\s+standards?|destabili[sz]\w*|nazis?|fascis\w*|incit\w*|fuel\w*|arm(?:s|ing)\s+(?:the\s+)?separatists?)\b/i;
/** An insult without a charge: a denunciation. */
const DISPARAGING = /\b(?:shame\w*|disgrace\w*|irresponsible|hysteri\w*|arrogan\w*|absurd|pathetic|contempt\w*|cynical)\b/i;

/** Lower than a verb rule's 0.85: the charge is read from the speaker's words, not from a reporting verb. */
function quotedRule(id: string, type: IncidentType): TriggerRule {
  return { id, type, impliedDetails: {}, pattern: SPEECH_THEN_QUOTE, confidence: 0.6, placeIsNotTarget: false };
}

const ACCUSING_REMARK = quotedRule('quoted-accusation', 'Accusation');
const DENOUNCING_REMARK = quotedRule('quoted-denunciation', 'PublicCondemnation');

/** The quoted remarks of a sentence that accuse or denounce a state other than the speaker's. */
export function quotedRemarks(sentenceText: string, sentenceStart: number, quotedMentions: readonly StateMention[]): QuotedRemark[] {
  const remarks: QuotedRemark[] = [];
  SPEECH_THEN_QUOTE.lastIndex = 0;
  for (const speech of sentenceText.matchAll(SPEECH_THEN_QUOTE)) {
    QUOTED.lastIndex = speech.index! + speech[0].length;
    const quoted = QUOTED.exec(sentenceText);
    if (!quoted) continue;
    const quote = quoted[1]!.trim().replace(/[.,]$/, '');
    const rule = ACCUSATORY.test(quote) ? ACCUSING_REMARK : DISPARAGING.test(quote) ? DENOUNCING_REMARK : undefined;
    if (!rule) continue;
    const from = sentenceStart + quoted.index;
    const to = from + quoted[0].length;
    const target = quotedMentions.find((m) => m.start >= from && m.end <= to && m.kind !== 'person' && nearGovernment(sentenceText, m.start - sentenceStart, m.end - sentenceStart));
    if (target) remarks.push({ rule, trigger: { index: speech.index!, text: speech[1]! }, target, quote });
  }
  return remarks;
}

/** "political leaders in France", "the French government", "Paris's rulers": within three words. */
function nearGovernment(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 40), start).split(/\s+/).slice(-4).join(' ');
  const after = text.slice(end, end + 40).split(/\s+/).slice(0, 4).join(' ');
  return GOVERNMENT.test(before) || GOVERNMENT.test(after);
}
