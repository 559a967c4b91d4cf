import { STATE_ALIASES, type MentionKind } from './state-gazetteer.js';
import type { Sentence } from './sentences.js';

/** A state named in a sentence (offsets in the article), and whether it is a possessor ("France's"). */
export interface StateMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly code: string;
  readonly kind: MentionKind;
  readonly possessive: boolean;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ALIAS_BY_TEXT = new Map(STATE_ALIASES.map((alias) => [alias.text, alias]));

/** One alternation, longest alias first so that "South Sudan" wins over "Sudan" and "the Kremlin" over "Kremlin". */
const ALIAS_PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}])(${[...ALIAS_BY_TEXT.keys()].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\p{L}\\p{N}]|\\.[\\p{L}])(['’]s?)?`,
  'gu',
);

/** Titles that make a person stand for a state in diplomatic reporting ("Azerbaijani President Ilham Aliyev"). */
const TITLE = String.raw`(?:President|Prime Minister|Premier|Chancellor|Foreign Minister|Defen[cs]e Minister|King|Queen|Emir|Crown Prince|Supreme Leader|Ambassador|Foreign Secretary|Secretary of State|Minister)`;
const NAME = String.raw`(?:[A-Z][\p{L}'’-]+\s){0,3}[A-Z][\p{L}'’-]+`;

/** The surnames of people the article introduces with their state and title, for later bare mentions ("Aliyev said"). */
export function titledPeople(text: string): Map<string, string> {
  const people = new Map<string, string>();
  const introduced = new RegExp(`(${[...ALIAS_BY_TEXT.keys()].filter((t) => /^[A-Z]/.test(t)).sort((a, b) => b.length - a.length).map(escape).join('|')})(?:['’]s)?\\s+${TITLE}\\s+(${NAME})`, 'gu');
  for (const match of text.matchAll(introduced)) {
    const alias = ALIAS_BY_TEXT.get(match[1]!);
    const surname = match[2]!.trim().split(/\s+/).pop()!;
    if (alias && !ALIAS_BY_TEXT.has(surname) && !people.has(surname)) people.set(surname, alias.code);
  }
  return people;
}

/** Every state mention in the sentence, in order: aliases from the gazetteer and the article's titled people. */
export function stateMentions(sentence: Sentence, people: ReadonlyMap<string, string>): StateMention[] {
  const mentions: StateMention[] = [];
  for (const match of sentence.text.matchAll(ALIAS_PATTERN)) {
    const alias = ALIAS_BY_TEXT.get(match[1]!)!;
    if (isCapsWordInLowerContext(match[1]!, sentence.text, match.index!)) continue;
    const start = sentence.start + match.index!;
    mentions.push({ start, end: start + match[1]!.length, text: match[1]!, code: alias.code, kind: alias.kind, possessive: match[2] !== undefined });
  }
  for (const [surname, code] of people) {
    for (const match of sentence.text.matchAll(new RegExp(`(?<![\\p{L}])${escape(surname)}(?![\\p{L}])(['’]s?)?`, 'gu'))) {
      const start = sentence.start + match.index!;
      if (mentions.some((m) => m.start <= start && start < m.end)) continue;
      mentions.push({ start, end: start + surname.length, text: surname, code, kind: 'person', possessive: match[1] !== undefined });
    }
  }
  return mentions.sort((a, b) => a.start - b.start);
}

/** "US" the pronoun written in capitals in a headline is not the United States: short all-caps aliases need context. */
function isCapsWordInLowerContext(alias: string, text: string, index: number): boolean {
  if (alias !== 'US') return false;
  const around = text.slice(Math.max(0, index - 20), index + 22);
  return around === around.toUpperCase();
}
