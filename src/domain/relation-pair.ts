import type { CountryCode } from './countries.js';

/** A country pair is unordered: AZE–FRA and FRA–AZE are one relation and one stream. */
export type CountryPair = readonly [CountryCode, CountryCode];

export function pairOf(a: CountryCode, b: CountryCode): CountryPair {
  return a < b ? [a, b] : [b, a];
}

export function pairKey(a: CountryCode, b: CountryCode): string {
  return pairOf(a, b).join('-');
}

export function relationStreamId(a: CountryCode, b: CountryCode): string {
  return `relation-${pairKey(a, b)}`;
}
