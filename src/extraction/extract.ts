import { createHash } from 'node:crypto';
import { v5 as uuidV5 } from 'uuid';
import type { ArticleInput, ExtractionResult, ProposedIncident, TextSpan } from './proposal.js';
import { splitSentences, type Sentence } from './sentences.js';
import { stateMentions, titledPeople, type StateMention } from './state-mentions.js';
import { TRIGGER_RULES, type TriggerRule } from './trigger-rules.js';
import { modalityBefore, EARLIER_MARKER, CONDITION_AFTER, INTENT_CODE_OF_ROOT } from './modality.js';
import { incidentTypeForCameo } from '../domain/incident-catalog.js';
import { findArguments } from './arguments.js';
import { statedDetails } from './details-from-text.js';
import { datesIn, publicationMonth, publicationYear } from './relative-dates.js';
import { RECIPROCITY_CUE, isReply, linkReciprocalActs } from './reciprocity.js';
import { mergeRepeatedActs } from './dedupe.js';
import { summaryOf } from './summary.js';
import type { Draft } from './draft.js';
import { quotedRemarks } from './quoted-remarks.js';
import { endOfDatedCampaign } from './offensive-ends.js';

/** The namespace of proposal ids (a UUID v5 of the article's hash and the act), fixed so ids are stable. */
const PROPOSAL_NAMESPACE = '6f1d3c2e-8a4b-5c7d-9e0f-1a2b3c4d5e6f';

/** Objects that point back to an act told before ("condemned those deals", "the move"): the target is that act's actor. */
const ANAPHORIC_OBJECT = /^\s+(?:those|these|this|that|the)\s+(?:deals?|moves?|decisions?|measures?|steps?|actions?|expulsions?|remarks?|statements?|accusations?)\b|^\s+(?:it|them)\b/i;

/**
 * Reads an article and proposes the interstate incidents it reports, each with its evidence and the rules
 * that fired. Pure and synchronous: the same article always yields the same proposals (and ids).
 * The steps, each in its own module: sentences → state mentions → triggers → modality → actor and
 * target → details, date → reciprocity → one proposal per distinct act. See docs/extraction.md.
 */
export function extractIncidents(article: ArticleInput): ExtractionResult {
  const sentences = splitSentences(article.text);
  const people = titledPeople(article.text);
  const mentionsBySentence = sentences.map((sentence) => stateMentions(sentence, people));
  const drafts: Draft[] = [];
  let previousSubject: StateMention | undefined;
  for (const sentence of sentences) {
    const mentions = mentionsBySentence[sentence.index]!;
    const next = sentences[sentence.index + 1];
    const previous = sentences[sentence.index - 1];
    const around: Around = { previous: previous?.paragraph === sentence.paragraph ? previous.text : undefined, next: next && next.paragraph === sentence.paragraph ? { sentence: next, mentions: mentionsBySentence[next.index]! } : undefined, previousSubject };
    const explained = drafts.filter((d) => d.sentenceIndex === sentence.index - 1 && d.paragraph === sentence.paragraph && !('cameo' in d.details));
    // A broad act right after a specific one between the same pair explains it ("He objected to Macron's presence").
    const fromSentence = draftsOf(sentence, mentions, article, drafts, around)
      .filter((d) => !('cameo' in d.details) || !explained.some((e) => e.actor === d.actor && e.target === d.target));
    if (RECIPROCITY_CUE.test(sentence.text) && !fromSentence.some((d) => d.reciprocal)) markPreviousAsReply(drafts, sentence);
    drafts.push(...fromSentence);
    previousSubject = mentions.find((m) => !isQuoted(sentence.text, m.start - sentence.start)) ?? previousSubject;
  }
  const acts = mergeRepeatedActs(drafts);
  linkReciprocalActs(acts);
  const textHash = createHash('sha256').update(article.text).digest('hex');
  const ids = new Map(acts.map((d) => [d, uuidV5(`${textHash}|${d.type}|${d.actor}|${d.target}|${d.evidence.trigger.start}`, PROPOSAL_NAMESPACE)]));
  const proposals: ProposedIncident[] = acts.map((d) => ({
    proposalId: ids.get(d)!,
    type: d.type,
    actor: d.actor,
    target: d.target,
    occurredOn: d.occurredOn,
    summary: summaryOf(d.type, d.actor, d.target, d.details, d.distinction),
    details: d.details,
    ...(d.inResponseTo ? { inResponseTo: ids.get(d.inResponseTo)! } : {}),
    evidence: d.evidence,
    confidence: Math.round(d.confidence * 100) / 100,
    why: d.reasons.join('; '),
  }));
  return { proposals, sentences: sentences.length };
}

