/**
 * What the words before a trigger say about the act: that it happened, that it was only threatened,
 * intended or hypothetical, that it was denied or refused, or that it is a habit rather than one act.
 * Rule coders that skip this step code "threatened to expel" as an expulsion — the commonest
 * over-production reported for TABARI and PETRARCH.
 */
export type Modality = 'asserted' | 'threatened' | 'intended' | 'hypothetical' | 'negated' | 'habitual';

/** Read from the end of the text before the trigger (its own clause), nearest cue first. */
const CUES: ReadonlyArray<readonly [RegExp, Modality]> = [
  [/(?<![-\w])(?:threat(?:en|ens|ened|ening)|vow(?:ed|s)?|warn(?:ed|s)?(?: that)?(?: it)?(?: would| will)?)\s+(?:to\s+)?(?:\w+\s+){0,2}$/i, 'threatened'],
  [/\b(?:not|n['’]t|never|no longer|refus(?:ed|es|e) to|declin(?:ed|es) to|den(?:ied|ies|y)(?: that)?(?: it)?(?: had)?|without|rather than|instead of|avoid(?:ed)?)\s+(?:\w+\s+){0,2}$/i, 'negated'],
  [/\b(?:could|would|might|may|should|must|if|unless|proposals?\s+(?:for|to)|aims? to|aiming to|seeks? to|wants? to|consider(?:s|ed|ing)?|call(?:s|ed)? for|urg(?:ed|es|ing)|demand(?:s|ed|ing)?|ask(?:s|ed)?)\s+(?:\w+\s+){0,3}$/i, 'hypothetical'],
  [/\b(?:will|shall|plans? to|planning to|intends? to|intending to|is to|are to|expected to|going to|ready to|prepared to|agreed to|willing to|promis(?:ed|es) to|pledg(?:ed|es) to|offer(?:ed|s) to)\s+(?:\w+\s+){0,2}$/i, 'intended'],
  [/\b(?:repeatedly|regularly|routinely|consistently|often|frequently|habitually)\s+(?:\w+\s+){0,1}$/i, 'habitual'],
  // "allegations from Azerbaijan accusing France of bias": plural charges are a standing grievance, like "repeatedly accusing".
  [/\b(?:allegations|accusations|charges|complaints)\s+(?:from|by)\s+(?:[\w’'-]+\s+){1,3}$/i, 'habitual'],
];

export function modalityBefore(textBeforeTrigger: string): Modality {
  const clause = textBeforeTrigger.split(/[;:,]\s+(?=\w)|\b(?:and|but|while|after|before)\s+(?=\w)/).pop() ?? '';
  const tail = clause.slice(-80);
  for (const [cue, modality] of CUES) if (cue.test(tail)) return modality;
  return 'asserted';
}

/** CAMEO codes a stated intention to cooperate, help, yield or meet as its own act (root 03), not as the act. */
export const INTENT_CODE_OF_ROOT: Readonly<Record<string, string>> = { '04': '036', '05': '032', '06': '031', '07': '033', '08': '035' };

/** "will withdraw its force unless…": a conditional promise of something unwelcome is a threat. */
export const CONDITION_AFTER = /\b(?:unless|if\s+\w+\s+(?:does|do|did)\s+not)\b/i;

/** An act marked as lying before the story's news ("had earlier accused", "has previously"): it gets the year only. */
export const EARLIER_MARKER = /\b(?:had|earlier|previously|in the past|once|formerly|long)\b/i;
