import { countryName } from '../domain/countries.js';
import type { RelationView } from '../domain/relation-view.js';

/** A view with the English names of its two countries, as every relation response carries them. */
export function withNames(view: RelationView) {
  return { ...view, names: Object.fromEntries(view.pair.map((code) => [code, countryName(code)])) };
}
