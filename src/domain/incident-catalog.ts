import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsBoolean, IsIn, IsInt, IsUUID, Max, Min } from 'class-validator';
import { IsOmittable } from './omittable.js';
import { IsText } from './text.js';
import type { IncidentData } from './incident.js';
import {
  ambassadorOf,
  withAmbassador,
  type RelationFacts,
} from './relation-facts.js';

/**
 * The incident catalogue: for every incident type, its payload (details), its CAMEO 1.1b3 code
 * and Goldstein weight (values from shared/reference/cameo-goldstein.csv), whether it is conflict
 * or cooperation, the rules it must satisfy and its effect on the relation's state.
 * Adding a type is one entry here plus its tests.
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
] as const;

export type IncidentType = (typeof INCIDENT_TYPES)[number];

export function isIncidentType(value: unknown): value is IncidentType {
  return typeof value === 'string' && (INCIDENT_TYPES as readonly string[]).includes(value);
}

/** What an effect or rule sees of the incident being applied. */
export interface IncidentInContext {
  type: IncidentType;
  data: IncidentData;
  /** Reference instant, epoch ms (see occurrence.ts). */
  atMs: number;
}

export interface IncidentTypeDefinition {
  type: IncidentType;
  cameo: string;
  cameoName: string;
  /** Goldstein conflict–cooperation weight, −10 … +10. */
  goldstein: number;
  description: string;
  /** class-validator class describing `details`; null when the type has none. */
  details: (new () => object) | null;
  /** A tit-for-tat answer to the other side's act: its conflict weighs more (see escalation.ts). */
  reciprocal?: boolean;
  /** Severity multiplier from the details (≥ 1), e.g. the number of diplomats expelled. */
  magnitude?(data: IncidentData): number;
  /** Why this incident cannot happen in the relation's current state, or undefined when it can. */
  violation?(facts: RelationFacts, incident: IncidentInContext): string | undefined;
  /** How the incident changes the relation's state. */
  effect?(facts: RelationFacts, incident: IncidentInContext): RelationFacts;
}

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

