import { IsIn } from 'class-validator';
import { cameoCodesUnder, cameoGoldstein, cameoName } from './cameo-vocabulary.js';
import type { IncidentTypeDefinition } from './incident-definition.js';
import type { CameoCategoryType } from './incident-types.js';

/**
 * One incident type per CAMEO root category, for every code no specific type of the catalogue
 * stands for: the details carry the full code, and the incident weighs that code's Goldstein
 * value (not the category's). None has a rule or an effect on the relation's state — machine-coded
 * "reduce relations" cannot tell a recall from a severance, so only the specific types change facts.
 */
export const CAMEO_CATEGORY_TYPES: Readonly<Record<string, CameoCategoryType>> = {
  '01': 'PublicStatementMade',
  '02': 'AppealMade',
  '03': 'IntentToCooperateExpressed',
  '04': 'ConsultationHeld',
  '05': 'DiplomaticCooperationEngaged',
  '06': 'MaterialCooperationEngaged',
  '07': 'AidProvided',
  '08': 'ConcessionMade',
  '09': 'InvestigationConducted',
  '10': 'DemandMade',
  '11': 'DisapprovalExpressed',
  '12': 'ProposalRejected',
  '13': 'ThreatMade',
  '14': 'ProtestHeld',
  '15': 'ForcePostureExhibited',
  '16': 'RelationsReduced',
  '17': 'CoercionUsed',
  '18': 'AssaultCommitted',
  '19': 'FightingOccurred',
  '20': 'MassViolenceUsed',
};

/** A details class per category: its `cameo` must be a code of that category. */
function cameoDetailsOf(root: string): new () => object {
  const codes = cameoCodesUnder(root);
  class CameoCodedDetails {
    @IsIn(codes)
    cameo!: string;
  }
  Object.defineProperty(CameoCodedDetails, 'name', { value: `CameoCategory${root}Details` });
  return CameoCodedDetails;
}

function sentenceCase(name: string): string {
  return name.charAt(0) + name.slice(1).toLowerCase();
}

export const CAMEO_CATEGORY_DEFINITIONS: IncidentTypeDefinition[] = Object.entries(CAMEO_CATEGORY_TYPES).map(([root, type]) => ({
  type,
  cameo: root,
  cameoName: cameoName(root),
  goldstein: cameoGoldstein(root),
  description: `Any CAMEO ${root} "${sentenceCase(cameoName(root))}" event no specific type stands for; details.cameo is the full code, whose Goldstein value it weighs.`,
  details: cameoDetailsOf(root),
  goldsteinOf: (details) => cameoGoldstein(String(details.cameo)),
}));
