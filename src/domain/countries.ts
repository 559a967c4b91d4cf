import countries from 'i18n-iso-countries';

/** An ISO 3166-1 alpha-3 code, upper case, known to the maintained i18n-iso-countries list. */
export type CountryCode = string;

export function isCountryCode(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && countries.alpha3ToAlpha2(value) !== undefined;
}

export function countryName(code: CountryCode): string {
  return countries.getName(code, 'en') ?? code;
}

/** Official names that say what kind of state it is before which state ("People's Republic of China"). */
const FORM_OF_STATE = /^(People's Republic of|Islamic Republic of|United Republic of|State of) |Federation$| of America$|, Province of /;

/** The name an analyst writes in a sentence: "China", "Russia", "Iran", "the United States" read as "United States". */
export function countryShortName(code: CountryCode): string {
  const official = countryName(code);
  if (!FORM_OF_STATE.test(official)) return official;
  const names = countries.getName(code, 'en', { select: 'all' }) as string[] | undefined;
  return names?.[1] ?? official;
}
