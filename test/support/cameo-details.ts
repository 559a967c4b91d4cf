import { CAMEO_CATEGORY_DEFINITIONS } from '../../src/domain/cameo-categories.js';
import { cameoCodesUnder } from '../../src/domain/cameo-vocabulary.js';
import type { IncidentDetails } from '../../src/domain/incident.js';
import type { IncidentType } from '../../src/domain/incident-types.js';

const CODES_OF_CATEGORY = new Map<string, string[]>(CAMEO_CATEGORY_DEFINITIONS.map((definition) => [definition.type, cameoCodesUnder(definition.cameo)]));

/**
 * Valid details for a CAMEO category type — one of its codes, picked by `pick` so that property
 * tests cover codes of different weights — or undefined for any other type.
 */
export function cameoDetailsFor(type: IncidentType, pick = 0): IncidentDetails | undefined {
  const codes = CODES_OF_CATEGORY.get(type);
  return codes ? { cameo: codes[Math.abs(pick) % codes.length] } : undefined;
}
