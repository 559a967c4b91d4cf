import { createRequire } from 'node:module';
import type { Countries } from 'world-countries';
import { isCountryCode } from '../domain/countries.js';

/** How a state is named in a sentence; the kind is shown in a proposal's "why". */
export type MentionKind = 'name' | 'demonym' | 'capital' | 'seat' | 'person';

export interface StateAlias {
  readonly text: string;
  readonly code: string;
  readonly kind: MentionKind;
}

/**
 * Seats of government and foreign ministries that stand for their state in news writing. No maintained
 * package lists these metonyms, so they are kept here, short and reviewed: each is the common press usage.
 */
const SEATS_OF_GOVERNMENT: ReadonlyArray<readonly [string, string]> = [
  ['the Kremlin', 'RUS'], ['Kremlin', 'RUS'], ['the White House', 'USA'], ['White House', 'USA'], ['Foggy Bottom', 'USA'],
  ['the State Department', 'USA'], ['Washington', 'USA'], ['Downing Street', 'GBR'], ['Whitehall', 'GBR'],
  ['the Foreign Office', 'GBR'], ["the Quai d'Orsay", 'FRA'], ['the Quai d’Orsay', 'FRA'], ["Quai d'Orsay", 'FRA'],
  ['Quai d’Orsay', 'FRA'], ['the Elysee', 'FRA'], ['the Élysée', 'FRA'], ['Elysee', 'FRA'], ['Élysée', 'FRA'],
  ['Zhongnanhai', 'CHN'], ['the Blue House', 'KOR'], ['the Farnesina', 'ITA'], ['the Bundeskanzleramt', 'DEU'],
  // Prefixes of compound adjectives ("Franco-Azerbaijani", "Sino-US"): unambiguous, unlike Anglo- or Indo-.
  ['Franco', 'FRA'], ['Sino', 'CHN'],
];

/**
 * Everyday English names the maintained lists spell otherwise ("Britain", "U.S.", "South Korea" is listed,
 * "the US" is not); short forms only, each an unambiguous press usage.
 */
const PRESS_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['Britain', 'GBR'], ['Great Britain', 'GBR'], ['UK', 'GBR'], ['U.K.', 'GBR'], ['US', 'USA'], ['U.S.', 'USA'],
  ['United States', 'USA'], ['America', 'USA'], ['U.S.A.', 'USA'], ['Soviet Union', 'RUS'], ['USSR', 'RUS'],
  ['Soviet', 'RUS'], ['North Korean', 'PRK'], ['South Korean', 'KOR'], ['Czech', 'CZE'], ['Holland', 'NLD'],
  ['Dutch', 'NLD'], ['Burma', 'MMR'], ['Ivory Coast', 'CIV'], ['Iranian', 'IRN'], ['Russian', 'RUS'],
  ['Syrian', 'SYR'], ['Vietnamese', 'VNM'], ['Yugoslavia', 'SRB'], ['Yugoslav', 'SRB'], ['Filipino', 'PHL'],
  ['Palestinian', 'PSE'], ['Emirati', 'ARE'], ['UAE', 'ARE'], ['Taiwanese', 'TWN'], ['Beijing', 'CHN'],
  ['PRC', 'CHN'], ['Bosnia', 'BIH'], ['Herzegovina', 'BIH'], ['Moslem', 'BIH'],
];

/** Capitals that are also common words or person names in English text; they are left to their country's name. */
const AMBIGUOUS_CAPITALS = new Set(['Victoria', 'Kingston', 'Georgetown', 'Saint John’s', 'Hamilton', 'Jamestown', 'Male', 'Praia', 'Avarua', 'Palikir', 'Apia']);

/** world-countries ships CommonJS JSON; requiring it is the one way Node and jest's ESM mode both load it. */
const worldCountries = createRequire(import.meta.url)('world-countries') as Countries;

/** Every alias the extractor recognises, from world-countries (names, alternative spellings, demonyms, capitals). */
export const STATE_ALIASES: readonly StateAlias[] = buildAliases();

function buildAliases(): StateAlias[] {
  const aliases = new Map<string, StateAlias>();
  const add = (text: string, code: string, kind: MentionKind) => {
    if (!isCountryCode(code) || text.length < 2 || aliases.has(text)) return;
    aliases.set(text, { text, code, kind });
  };
  for (const [text, code] of SEATS_OF_GOVERNMENT) add(text, code, 'seat');
  for (const [text, code] of PRESS_NAMES) {
    add(text, code, /[a-z]n$|ch$|sh$|ese$|i$/.test(text) ? 'demonym' : 'name');
    if (/[a-z][ni]$/.test(text) && text !== 'Soviet') add(`${text}s`, code, 'demonym');
  }
  const states = worldCountries.filter((country) => country.independent || country.unMember || ['PSE', 'TWN', 'UNK'].includes(country.cca3));
  for (const country of states) {
    add(country.name.common, country.cca3, 'name');
    add(country.name.official, country.cca3, 'name');
    for (const spelling of country.altSpellings) if (spelling.length > 3 && /^[A-Z][a-z]/.test(spelling)) add(spelling, country.cca3, 'name');
  }
  for (const country of states) {
    const demonym = country.demonyms?.eng;
    if (demonym) {
      for (const form of new Set([demonym.m, demonym.f])) {
        add(form, country.cca3, 'demonym');
        // The people as the subject of an act: "Palestinians blamed Israel", "Iraqis protested".
        if (/[ni]$/.test(form)) add(`${form}s`, country.cca3, 'demonym');
      }
    }
    for (const capital of country.capital ?? []) if (!AMBIGUOUS_CAPITALS.has(capital)) add(capital, country.cca3, 'capital');
  }
  return [...aliases.values()];
}
