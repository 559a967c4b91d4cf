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

const nameCache = new Map<string, string | undefined>();

/** The ISO alpha-3 code of a state named or coded as a dataset spells it, or undefined when it is no state. */
export function stateCode(spelling: string): string | undefined {
  if (spelling === '' || spelling === 'NA') return undefined;
  if (/^[A-Z]{3}$/.test(spelling)) {
    const code = CAMEO_STATE_SPELLINGS[spelling] ?? spelling;
    return countries.alpha3ToAlpha2(code) !== undefined ? code : undefined;
  }
  if (!nameCache.has(spelling)) {
    nameCache.set(spelling, ICEWS_NAME_ALIASES[spelling] ?? countries.getAlpha3Code(spelling, 'en') ?? undefined);
  }
  return nameCache.get(spelling);
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
