/**
 * The names of the incident types, on their own so that the incident's shape (incident.ts) and
 * the catalogue that defines each type (incident-catalog.ts) can both use them without importing
 * each other. A new type is added here and given its entry in the catalogue, which the compiler
 * then requires (the catalogue is a Record over these names).
 */
/** One type per CAMEO root category 01…20, for the codes no specific type stands for (cameo-categories.ts). */
export const CAMEO_CATEGORY_TYPE_NAMES = [
  'PublicStatementMade',
  'AppealMade',
  'IntentToCooperateExpressed',
  'ConsultationHeld',
  'DiplomaticCooperationEngaged',
  'MaterialCooperationEngaged',
  'AidProvided',
  'ConcessionMade',
  'InvestigationConducted',
  'DemandMade',
  'DisapprovalExpressed',
  'ProposalRejected',
  'ThreatMade',
  'ProtestHeld',
  'ForcePostureExhibited',
  'RelationsReduced',
  'CoercionUsed',
  'AssaultCommitted',
  'FightingOccurred',
  'MassViolenceUsed',
] as const;

export type CameoCategoryType = (typeof CAMEO_CATEGORY_TYPE_NAMES)[number];

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
  ...CAMEO_CATEGORY_TYPE_NAMES,
] as const;

export type IncidentType = (typeof INCIDENT_TYPES)[number];

export function isIncidentType(value: unknown): value is IncidentType {
  return typeof value === 'string' && (INCIDENT_TYPES as readonly string[]).includes(value);
}
