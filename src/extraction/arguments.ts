import type { StateMention } from './state-mentions.js';
import type { Sentence } from './sentences.js';

/** Who did it and to whom, and in a few words how each was found (shown in the proposal's "why"). */
export interface Arguments {
  readonly actor?: StateMention;
  readonly target?: StateMention;
  readonly actorHow: string;
  readonly targetHow: string;
}

export interface TriggerSpan { readonly start: number; readonly end: number }

/** Words after which a clause starts with its own subject ("X said that Y expelled Z"). */
const CLAUSE_BOUNDARY = /(?:;|,\s+and\b|,\s+but\b|\bthat\b|\bwhich\b|\bwho\b|,\s+while\b|\bafter\b|\bbefore\b|\bwhen\b)/gi;
const PASSIVE_AUXILIARY = /\b(?:was|were|been|being|is|are|be|get|got)\s+(?:\w+ly\s+)?$/i;
/** "in Spain", "at the UN in Geneva": a place, not a party. */
const PLACE_BEFORE = /\b(?:in|at|near|across)\s+(?:the\s+)?$/i;
/** The participle of a passive act ("deemed ... by", "were ordered to leave"). */
const PARTICIPLE_START = /^(?:deem|order|declar|summon|expel|boycott|accus|condemn|recall|sanction)/i;

/**
 * Finds the actor and the target of a trigger in its sentence, in this order of rules:
 * an agent after "by" for a passive or a noun ("Y was summoned by X", "the expulsion of Y by X");
 * a possessor right before a noun trigger ("Azerbaijan's expulsion of two French employees");
 * otherwise the subject: the first state of the trigger's own clause, or of the sentence.
 * The target is the first other state after the trigger (not a place, where the act has one),
 * else another state before it ("Russia and China held talks" reads Russia → China).
 */
export function findArguments(sentence: Sentence, mentions: readonly StateMention[], trigger: TriggerSpan, placeIsNotTarget: boolean, passiveCapable: boolean): Arguments {
  const before = mentions.filter((m) => m.end <= trigger.start);
  // A state inside a long trigger ("ordered China to close its consulate") is its object.
  const after = mentions.filter((m) => m.start >= trigger.start);
  const textBefore = sentence.text.slice(0, trigger.start - sentence.start);
  const triggerText = sentence.text.slice(trigger.start - sentence.start, trigger.end - sentence.start);
  const isPassive = PASSIVE_AUXILIARY.test(textBefore) || (passiveCapable && PARTICIPLE_START.test(triggerText) && /ed\b/.test(triggerText.split(/\s/)[0]!) && /^\s*(?:\w+\s+){0,4}by\b/.test(sentence.text.slice(trigger.end - sentence.start)));
  const agent = agentAfter(sentence, after, trigger);
  if (agent && (isPassive || /ion|ment|s$/.test(triggerText.split(/\s/)[0]!))) {
    const notPlace = (m: StateMention) => !placeIsNotTarget || !/\b(?:in|at)\s+(?:the\s+)?$/i.test(sentence.text.slice(0, m.start - sentence.start));
    const target = [...before].reverse().find((m) => m.code !== agent.code && notPlace(m)) ?? after.find((m) => m.code !== agent.code && m !== agent && notPlace(m));
    return { actor: agent, target, actorHow: `the agent after "by"`, targetHow: 'the state before the trigger' };
  }
  if (isPassive) {
    // A passive with no agent: the state before it is the one acted on; the actor is left to the context.
    const target = [...before].reverse()[0];
    return { target, actorHow: 'none (passive without agent)', targetHow: 'the state before the passive trigger' };
  }
  const possessor = before.at(-1);
  const gap = possessor ? sentence.text.slice(possessor.end - sentence.start, trigger.start - sentence.start).replace(/^['’]s?/, '') : '';
  if (possessor?.possessive && !/[,;.]/.test(gap) && gap.split(/\s+/).filter(Boolean).length <= 3) {
    return { actor: possessor, ...targetAfter(sentence, after, possessor.code, placeIsNotTarget, before), actorHow: 'the possessor of the trigger' };
  }
  const subject = subjectOf(sentence, before, trigger);
  if (!subject) return { ...targetAfter(sentence, after, undefined, placeIsNotTarget, []), actorHow: 'none in the sentence' };
  return { actor: subject, ...targetAfter(sentence, after, subject.code, placeIsNotTarget, before.filter((m) => m !== subject)), actorHow: 'the subject before the trigger' };
}

/** The state named within a few words after "by", in the trigger's clause. */
function agentAfter(sentence: Sentence, after: readonly StateMention[], trigger: TriggerSpan): StateMention | undefined {
  const rest = sentence.text.slice(trigger.end - sentence.start).split(/[;]|\.\s/)[0]!;
  const by = /\bby\s+/.exec(rest);
  if (!by) return undefined;
  const byEnd = trigger.end + by.index + by[0].length;
  return after.find((m) => m.start >= byEnd && sentence.text.slice(byEnd - sentence.start, m.start - sentence.start).split(/\s+/).filter(Boolean).length <= 3);
}

function clauseGap(sentence: Sentence, from: number, to: number): boolean {
  return !/[;.]/.test(sentence.text.slice(from - sentence.start, to - sentence.start));
}

function subjectOf(sentence: Sentence, before: readonly StateMention[], trigger: TriggerSpan): StateMention | undefined {
  const textBefore = sentence.text.slice(0, trigger.start - sentence.start);
  let clauseStart = 0;
  for (const boundary of textBefore.matchAll(CLAUSE_BOUNDARY)) clauseStart = boundary.index! + boundary[0].length;
  const inClause = before.filter((m) => m.start - sentence.start >= clauseStart && !PLACE_BEFORE.test(sentence.text.slice(0, m.start - sentence.start)));
  // A pronoun subject of its own clause ("it summoned") points back to the sentence's first state.
  const candidates = inClause.length > 0 ? inClause : before.filter((m) => !PLACE_BEFORE.test(sentence.text.slice(0, m.start - sentence.start)));
  // "Security forces in Guinea have tortured…": with no other state before the trigger, the place is the actor's.
  return candidates[0] ?? before[0];
}

function targetAfter(sentence: Sentence, after: readonly StateMention[], actorCode: string | undefined, placeIsNotTarget: boolean, others: readonly StateMention[]): Pick<Arguments, 'target' | 'targetHow'> {
  const isPlace = (m: StateMention) => placeIsNotTarget && /\b(?:in|at)\s+(?:the\s+)?$/i.test(sentence.text.slice(0, m.start - sentence.start));
  const target = after.find((m) => m.code !== actorCode && !isPlace(m) && clauseGap(sentence, after[0]!.start, m.start));
  if (target) return { target, targetHow: 'the first other state after the trigger' };
  const coordinated = others.find((m) => m.code !== actorCode && !isPlace(m));
  if (coordinated) return { target: coordinated, targetHow: 'the other state named with the actor' };
  return { targetHow: 'none in the sentence' };
}
