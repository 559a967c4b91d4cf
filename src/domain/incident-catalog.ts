import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsBoolean, IsIn, IsInt, IsUUID, Max, Min } from 'class-validator';
import { IsOmittable } from './omittable.js';
import { IsText } from './text.js';
import type { IncidentData, IncidentDetails, IncidentInContext } from './incident.js';
import type { IncidentType } from './incident-types.js';
import type { IncidentTypeDefinition } from './incident-definition.js';
import { CAMEO_CATEGORY_DEFINITIONS, CAMEO_CATEGORY_TYPES } from './cameo-categories.js';
import { cameoRoot } from './cameo-vocabulary.js';
import {
  ambassadorOf,
  begun,
  conditionKey,
  ended,
  withAmbassador,
  type RelationFacts,
  type Since,
} from './relation-facts.js';

/**
 * The incident catalogue: for every incident type, its payload (details), its CAMEO 1.1b3 code
 * and Goldstein weight (values from shared/reference/cameo-goldstein.csv), whether it is conflict
 * or cooperation, the rules it must satisfy and its effect on the relation's state.
 * Adding a type is its name in incident-types.ts and one entry here (the compiler asks for the
 * entry once the name exists) plus its tests.
 *
 * Decision: the class-validator decorators on the details classes stay here, in the domain. A
 * type's payload is part of its entry as much as its weight and its rule; describing it in the
 * HTTP layer instead would put every type in two files and break "one entry per type". The domain
 * stays free of frameworks and I/O: class-validator is a plain decorator library, read by the
 * HTTP validation pipe for reports, by the decider when a correction replaces details
 * (incident-details.ts), and by the OpenAPI details schema.
 */

export type { IncidentTypeDefinition } from './incident-definition.js';


export const SANCTION_SCOPES = [
  'economic', 'financial', 'trade', 'arms', 'energy', 'technology', 'travel', 'individuals', 'diplomatic', 'other',
] as const;

export class ExpulsionDetails {
  @IsInt() @Min(1) @Max(1000)
  diplomats!: number;
  @IsOmittable() @IsInt() @Min(1) @Max(8760)
  deadlineHours?: number;
  @IsOmittable() @IsBoolean()
  includesAmbassador?: boolean;
}

export class ReciprocalExpulsionDetails extends ExpulsionDetails {
  @IsOmittable() @IsUUID()
  inResponseTo?: string;
}

export class SummonsDetails {
  @IsOmittable() @IsText(200)
  ambassadorName?: string;
  /** The incident the summons protests (its id): the summons counts no earlier than it. */
  @IsOmittable() @IsUUID()
  inResponseTo?: string;
}

export class BoycottDetails {
  @IsText(200)
  meeting!: string;
  @IsOmittable() @IsText(200)
  place?: string;
}

export class StatementDetails {
  @IsOmittable() @IsText(200)
  speaker?: string;
  /** Several lines: a quoted statement may have paragraphs. */
  @IsOmittable() @IsText(2000, { lines: 'several lines' })
  quote?: string;
}

export class SanctionsDetails {
  @ArrayMinSize(1) @ArrayMaxSize(SANCTION_SCOPES.length) @ArrayUnique() @IsIn(SANCTION_SCOPES, { each: true })
  scope!: string[];
}

export class SanctionsEasedDetails {
  @IsOmittable() @ArrayMinSize(1) @ArrayMaxSize(SANCTION_SCOPES.length) @ArrayUnique() @IsIn(SANCTION_SCOPES, { each: true })
  scope?: string[];
}

export class ForumDetails {
  @IsOmittable() @IsText(200)
  forum?: string;
}

export class OperationDetails {
  @IsOmittable() @IsText(200)
  region?: string;
}

export class AgreementDetails {
  @IsOmittable() @IsText(300)
  agreement?: string;
  @IsOmittable() @IsText(200)
  place?: string;
}

export class AgreementSignedDetails extends AgreementDetails {
  /** A peace agreement: it ends the armed hostilities under way (other agreements signed in wartime do not). */
  @IsOmittable() @IsBoolean()
  peaceAgreement?: boolean;
}

