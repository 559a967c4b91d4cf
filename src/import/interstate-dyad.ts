import countries from 'i18n-iso-countries';
import type { CodedEventRow, SkipReason } from './coded-event.js';

/**
 * CAMEO country codes are ISO 3166-1 alpha-3 for states, plus codes of its own for regions
 * (EUR, AFR, MEA, WST…), organisations (IGO, NGO…) and a few states it spells differently.
 * Those few are translated here; anything else that is not a current ISO code is not a state.
 */
const CAMEO_STATE_SPELLINGS: Readonly<Record<string, string>> = {
  ROM: 'ROU', // Romania, CAMEO's pre-2002 ISO spelling
  ZAR: 'COD', // Zaire, the Democratic Republic of the Congo
  TMP: 'TLS', // East Timor
  KSV: 'XKX', // Kosovo: not in ISO 3166-1, kept as not a state below
};

/** ICEWS spells some states in ways the country list has no alias for. */
const ICEWS_NAME_ALIASES: Readonly<Record<string, string>> = {
  'Occupied Palestinian Territory': 'PSE',
  'Russian Federation': 'RUS',
  'North Korea': 'PRK',
  'South Korea': 'KOR',
  'Democratic Republic of Congo': 'COD',
  'Congo, Democratic Republic of': 'COD',
  'Republic of Congo': 'COG',
  'Ivory Coast': 'CIV',
  Macedonia: 'MKD',
  Swaziland: 'SWZ',
  Burma: 'MMR',
  Vatican: 'VAT',
};

/**
 * The state code of each spelling seen, `undefined` for no state. An import looks a row's two
 * countries up here, and the code it gets back is one string per state, kept, rather than a
 * slice of each row: the rows' commands, events and decisions all hold it until their batch commits.
 */
const codeBySpelling = new Map<string, string | undefined>();
/** Spellings remembered at most: GDELT's codes are a few hundred, ICEWS's names a few more; a file of stray spellings does not grow it unbounded. */
const REMEMBERED_SPELLINGS = 10_000;

/** The ISO alpha-3 code of a state named or coded as a dataset spells it, or undefined when it is no state. */
export function stateCode(spelling: string): string | undefined {
  if (codeBySpelling.has(spelling)) return codeBySpelling.get(spelling);
  const code = stateCodeOf(spelling);
  if (codeBySpelling.size >= REMEMBERED_SPELLINGS) codeBySpelling.clear();
  // Copies of the spelling and code: a cell of a line is a slice that would keep its chunk of the file alive.
  codeBySpelling.set(ownCopy(spelling), code === undefined ? undefined : ownCopy(code));
  return codeBySpelling.get(spelling);
}

function stateCodeOf(spelling: string): string | undefined {
  if (spelling === '' || spelling === 'NA') return undefined;
  if (/^[A-Z]{3}$/.test(spelling)) {
    const code = CAMEO_STATE_SPELLINGS[spelling] ?? spelling;
    return countries.alpha3ToAlpha2(code) !== undefined ? code : undefined;
  }
  return ICEWS_NAME_ALIASES[spelling] ?? countries.getAlpha3Code(spelling, 'en') ?? undefined;
}

/** A string of its own, not a slice of a longer one (the concatenation is flat; the slice copies it). */
function ownCopy(text: string): string {
  return (' ' + text).slice(1);
}

export type Dyad = { actor: string; target: string } | { skip: SkipReason };

/** Both sides states, and not the same state: an interstate event; otherwise why it is skipped. */
export function interstateDyad(row: CodedEventRow): Dyad {
  const actor = stateCode(row.actorCountry);
  if (actor === undefined) return { skip: 'actor-not-a-state' };
  const target = stateCode(row.targetCountry);
  if (target === undefined) return { skip: 'target-not-a-state' };
  if (actor === target) return { skip: 'domestic' };
  return { actor, target };
}
