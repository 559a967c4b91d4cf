/**
 * The names of the incident types, on their own so that the incident's shape (incident.ts) and
 * the catalogue that defines each type (incident-catalog.ts) can both use them without importing
 * each other. A new type is added here and given its entry in the catalogue, which the compiler
 * then requires (the catalogue is a Record over these names).
 */
export const INCIDENT_TYPES = [
  'AmbassadorSummoned',
  'DiplomatsExpelled',
  'ReciprocalExpulsion',
  'MeetingBoycotted',
  'AmbassadorRecalled',
  'AmbassadorReturned',
  'DiplomaticRelationsSevered',
  'DiplomaticRelationsRestored',
  'SanctionsImposed',
  'SanctionsEased',
  'PublicCondemnation',
  'Accusation',
  'ThreatIssued',
  'OppositionRallied',
  'MilitaryOffensive',
  'MilitaryAidPledged',
  'ArmsDealSigned',
  'TalksHeld',
  'AgreementSigned',
  'DiplomaticRelationsDowngraded',
  'CeasefireDeclared',
] as const;

export type IncidentType = (typeof INCIDENT_TYPES)[number];

export function isIncidentType(value: unknown): value is IncidentType {
  return typeof value === 'string' && (INCIDENT_TYPES as readonly string[]).includes(value);
}