const expulsion: Pick<IncidentTypeDefinition, 'details' | 'magnitude' | 'violation' | 'effect' | 'effectReadsDetails'> = {
  effectReadsDetails: () => true,
  details: ExpulsionDetails,
  magnitude: (data) => 1 + Math.log10(Math.max(1, Number(data.details.diplomats ?? 1))),
  violation: (facts, { data }) =>
    data.details.includesAmbassador && ambassadorOf(facts, data.target) !== 'in_post'
      ? `${data.target}'s ambassador is not in post in ${data.actor}, so cannot be expelled`
      : undefined,
  effect: (facts, incident) => {
    const { data, atMs } = incident;
    const expelled = {
      incidentId: data.incidentId,
      by: data.actor,
      of: data.target,
      diplomats: Number(data.details.diplomats ?? 1),
      atMs,
      ...(data.inResponseTo ? { answers: data.inResponseTo } : {}),
    };
    const next = { ...facts, expulsions: [...facts.expulsions, expelled] };
    return data.details.includesAmbassador ? withAmbassador(next, data.target, 'expelled', sinceOf(incident)) : next;
  },
};

/** The standing condition an incident begins: from its reference instant, by its actor. */
function sinceOf({ data, atMs }: IncidentInContext): Since {
  return { atMs, incidentId: data.incidentId, by: data.actor };
}

/** Both sides' ambassadors still in post leave with the relations (severed or downgraded to chargé level). */
function withAmbassadorsWithdrawn(facts: RelationFacts, incident: IncidentInContext): RelationFacts {
  let next = facts;
  for (const country of [incident.data.actor, incident.data.target]) {
    if (ambassadorOf(next, country) === 'in_post') next = withAmbassador(next, country, 'recalled', sinceOf(incident));
  }
  return next;
}

function hostilitiesEnded(facts: RelationFacts): RelationFacts {
  return facts.hostilities ? ended({ ...facts, hostilities: false }, conditionKey.hostilities) : facts;
}