/** What the sentence's neighbours offer: the next sentence (an "objected to" after a boycott), the last subject (for "it", "he"). */
interface Around {
  readonly next?: { readonly sentence: Sentence; readonly mentions: readonly StateMention[] };
  readonly previousSubject?: StateMention;
  /** The previous sentence of the paragraph: "The two were ordered to leave" is about the diplomats it named. */
  readonly previous?: string;
}

/** Inside quotation marks: a quoted speaker's words name states that are not the sentence's parties. */
function isQuoted(text: string, offset: number): boolean {
  const before = text.slice(0, offset);
  return (before.match(/“/g)?.length ?? 0) > (before.match(/”/g)?.length ?? 0) || (before.match(/"/g)?.length ?? 0) % 2 === 1;
}

/** "The French Foreign Ministry cited ‘reciprocity’ as the catalyst for this decision": the act just told is a reply. */
function markPreviousAsReply(drafts: readonly Draft[], sentence: Sentence): void {
  const last = drafts.at(-1);
  if (last && sentence.index - last.sentenceIndex <= 2) {
    last.reciprocal = true;
    last.reasons.push(`reciprocity cue in sentence ${sentence.index + 1}`);
  }
}

function draftsOf(sentence: Sentence, allMentions: readonly StateMention[], article: ArticleInput, earlier: readonly Draft[], around: Around): Draft[] {
  const mentions = allMentions.filter((m) => !isQuoted(sentence.text, m.start - sentence.start));
  const drafts: Draft[] = [];
  const taken: Array<[number, number]> = [];
  for (const rule of TRIGGER_RULES) {
    if (rule.requires && !rule.requires.test(sentence.text) && !(around.previous && rule.requires.test(around.previous))) continue;
    rule.pattern.lastIndex = 0;
    for (const match of sentence.text.matchAll(rule.pattern)) {
      const start = sentence.start + match.index!;
      const end = start + match[0].length;
      if (taken.some(([s, e]) => s < end && start < e)) continue;
      taken.push([start, end]);
      if (isQuoted(sentence.text, match.index!)) continue;
      const draft = draftOf(rule, sentence, mentions, { start, end, text: match[0] }, article, [...earlier, ...drafts], around);
      if (draft) drafts.push(draft);
    }
  }
  drafts.push(...remarksOf(sentence, allMentions, mentions, article, [...earlier, ...drafts], around, taken));
  // One act, coded once at its most specific: "summoning the ambassador, launching a strong protest" is the summons.
  const specific = drafts.filter((d) => !('cameo' in d.details));
  const acts = drafts
    .filter((d) => !('cameo' in d.details) || !specific.some((s) => s.actor === d.actor && s.target === d.target))
    .sort((a, b) => a.evidence.trigger.start - b.evidence.trigger.start);
  // An inferred end follows the campaign it ends (its date range is told before the campaign's noun), so an accept
  // in proposal order records the offensive before the ceasefire the decider checks against it.
  return [...acts, ...acts.map((d) => endOfDatedCampaign(d, sentence, article.publishedOn)).filter((d): d is Draft => d !== undefined)];
}

/** Criticism carried by a quote (see quoted-remarks.ts), unless a verb in the sentence already coded the pair's charge. */
function remarksOf(sentence: Sentence, allMentions: readonly StateMention[], mentions: readonly StateMention[], article: ArticleInput, earlier: readonly Draft[], around: Around, taken: ReadonlyArray<[number, number]>): Draft[] {
  // Most sentences quote nobody: skip them before any per-mention work (the 1,000-word timing).
  if (!/[“"]/.test(sentence.text)) return [];
  const quotedMentions = allMentions.filter((m) => isQuoted(sentence.text, m.start - sentence.start));
  const drafts: Draft[] = [];
  for (const remark of quotedRemarks(sentence.text, sentence.start, quotedMentions)) {
    const start = sentence.start + remark.trigger.index;
    const trigger = { start, end: start + remark.trigger.text.length, text: remark.trigger.text };
    if (taken.some(([s, e]) => s < trigger.end && trigger.start < e)) continue;
    const draft = draftOf(remark.rule, sentence, [...mentions.filter((m) => m.end <= start), remark.target], trigger, article, earlier, around);
    const codedByVerb = earlier.some((d) => d.sentenceIndex === sentence.index && d.actor === draft?.actor && d.target === draft?.target && (d.type === 'Accusation' || d.type === 'PublicCondemnation'));
    // The speaker is the person named nearest before the speech verb ("Turkish President Recep Tayyip Erdogan said").
    const speaker = allMentions.filter((m) => m.kind === 'person' && m.end <= start).at(-1);
    const speakerDetail = speaker && draft && !('speaker' in draft.details) ? { speaker: fullName(article.text, speaker.text) } : {};
    if (draft && !codedByVerb) drafts.push({ ...draft, details: { ...draft.details, ...speakerDetail, quote: remark.quote }, distinction: remark.quote });
  }
  return drafts;
}

function draftOf(rule: TriggerRule, sentence: Sentence, mentions: readonly StateMention[], trigger: TextSpan, article: ArticleInput, earlier: readonly Draft[], around: Around): Draft | undefined {
  const textBefore = sentence.text.slice(0, trigger.start - sentence.start);
  const textAfter = sentence.text.slice(trigger.end - sentence.start);
  const reasons = [`rule "${rule.id}" on "${trigger.text}"`];
  let confidence = rule.confidence;
  let type = rule.type;
  const modality = modalityBefore(textBefore);
  if (modality === 'negated' || modality === 'hypothetical' || modality === 'habitual') return undefined;
  if (modality === 'threatened') {
    if (!rule.whenThreatened || rule.type === rule.whenThreatened) { if (rule.type !== 'ThreatIssued') return undefined; }
    else { type = rule.whenThreatened; reasons.push(`only threatened, so ${type}`); }
  }
  // A rule's CAMEO code belongs to its own type: once the act is read as a threat, it is not carried over.
  let impliedDetails = type === rule.type ? rule.impliedDetails : {};
  if (modality === 'intended') {
    const intentCode = typeof impliedDetails.cameo === 'string' ? INTENT_CODE_OF_ROOT[impliedDetails.cameo.slice(0, 2)] : undefined;
    if (rule.whenThreatened && CONDITION_AFTER.test(textAfter)) { type = rule.whenThreatened; impliedDetails = {}; reasons.push(`a conditional promise, so ${type}`); }
    else if (type === 'MilitaryOffensive' || /^(?:18|19|20)/.test(String(impliedDetails.cameo ?? ''))) {
      // Readiness for violence ("prepared to resume shelling") is a force posture in CAMEO (15), not the violence.
      ({ type, details: impliedDetails } = incidentTypeForCameo('150'));
      reasons.push('violence only prepared or intended, so CAMEO 150');
    } else if (intentCode) {
      ({ type, details: impliedDetails } = incidentTypeForCameo(intentCode));
      reasons.push(`stated as an intention, so CAMEO ${intentCode}`);
    } else { confidence *= 0.7; reasons.push('stated as an intention'); }
  }

  const args = findArguments(sentence, mentions, trigger, rule.placeIsNotTarget ?? false, true);
  let actor = args.actor?.code;
  let target = args.target?.code;
  const sameParagraph = earlier.filter((d) => d.paragraph === sentence.paragraph || d.sentenceIndex >= sentence.index - 1);
  if (!actor) {
    const fromContext = around.previousSubject?.code ?? sameParagraph.at(-1)?.actor;
    if (!fromContext || fromContext === target) return undefined;
    actor = fromContext;
    confidence -= 0.15;
    reasons.push(`actor ${actor} from the previous sentence's subject`);
  } else reasons.push(`actor ${actor} ("${args.actor!.text}", ${args.actor!.kind}): ${args.actorHow}`);
  const pointsBack = ANAPHORIC_OBJECT.test(textAfter);
  const objected = rule.type === 'MeetingBoycotted' ? objectionOf(sentence, mentions, around, actor) : undefined;
  if (!target || target === actor || pointsBack || objected) {
    const resolved = objected ?? targetFromContext(textAfter, actor, sameParagraph, earlier);
    if (!resolved || resolved[0] === actor) return undefined;
    [target] = resolved;
    confidence -= 0.15;
    reasons.push(`target ${target}: ${resolved[1]}`);
  } else reasons.push(`target ${target} ("${args.target!.text}", ${args.target!.kind}): ${args.targetHow}`);

  const speaker = args.actor?.kind === 'person' ? fullName(article.text, args.actor.text) : undefined;
  const stated = statedDetails(type, sentence.text, trigger.text + textAfter, speaker);
  if (stated.implied.length) reasons.push(`implied ${stated.implied.join(', ')}`);
  const { occurredOn, dateSource, dateReason } = dateOf(sentence, trigger, article.publishedOn, actor, target, earlier);
  reasons.push(dateReason);
  if (dateSource === 'default') confidence -= 0.1;
  const reciprocal = isReply(sentence.text, trigger.start - sentence.start);
  return {
    type, ruleId: rule.id, actor, target: target!, occurredOn, dateSource,
    details: { ...impliedDetails, ...stated.details }, implied: [...stated.implied],
    evidence: { sentence: span(sentence), trigger, actor: mentionSpan(args.actor, trigger), target: mentionSpan(args.target, trigger) },
    sentenceIndex: sentence.index, paragraph: sentence.paragraph,
    confidence: Math.max(0.1, Math.min(1, confidence)), reasons, reciprocal,
    distinction: type === 'Accusation' ? (/\bof\s+((?:allegedly\s+)?\w+ing(?:\s+(?!in\b|by\b|with\b)[\w’'-]+){0,3})/.exec(textAfter)?.[1]?.replace(/[“”"]/g, '') ?? '') : '',
  };
}

/** A boycott's target is whom the boycotter objected to: "who objected to France's stance", "He objected to Macron's presence". */
function objectionOf(sentence: Sentence, mentions: readonly StateMention[], around: Around, actor: string): [string, string] | undefined {
  const places: Array<[Sentence, readonly StateMention[]]> = [[sentence, mentions], ...(around.next ? [[around.next.sentence, around.next.mentions] as [Sentence, readonly StateMention[]]] : [])];
  for (const [where, named] of places) {
    const objected = /\bobject(?:ed|s)\s+to\s+/i.exec(where.text);
    const objectedTo = objected && named.find((m) => m.start >= where.start + objected.index && m.code !== actor);
    if (objectedTo) return [objectedTo.code, `"objected to" ${objectedTo.text}`];
  }
  return undefined;
}

/** When the sentence names no target: an object pointing back to an act ("those deals"), or the actor's last target. */
function targetFromContext(textAfter: string, actor: string, sameParagraph: readonly Draft[], earlier: readonly Draft[]): [string, string] | undefined {
  if (ANAPHORIC_OBJECT.test(textAfter)) {
    const told = [...earlier].reverse().find((d) => d.actor !== actor);
    if (told) return [told.actor, `the actor of the act the object points back to ("${textAfter.trim().split(/\s+/).slice(0, 2).join(' ')}")`];
  }
  const sameActor = [...sameParagraph].reverse().find((d) => d.actor === actor);
  if (sameActor) return [sameActor.target, `the target of ${actor}'s previous act`];
  return undefined;
}

function dateOf(sentence: Sentence, trigger: TextSpan, publishedOn: string, actor: string, target: string | undefined, earlier: readonly Draft[]): { occurredOn: string; dateSource: Draft['dateSource']; dateReason: string } {
  const dates = datesIn(sentence.text, sentence.start, publishedOn);
  if (dates.length) {
    const nearest = [...dates].sort((a, b) => Math.abs(a.start - trigger.start) - Math.abs(b.start - trigger.start))[0]!;
    return { occurredOn: nearest.occurredOn, dateSource: 'stated', dateReason: `date ${nearest.occurredOn} from "${nearest.text}"` };
  }
  if (EARLIER_MARKER.test(sentence.text.slice(0, trigger.start - sentence.start + 1)) || /\b(?:previously|earlier)\b/i.test(sentence.text)) {
    return { occurredOn: publicationYear(publishedOn), dateSource: 'default', dateReason: 'told as earlier, undated: the publication year' };
  }
  const samePair = [...earlier].reverse().find((d) => d.sentenceIndex >= sentence.index - 2 && d.actor === actor && d.target === target && d.dateSource !== 'default');
  if (samePair) return { occurredOn: samePair.occurredOn, dateSource: 'carried', dateReason: `date ${samePair.occurredOn} carried from the same pair's act in sentence ${samePair.sentenceIndex + 1}` };
  return { occurredOn: publicationMonth(publishedOn), dateSource: 'default', dateReason: 'undated news: the publication month' };
}

function span(s: TextSpan): TextSpan {
  return { start: s.start, end: s.end, text: s.text };
}

/** The evidence of a state taken from the context points at the trigger itself (the sentence does not name it). */
function mentionSpan(mention: StateMention | undefined, trigger: TextSpan): TextSpan {
  return mention ? { start: mention.start, end: mention.end, text: mention.text } : span(trigger);
}

function fullName(text: string, surname: string): string {
  const match = new RegExp(`((?:[A-Z][\\p{L}'’-]+\\s){1,2})${surname}\\b`, 'u').exec(text);
  const given = match?.[1]?.trim().split(/\s+/).filter((w) => !/^(?:President|Minister|Chancellor|Prime|Foreign|Ambassador|King|Premier)$/.test(w));
  return given?.length ? `${given.join(' ')} ${surname}` : surname;
}