const expulsion: Pick<IncidentTypeDefinition, 'details' | 'magnitude' | 'violation' | 'effect'> = {
  details: ExpulsionDetails,
  magnitude: (data) => 1 + Math.log10(Math.max(1, Number(data.details.diplomats ?? 1))),
  violation: (facts, { data }) =>
    data.details.includesAmbassador && ambassadorOf(facts, data.target) !== 'in_post'
      ? `${data.target}'s ambassador is not in post in ${data.actor}, so cannot be expelled`
      : undefined,
  effect: (facts, { data, atMs }) => {
    const expelled = {
      incidentId: data.incidentId,
      by: data.actor,
      of: data.target,
      diplomats: Number(data.details.diplomats ?? 1),
      atMs,
      ...(data.inResponseTo ? { answers: data.inResponseTo } : {}),
    };
    const next = { ...facts, expulsions: [...facts.expulsions, expelled] };
    return data.details.includesAmbassador ? withAmbassador(next, data.target, 'expelled') : next;
  },
};

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
    effect: (facts, { data }) => withAmbassador(facts, data.actor, 'recalled'),
  },
  {
    type: 'AmbassadorReturned', cameo: '050', cameoName: 'Engage in diplomatic cooperation', goldstein: 3.5,
    description: 'The actor sends its ambassador back to the target after a recall or expulsion.',
    details: null,
    violation: (facts, { data }) => {
      if (facts.severed) return `relations between ${data.actor} and ${data.target} are severed; restore them first`;
      return ambassadorOf(facts, data.actor) === 'in_post'
        ? `${data.actor}'s ambassador to ${data.target} was neither recalled nor expelled`
        : undefined;
    },
    effect: (facts, { data }) => withAmbassador(facts, data.actor, 'in_post'),
  },
  {
    type: 'DiplomaticRelationsSevered', cameo: '161', cameoName: 'Reduce or break diplomatic relations', goldstein: -4,
    description: 'The actor breaks off diplomatic relations with the target.',
    details: null,
    violation: (facts, { data }) =>
      facts.severed ? `relations between ${data.actor} and ${data.target} are already severed` : undefined,
    effect: (facts, { data }) => {
      const recalled = (country: string) => (ambassadorOf(facts, country) === 'in_post' ? 'recalled' : ambassadorOf(facts, country));
      return {
        ...facts,
        severed: true,
        ambassadors: { ...facts.ambassadors, [data.actor]: recalled(data.actor), [data.target]: recalled(data.target) },
      };
    },
  },
  {
    type: 'DiplomaticRelationsRestored', cameo: '054', cameoName: 'Grant diplomatic recognition', goldstein: 6,
    description: 'The actor restores diplomatic relations with the target.',
    details: null,
    violation: (facts, { data }) =>
      facts.severed ? undefined : `relations between ${data.actor} and ${data.target} are not severed`,
    effect: (facts) => ({ ...facts, severed: false }),
  },
  {
    type: 'SanctionsImposed', cameo: '163', cameoName: 'Impose embargo, boycott, or sanctions', goldstein: -8,
    description: 'The actor imposes sanctions on the target.',
    details: SanctionsDetails,
    effect: (facts, { data }) => {
      const inForce = new Set([...(facts.sanctions[data.actor] ?? []), ...(data.details.scope as string[])]);
      return { ...facts, sanctions: { ...facts.sanctions, [data.actor]: [...inForce].sort() } };
    },
  },
  {
    type: 'SanctionsEased', cameo: '085', cameoName: 'Ease economic sanctions, boycott, embargo', goldstein: 7,
    description: 'The actor lifts some or all of its sanctions on the target (all when no scope is given).',
    details: SanctionsEasedDetails,
    violation: (facts, { data }) => {
      const inForce = facts.sanctions[data.actor] ?? [];
      if (inForce.length === 0) return `${data.actor} has no sanctions in force against ${data.target}`;
      const notInForce = ((data.details.scope as string[] | undefined) ?? []).filter((s) => !inForce.includes(s));
      return notInForce.length > 0
        ? `${data.actor} has no ${notInForce.join(', ')} sanctions in force against ${data.target} (in force: ${inForce.join(', ')})`
        : undefined;
    },
    effect: (facts, { data }) => {
      const eased = data.details.scope as string[] | undefined;
      const remaining = eased ? (facts.sanctions[data.actor] ?? []).filter((s) => !eased.includes(s)) : [];
      return { ...facts, sanctions: { ...facts.sanctions, [data.actor]: remaining } };
    },
  },
  {
    type: 'PublicCondemnation', cameo: '111', cameoName: 'Criticize or denounce', goldstein: -2,
    description: 'The actor publicly condemns the target.',
    details: StatementDetails,
  },
  {
    type: 'Accusation', cameo: '112', cameoName: 'Accuse', goldstein: -2,
    description: 'The actor accuses the target.',
    details: StatementDetails,
  },
  {
    type: 'ThreatIssued', cameo: '130', cameoName: 'Threaten', goldstein: -4.4,
    description: 'The actor threatens the target.',
    details: StatementDetails,
  },
  {
    type: 'OppositionRallied', cameo: '113', cameoName: 'Rally opposition against', goldstein: -2,
    description: 'The actor rallies international opposition against the target, e.g. calls a UN Security Council session.',
    details: ForumDetails,
  },
  {
    type: 'MilitaryOffensive', cameo: '190', cameoName: 'Use conventional military force', goldstein: -10,
    description: 'The actor launches a military offensive against the target or forces it backs.',
    details: OperationDetails,
  },
  {
    type: 'MilitaryAidPledged', cameo: '0332', cameoName: 'Express intent to provide military aid', goldstein: 5.2,
    description: 'The actor pledges military aid to the target.',
    details: AgreementDetails,
  },
  {
    type: 'ArmsDealSigned', cameo: '057', cameoName: 'Sign formal agreement', goldstein: 8,
    description: 'The actor signs an arms deal with the target.',
    details: AgreementDetails,
  },
  {
    type: 'TalksHeld', cameo: '046', cameoName: 'Engage in negotiation', goldstein: 7,
    description: 'The actor holds talks or negotiations with the target.',
    details: AgreementDetails,
  },
  {
    type: 'AgreementSigned', cameo: '057', cameoName: 'Sign formal agreement', goldstein: 8,
    description: 'The actor signs a formal agreement with the target.',
    details: AgreementDetails,
  },
];

export const INCIDENT_CATALOG: Readonly<Record<IncidentType, IncidentTypeDefinition>> = Object.freeze(
  Object.fromEntries(definitions.map((d) => [d.type, d])) as Record<IncidentType, IncidentTypeDefinition>,
);

export function isConflict(type: IncidentType): boolean {
  return INCIDENT_CATALOG[type].goldstein < 0;
}
