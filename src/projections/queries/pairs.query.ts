import type { CountryCode } from '../../domain/countries.js';
import type { CountryPair } from '../../domain/relation-pair.js';
import type { ReadSide } from '../read-side.js';

/** Every pair the read model holds (with `country`: only its pairs), codes in alphabetical order: what a watch over a country covers. */
export function pairsHeld(side: ReadSide, country?: CountryCode): CountryPair[] {
  const pairs: CountryPair[] = [];
  for (const entry of side.rows.pairs) if (!country || entry.a === country || entry.b === country) pairs.push([entry.a, entry.b]);
  return pairs;
}
