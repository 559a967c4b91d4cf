import countries from 'i18n-iso-countries';

/** An ISO 3166-1 alpha-3 code, upper case, known to the maintained i18n-iso-countries list. */
export type CountryCode = string;

export function isCountryCode(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && countries.alpha3ToAlpha2(value) !== undefined;
}

export function countryName(code: CountryCode): string {
  return countries.getName(code, 'en') ?? code;
}
