import type { CountryCode } from './countries.js';

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
