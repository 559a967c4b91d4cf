import type { IncidentType } from '../domain/incident-types.js';
import type { AmbassadorStatus, RelationsStatus } from '../domain/relation-facts.js';

/**
 * The words a reader sees for the API's codes. GET /catalog serves them so the dashboard keeps no
 * copy; the Record types make the compiler ask for a label whenever a status is added.
 */

export const RELATIONS_LABELS: Readonly<Record<RelationsStatus, string>> = { normal: 'Normal', downgraded: 'Downgraded', severed: 'Severed' };

export const AMBASSADOR_LABELS: Readonly<Record<AmbassadorStatus, string>> = { in_post: 'In post', recalled: 'Recalled', expelled: 'Expelled', vacant: 'Post vacant' };

/** "DiplomatsExpelled" → "Diplomats expelled": the type name read as words. */
export function incidentTypeLabel(type: IncidentType): string {
  const words = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