const definitions: IncidentTypeDefinition[] = [
  {
    type: 'AmbassadorSummoned', cameo: '110', cameoName: 'Disapprove', goldstein: -2,
    description: "The actor summons the target's ambassador to protest.",
    details: SummonsDetails,
  },
  {
    type: 'DiplomatsExpelled', cameo: '161', cameoName: 'Reduce or break diplomatic relations', goldstein: -4,
    description: "The actor declares the target's diplomats personae non gratae.",
    ...expulsion,
  },
  {
    type: 'ReciprocalExpulsion', cameo: '161', cameoName: 'Reduce or break diplomatic relations', goldstein: -4,
    description: 'The actor expels diplomats in answer to an expulsion of its own diplomats by the target.',
    ...expulsion,
    details: ReciprocalExpulsionDetails,
    reciprocal: true,
  },
  {
    type: 'MeetingBoycotted', cameo: '125', cameoName: 'Reject proposal to meet, discuss, or negotiate', goldstein: -5,
    description: 'The actor boycotts or cancels a meeting because of the target.',
    details: BoycottDetails,
  },
  {
    type: 'AmbassadorRecalled', cameo: '161', cameoName: 'Reduce or break diplomatic relations', goldstein: -4,
    description: 'The actor recalls its own ambassador from the target.',
    details: null,
    violation: (facts, { data }) =>
      ambassadorOf(facts, data.actor) !== 'in_post'
        ? `${data.actor}'s ambassador to ${data.target} is already ${ambassadorOf(facts, data.actor).replace('_', ' ')}`
        : undefined,
    effect: (facts, incident) => withAmbassador(facts, incident.data.actor, 'recalled', sinceOf(incident)),
  },
  {
    type: 'AmbassadorReturned', cameo: '050', cameoName: 'Engage in diplomatic cooperation', goldstein: 3.5,
    description: 'The actor sends its ambassador back to the target after a recall or expulsion, or fills a post left vacant.',
    details: null,
    violation: (facts, { data }) => {
      if (facts.severed) return `relations between ${data.actor} and ${data.target} are severed; restore them first`;
      if (facts.downgraded) return `relations between ${data.actor} and ${data.target} are downgraded below ambassador level; restore them first`;
      return ambassadorOf(facts, data.actor) === 'in_post'
        ? `${data.actor}'s ambassador to ${data.target} was neither recalled nor expelled`
        : undefined;
    },
    effect: (facts, incident) => withAmbassador(facts, incident.data.actor, 'in_post', sinceOf(incident)),
  },
  {
    type: 'DiplomaticRelationsSevered', cameo: '161', cameoName: 'Reduce or break diplomatic relations', goldstein: -4,
    description: 'The actor breaks off diplomatic relations with the target.',
    details: null,
    violation: (facts, { data }) =>
      facts.severed ? `relations between ${data.actor} and ${data.target} are already severed` : undefined,
    // Severance supersedes a downgrade: restoring relations afterwards restores them in full.
    effect: (facts, incident) =>
      begun(ended(withAmbassadorsWithdrawn({ ...facts, severed: true, downgraded: false }, incident), conditionKey.downgraded), conditionKey.severed, sinceOf(incident)),
  },
  {
    type: 'DiplomaticRelationsDowngraded', cameo: '161', cameoName: 'Reduce or break diplomatic relations', goldstein: -4,
    description: "The actor downgrades diplomatic relations with the target below ambassador level (e.g. to chargé d'affaires); both ambassadors leave.",
    details: null,
    violation: (facts, { data }) => {
      if (facts.severed) return `relations between ${data.actor} and ${data.target} are severed`;
      return facts.downgraded ? `relations between ${data.actor} and ${data.target} are already downgraded` : undefined;
    },
    effect: (facts, incident) => begun(withAmbassadorsWithdrawn({ ...facts, downgraded: true }, incident), conditionKey.downgraded, sinceOf(incident)),
  },
  {
    type: 'DiplomaticRelationsRestored', cameo: '054', cameoName: 'Grant diplomatic recognition', goldstein: 6,
    description: 'The actor restores diplomatic relations with the target after they were severed or downgraded; ambassadors return with AmbassadorReturned.',
    details: null,
    violation: (facts, { data }) =>
      facts.severed || facts.downgraded ? undefined : `relations between ${data.actor} and ${data.target} are neither severed nor downgraded`,
    effect: (facts, incident) => {
      // Ambassadors who left with the relations (not in an earlier protest) leave their posts vacant until they return.
      const cutOff = new Set([facts.since[conditionKey.severed]?.incidentId, facts.since[conditionKey.downgraded]?.incidentId]);
      let next = ended(ended({ ...facts, severed: false, downgraded: false }, conditionKey.severed), conditionKey.downgraded);
      for (const country of [incident.data.actor, incident.data.target]) {
        const since = facts.since[conditionKey.ambassador(country)];
        if (ambassadorOf(facts, country) === 'recalled' && since && cutOff.has(since.incidentId)) next = withAmbassador(next, country, 'vacant', sinceOf(incident));
      }
      return next;
    },
  },
  {
    type: 'SanctionsImposed', cameo: '163', cameoName: 'Impose embargo, boycott, or sanctions', goldstein: -8,
    description: 'The actor imposes sanctions on the target.',
    details: SanctionsDetails,
    effectReadsDetails: () => true,
    effect: (facts, incident) => {
      const { data } = incident;
      const imposed = data.details.scope as string[];
      const inForce = new Set([...(facts.sanctions[data.actor] ?? []), ...imposed]);
      const next = { ...facts, sanctions: { ...facts.sanctions, [data.actor]: [...inForce].sort() } };
      return imposed.reduce((f, scope) => begun(f, conditionKey.sanction(data.actor, scope), sinceOf(incident)), next);
    },
  },
  {
    type: 'SanctionsEased', cameo: '085', cameoName: 'Ease economic sanctions, boycott, embargo', goldstein: 7,
    description: 'The actor lifts some or all of its sanctions on the target (all when no scope is given).',
    details: SanctionsEasedDetails,
    effectReadsDetails: () => true,
    violation: (facts, { data }) => {
      const inForce = facts.sanctions[data.actor] ?? [];
      if (inForce.length === 0) return `${data.actor} has no sanctions in force against ${data.target}`;
      const notInForce = ((data.details.scope as string[] | undefined) ?? []).filter((s) => !inForce.includes(s));
      return notInForce.length > 0
        ? `${data.actor} has no ${notInForce.join(', ')} sanctions in force against ${data.target} (in force: ${inForce.join(', ')})`
        : undefined;
    },
    effect: (facts, { data }) => {
      const inForce = facts.sanctions[data.actor] ?? [];
      const eased = (data.details.scope as string[] | undefined) ?? inForce;
      const remaining = inForce.filter((s) => !eased.includes(s));
      const next = { ...facts, sanctions: { ...facts.sanctions, [data.actor]: remaining } };
      return eased.reduce((f, scope) => ended(f, conditionKey.sanction(data.actor, scope)), next);
    },
  },
  {
    type: 'PublicCondemnation', cameo: '111', cameoName: 'Criticize or denounce', goldstein: -2, standsForCameoCode: true,
    description: 'The actor publicly condemns the target.',
    details: StatementDetails,
  },
  {
    type: 'Accusation', cameo: '112', cameoName: 'Accuse', goldstein: -2, standsForCameoCode: true,
    description: 'The actor accuses the target.',
    details: StatementDetails,
  },
  {
    type: 'ThreatIssued', cameo: '130', cameoName: 'Threaten', goldstein: -4.4, standsForCameoCode: true,
    description: 'The actor threatens the target.',
    details: StatementDetails,
  },
  {
    type: 'OppositionRallied', cameo: '113', cameoName: 'Rally opposition against', goldstein: -2, standsForCameoCode: true,
    description: 'The actor rallies international opposition against the target, e.g. calls a UN Security Council session.',
    details: ForumDetails,
  },
  {
    type: 'MilitaryOffensive', cameo: '190', cameoName: 'Use conventional military force', goldstein: -10,
    description: 'The actor launches a military offensive against the target or forces it backs; armed hostilities are under way until a ceasefire or agreement.',
    details: OperationDetails,
    // Another offensive during hostilities changes nothing that stands (they keep their start).
    effect: (facts, incident) => (facts.hostilities ? facts : begun({ ...facts, hostilities: true }, conditionKey.hostilities, sinceOf(incident))),
  },
  {
    type: 'CeasefireDeclared', cameo: '0871', cameoName: 'Declare truce, ceasefire', goldstein: 9,
    description: 'The actor declares a truce or ceasefire with the target: the armed hostilities under way end.',
    details: AgreementDetails,
    violation: (facts, { data }) =>
      facts.hostilities ? undefined : `no armed hostilities are under way between ${data.actor} and ${data.target}`,
    effect: hostilitiesEnded,
  },
  {
    type: 'MilitaryAidPledged', cameo: '0332', cameoName: 'Express intent to provide military aid', goldstein: 5.2, standsForCameoCode: true,
    description: 'The actor pledges military aid to the target.',
    details: AgreementDetails,
  },
  {
    type: 'ArmsDealSigned', cameo: '057', cameoName: 'Sign formal agreement', goldstein: 8,
    description: 'The actor signs an arms deal with the target.',
    details: AgreementDetails,
  },
  {
    type: 'TalksHeld', cameo: '046', cameoName: 'Engage in negotiation', goldstein: 7, standsForCameoCode: true,
    description: 'The actor holds talks or negotiations with the target.',
    details: AgreementDetails,
  },
  {
    type: 'AgreementSigned', cameo: '057', cameoName: 'Sign formal agreement', goldstein: 8,
    description: 'The actor signs a formal agreement with the target; a peace agreement (details.peaceAgreement) ends the armed hostilities under way.',
    details: AgreementSignedDetails,
    effectReadsDetails: (data) => data.details.peaceAgreement === true,
    effect: (facts, { data }) => (data.details.peaceAgreement === true ? hostilitiesEnded(facts) : facts),
  },
];

