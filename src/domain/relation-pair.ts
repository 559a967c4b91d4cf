import { isCountryCode, type CountryCode } from './countries.js';

/** A country pair is unordered: AZE–FRA and FRA–AZE are one relation and one stream. */
export type CountryPair = readonly [CountryCode, CountryCode];

export function pairOf(a: CountryCode, b: CountryCode): CountryPair {
  return a < b ? [a, b] : [b, a];
}

export function pairKey(a: CountryCode, b: CountryCode): string {
  return pairOf(a, b).join('-');
}

/** Every stream Demarche writes is a pair's: `relation-AZE-FRA`. */
export const RELATION_STREAM_PREFIX = 'relation-';

export function relationStreamId(a: CountryCode, b: CountryCode): string {
  return `${RELATION_STREAM_PREFIX}${pairKey(a, b)}`;
}

export function isRelationStreamId(streamId: string): boolean {
  return streamId.startsWith(RELATION_STREAM_PREFIX);
}

/** Why two codes name no relation: which of them is no ISO 3166-1 alpha-3 code, or that the second repeats the first. */
export interface PairFaults {
  firstUnknown: boolean;
  secondUnknown: boolean;
  /** Both are countries, and the same one. */
  sameCountry: boolean;
}

/** The faults of a pair of codes, or undefined when they name a relation. Each caller words them for its own audience. */
export function pairFaults(a: string, b: string): PairFaults | undefined {
  const firstUnknown = !isCountryCode(a);
  const secondUnknown = !isCountryCode(b);
  const sameCountry = !firstUnknown && !secondUnknown && a === b;
  return firstUnknown || secondUnknown || sameCountry ? { firstUnknown, secondUnknown, sameCountry } : undefined;
}
