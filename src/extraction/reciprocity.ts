import type { Draft } from './draft.js';

/** Words that present an act as an answer to another: "in response", "citing reciprocity", "tit-for-tat". */
export const RECIPROCITY_CUE = /\b(?:in\s+response|in\s+retaliation|retaliat\w*|reciproc\w*|tit[- ]for[- ]tat|responded\s+by|in\s+kind|in\s+the\s+wake\s+of|mirror(?:ed|ing)?\s+(?:the|a)\b)/i;

/**
 * Links each act marked as reciprocal to the act it answers: the other side's act against its actor,
 * the same kind preferred (an expulsion answers an expulsion), else the latest such act. An expulsion that
 * answers an expulsion becomes the catalogue's ReciprocalExpulsion. The answered act may be told later
 * in the article ("France expelled two diplomats ... after Azerbaijan's expulsion of two French employees").
 */
export function linkReciprocalActs(drafts: Draft[]): void {
  for (const reply of drafts) {
    if (!reply.reciprocal) continue;
    const answered = drafts.filter((d) => d !== reply && !d.reciprocal && d.actor === reply.target && d.target === reply.actor);
    const sameKind = answered.filter((d) => family(d) === family(reply));
    // An act told before the reply is the likelier answer; among those, the latest.
    const byCloseness = (a: Draft, b: Draft) => Number(b.sentenceIndex <= reply.sentenceIndex) - Number(a.sentenceIndex <= reply.sentenceIndex) || b.sentenceIndex - a.sentenceIndex;
    const chosen = (sameKind.length ? sameKind : answered).sort(byCloseness)[0];
    if (!chosen) continue;
    reply.inResponseTo = chosen;
    reply.reasons.push(`answers ${chosen.actor}'s ${chosen.type} (reciprocity cue)`);
    if (reply.type === 'DiplomatsExpelled' && family(chosen) === 'expulsion') reply.type = 'ReciprocalExpulsion';
  }
}

/** "in the wake of Azerbaijan's expulsion", "in response to X's summons": the acts told after these words are the ones answered. */
const ANSWERED_AFTER = /\b(?:in\s+the\s+wake\s+of|response\s+to|retaliation\s+for)\b/i;

/** Whether a sentence with a reciprocity cue presents this act (its trigger at `triggerOffset`) as the reply. */
export function isReply(sentence: string, triggerOffset: number): boolean {
  if (!RECIPROCITY_CUE.test(sentence)) return false;
  const answered = ANSWERED_AFTER.exec(sentence);
  return !answered || answered.index > triggerOffset;
}

export function family(draft: Pick<Draft, 'type'>): string {
  return draft.type === 'DiplomatsExpelled' || draft.type === 'ReciprocalExpulsion' ? 'expulsion' : draft.type;
}