export const INCIDENT_CATALOG: Readonly<Record<IncidentType, IncidentTypeDefinition>> = Object.freeze(
  Object.fromEntries([...definitions, ...CAMEO_CATEGORY_DEFINITIONS].map((d) => [d.type, d])) as Record<IncidentType, IncidentTypeDefinition>,
);

/** The Goldstein weight of one incident: its type's, or for a CAMEO category type its full code's. */
export function goldsteinOf(type: IncidentType, details: IncidentDetails): number {
  const definition = INCIDENT_CATALOG[type];
  return definition.goldsteinOf?.(details) ?? definition.goldstein;
}

const SPECIFIC_TYPE_OF_CODE = new Map(definitions.filter((d) => d.standsForCameoCode).map((d) => [d.cameo, d.type]));

/** The type and details a machine-coded event of a CAMEO code is recorded as (see standsForCameoCode). */
export function incidentTypeForCameo(code: string): { type: IncidentType; details: IncidentDetails } {
  const specific = SPECIFIC_TYPE_OF_CODE.get(code);
  if (specific) return { type: specific, details: {} };
  return { type: CAMEO_CATEGORY_TYPES[cameoRoot(code)], details: { cameo: code } };
}

export function isConflict(type: IncidentType): boolean {
  return INCIDENT_CATALOG[type].goldstein < 0;
}
