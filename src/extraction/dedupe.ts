import type { Draft } from './draft.js';
import { family } from './reciprocity.js';

/** Two dates that can name one day: equal, or one a prefix of the other ("2023-12" and "2023-12-26"). */
export function compatibleDates(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * One proposal per distinct act: an article repeats its news (headline, lead, recap), so drafts of one
 * kind of act between the same pair on compatible dates are one act — unless what tells them apart differs
 * (two accusations with different charges). The merged act keeps the first telling's evidence, the most
 * precise date, every stated detail (a stated count wins over an implied one), and the highest confidence.
 */
export function mergeRepeatedActs(drafts: readonly Draft[]): Draft[] {
  const kept: Draft[] = [];
  for (const draft of drafts) {
    const same = kept.find((k) => family(k) === family(draft) && k.actor === draft.actor && k.target === draft.target
      && compatibleDates(k.occurredOn, draft.occurredOn) && (headOf(k.distinction) === headOf(draft.distinction) || !k.distinction || !draft.distinction));
    if (!same) { kept.push(draft); continue; }
    if (rank(draft) > rank(same) || (rank(draft) === rank(same) && draft.occurredOn.length > same.occurredOn.length)) {
      same.occurredOn = draft.occurredOn;
      same.dateSource = draft.dateSource;
    }
    for (const [field, value] of Object.entries(draft.details)) {
      const better = !(field in same.details) || (same.implied.includes(field) && !draft.implied.includes(field));
      if (!better) continue;
      same.details[field] = value;
      same.implied = same.implied.filter((f) => f !== field || draft.implied.includes(field));
    }
    if (draft.type === 'ReciprocalExpulsion') same.type = draft.type;
    same.reciprocal ||= draft.reciprocal;
    same.confidence = Math.max(same.confidence, draft.confidence);
    same.reasons.push(`repeated in sentence ${draft.sentenceIndex + 1} ("${draft.evidence.trigger.text}")`);
  }
  return kept;
}

const rank = (draft: Draft) => (draft.dateSource === 'stated' ? 2 : draft.dateSource === 'carried' ? 1 : 0);

/** The charge's verb ("fomenting" of "fomenting Armenian separatism"): a retelling may word the rest differently. */
const headOf = (distinction: string) => distinction.split(/\s+/).find((w) => /ing$/.test(w)) ?? distinction;
