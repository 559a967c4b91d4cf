import { cameoRoot } from '../src/domain/cameo-vocabulary.js';
import { INCIDENT_CATALOG } from '../src/domain/incident-catalog.js';
import type { IncidentType } from '../src/domain/incident-types.js';

/**
 * Demarche types ↔ PLOVER categories, through CAMEO. The PLOVER gold-standard records
 * (plover-gsr-cameo, version 0.5b1) were coded from the CAMEO 1.1b3 manual's examples and keep one
 * category per CAMEO root, so a type maps by its CAMEO code's root: a specific type by the code its
 * catalogue entry carries (AmbassadorSummoned 110 → DISAPPROVE, MeetingBoycotted 125 → REJECT,
 * DiplomatsExpelled 161 → SANCTION), a CAMEO category type by the full code in its details.
 * Two exceptions follow the PLOVER documentation: a signed agreement (057) is AGREE, not SUPPORT,
 * and 01 "make public statement" has no PLOVER category (PLOVER does not code bare statements).
 */
export const PLOVER_OF_CAMEO_ROOT: Readonly<Record<string, string | undefined>> = {
  '01': undefined, '02': 'DEMAND', '03': 'AGREE', '04': 'CONSULT', '05': 'SUPPORT', '06': 'COOPERATE', '07': 'AID',
  '08': 'RETREAT', '09': 'INVESTIGATE', '10': 'DEMAND', '11': 'DISAPPROVE', '12': 'REJECT', '13': 'THREATEN',
  '14': 'PROTEST', '15': 'MOBILIZE', '16': 'SANCTION', '17': 'COERCE', '18': 'ASSAULT', '19': 'FIGHT', '20': 'ASSAULT',
};

export function ploverCategory(type: IncidentType, details: Readonly<Record<string, unknown>>): string | undefined {
  const code = typeof details.cameo === 'string' ? details.cameo : INCIDENT_CATALOG[type].cameo;
  if (code === '057') return 'AGREE';
  return PLOVER_OF_CAMEO_ROOT[cameoRoot(code)];
}
