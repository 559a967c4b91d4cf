import { incidentTypeForCameo } from '../domain/incident-catalog.js';
import type { IncidentType } from '../domain/incident-types.js';

/**
 * The verb (or noun) patterns that signal an act, one rule per kind of act. A rule names either a
 * catalogue type or a CAMEO code (recorded as the catalogue's type for it, with the full code in the
 * details — the same mapping the import uses). Rules are tried in order and a span of text triggers
 * one rule only, so the specific rules (expulsion, summons) come before the broad CAMEO ones.
 */
export interface TriggerRule {
  readonly id: string;
  readonly type: IncidentType;
  /** Details implied by the rule itself (a CAMEO code for the category types). */
  readonly impliedDetails: Readonly<Record<string, unknown>>;
  readonly pattern: RegExp;
  /** The sentence must also say this (an expulsion of diplomats, not of migrants). */
  readonly requires?: RegExp;
  /** Meetings and offensives happen "in Spain": a state after "in"/"at" is their place, not their target. */
  readonly placeIsNotTarget?: boolean;
  /** What the act becomes when only threatened, if anything (the catalogue has ThreatIssued). */
  readonly whenThreatened?: IncidentType;
  readonly confidence: number;
}

const DIPLOMATIC = /\b(?:diplomat|embass|ambassador|envoy|consul|attach[eé]|charg[eé]|non grat|emissar|employees of the|staff)/i;

function rule(id: string, target: IncidentType | string, pattern: RegExp, options: Partial<TriggerRule> = {}): TriggerRule {
  const byCameo = /^\d{2,4}$/.test(target);
  const { type, details } = byCameo ? incidentTypeForCameo(target) : { type: target as IncidentType, details: {} };
  return { id, type, impliedDetails: details, pattern, confidence: byCameo ? 0.7 : 0.85, whenThreatened: 'ThreatIssued', ...options };
}

// One "accusation from X" is an act; plural "accusations from X" are a standing grievance (modality.ts), not coded.
export const TRIGGER_RULES: readonly TriggerRule[] = [
  rule('expel', 'DiplomatsExpelled', /\b(?:expel(?:s|led|ling)?|expulsions?|declar\w*\s+(?:\w+\s+){0,4}?personae?\s+non\s+gratae?|deem\w*\s+(?:them\s+)?personae?\s+non\s+gratae?|ordered\s+(?:[^\s.;]+\s+){0,6}?to\s+leave)\b/gi, { requires: DIPLOMATIC, confidence: 0.9 }),
  rule('summon', 'AmbassadorSummoned', /\b(?:summon(?:s|ed|ing)?|called\s+in)\b/gi, { requires: /\b(?:ambassador|envoy|charg[eé]|diplomat|emissar)/i, confidence: 0.9 }),
  rule('recall-ambassador', 'AmbassadorRecalled', /\b(?:recall(?:s|ed|ing)?|withdr(?:ew|aw|aws|awn)|pull(?:ed|s)?\s+out)\b(?=\s+(?:\w+\s+){0,2}(?:ambassador|envoy))/gi, { confidence: 0.9 }),
  rule('return-ambassador', 'AmbassadorReturned', /\b(?:return(?:ed|s)?|sent\s+back)\b(?=\s+(?:\w+\s+){0,2}(?:ambassador|envoy))/gi),
  rule('sever-relations', 'DiplomaticRelationsSevered', /\b(?:sever(?:s|ed|ing)?|cut(?:s|ting)?|br(?:oke|eaks|eak)\s+off|end(?:ed|s)?)\s+(?:\w+\s+){0,2}(?:diplomatic\s+)?(?:ties|relations)\b/gi, { confidence: 0.9 }),
  rule('downgrade-relations', 'DiplomaticRelationsDowngraded', /\bdowngrad(?:e|ed|es|ing)\s+(?:\w+\s+){0,3}(?:ties|relations)\b/gi, { confidence: 0.9 }),
  rule('restore-relations', 'DiplomaticRelationsRestored', /\b(?:restor(?:e|ed|es|ing)|re-?establish(?:ed|es)?|normaliz(?:e|ed|es)|establish(?:ed|es)?)\s+(?:\w+\s+){0,2}(?:diplomatic\s+)?(?:ties|relations)\b/gi),
  rule('ease-sanctions', 'SanctionsEased', /\b(?:eas(?:e|ed|es|ing)|lift(?:s|ed|ing)?|relax(?:es|ed)?)\s+(?:[\w-]+\s+){0,3}(?:sanctions|embargo|restrictions)\b/gi),
  rule('impose-sanctions', 'SanctionsImposed', /\b(?:impos(?:e|ed|es|ing)|slapp(?:ed)?|levied|announced|adopted|tighten(?:ed)?)\s+(?:[\w-]+\s+){0,4}?(?:sanctions|embargo|blockade)\b|\bsanction(?:s|ed)\s+(?=[A-Z])|\bembargo\s+(?:on|against)\b/g),
  rule('close-mission', '161', /\b(?:order(?:ed|s|ing)?\s+(?:[\w.]+\s+){0,4}?to\s+close|clos(?:e|ed|es|ing|ure\s+of))\s+(?:\w+\s+){0,2}(?:consulate|embassy|mission|consulate-general)\b/gi, { confidence: 0.85 }),
  rule('threaten', 'ThreatIssued', /(?<![-\w])threat(?:en|ens|ened|ening)\b/gi),
  rule('accuse', 'Accusation', /\b(?:accus(?:e|es|ed|ing)|accusation\s+(?:from|by)|blam(?:e|ed|es|ing))\b/gi),
  rule('condemn', 'PublicCondemnation', /\b(?:condemn(?:s|ed|ing)?|denounc(?:e|ed|es|ing)|deplor(?:e|ed|es)|criticiz(?:e|ed|es|ing)|criticis(?:e|ed|es|ing)|censur(?:e|ed)|slammed|lambast(?:ed|s))\b/gi),
  rule('rally-opposition', 'OppositionRallied', /\b(?:initiat|call|request|convene|convok|sought)\w*\s+(?:\w+\s+){0,3}?(?:emergency\s+)?(?:session|meeting)\s+of\s+the\s+(?:UN\s+|U\.N\.\s+|United\s+Nations\s+)?Security\s+Council\b/g),
  rule('boycott', 'MeetingBoycotted', /\b(?:boycott(?:s|ed|ing)?|cancel(?:s|led|ed|ling)?\s+(?:\w+\s+){0,3}?(?:meeting|summit|talks|visit)|snubb?(?:ed|s)?|walk(?:ed)?\s+out\s+of|skipp?(?:ed)?\s+(?:\w+\s+){0,2}(?:summit|meeting))\b/gi, { placeIsNotTarget: true }),
  rule('arms-deal', 'ArmsDealSigned', /\bsign(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?(?:arms|weapons|defen[cs]e|military)\s+(?:deals?|contracts?|agreements?|pacts?)\b/gi, { placeIsNotTarget: true }),
  rule('military-aid', 'MilitaryAidPledged', /\b(?:pledg(?:e|ed|es|ing)|promis(?:e|ed|es)|vow(?:ed|s)?|offer(?:ed|s)?|commit(?:ted|s)?)\s+(?:\w+\s+){0,3}?(?:military\s+(?:aid|assistance|support)|weapons|arms)\b/gi, { whenThreatened: undefined }),
  rule('sign-agreement', 'AgreementSigned', /\bsign(?:s|ed|ing)?\s+(?:[\w-]+\s+){0,4}?(?:agreements?|accords?|treaty|treaties|deals?|pacts?|memorandum)\b/gi, { placeIsNotTarget: true }),
  rule('ceasefire', 'CeasefireDeclared', /\b(?:declar|announc|agree)\w*\s+(?:\w+\s+){0,2}?(?:a\s+)?(?:ceasefire|cease-fire|truce)\b/gi),
  rule('offensive', 'MilitaryOffensive', /\b(?:military\s+offensive|launch(?:ed|es)?\s+(?:\w+\s+){0,2}?(?:offensive|attack|assault|strikes?)|invad(?:e|ed|es|ing)|invasion\s+of|air\s?strikes?\s+(?:on|against)|shell(?:ed|ing)|bombed|attacked)\b/gi, { placeIsNotTarget: true }),
  rule('talks', 'TalksHeld', /\b(?:h(?:e|o)ld(?:s|ing)?\s+(?:\w+\s+){0,2}?talks|negotiat(?:e|ed|es|ing))\b/gi, { placeIsNotTarget: true, whenThreatened: undefined }),
  // Broad CAMEO categories, for acts the specific types do not name (and for the PLOVER benchmark).
  rule('meet', '040', /\b(?:met|meets|meeting)\s+with\b|\bconsult(?:ed|s)?\b/gi, { placeIsNotTarget: true, whenThreatened: undefined }),
  rule('visit', '042', /\b(?:visit(?:ed|s)?|arriv(?:ed|es)\s+in)\b/gi, { placeIsNotTarget: false, whenThreatened: undefined }),
  rule('host', '043', /\b(?:host(?:ed|s)?|welcom(?:ed|es))\b/gi, { whenThreatened: undefined }),
  rule('mediate', '045', /(?<![-\w])mediat(?:e|ed|es|ing)\b/gi, { whenThreatened: undefined }),
  rule('agree', '030', /\b(?:agree(?:d|s)?|will\s+support|offer(?:ed|s)?\s+to|promis(?:ed|es)\s+to)\b/gi, { whenThreatened: undefined }),
  rule('praise', '051', /\b(?:prais(?:e|ed|es)|commend(?:ed|s)?|hail(?:ed|s)?|thank(?:ed|s)?)\b/gi, { whenThreatened: undefined }),
  rule('support', '050', /\b(?:supported|supports|backed|endors(?:ed|es)|defended)\b/gi, { whenThreatened: undefined }),
  rule('recognize', '054', /\brecogni[sz](?:e|ed|es)\b/gi, { whenThreatened: undefined }),
  rule('cooperate', '060', /\bcooperat(?:e|ed|es|ing)\b/gi, { whenThreatened: undefined }),
  rule('aid', '070', /\b(?:provid|sen[dt]|deliver|donat|gave|give|grant)\w*\s+(?:[\w$,.-]+\s+){0,4}?(?:aid|assistance|relief|loans?|credits?|grants?|food|medicine|supplies|intelligence|equipment)\b/gi, { whenThreatened: undefined }),
  rule('asylum', '075', /\bgrant(?:ed|s)?\s+(?:\w+\s+){0,2}asylum\b/gi, { whenThreatened: undefined }),
  rule('share-intelligence', '064', /\bshar(?:e|ed|es|ing)\s+(?:[\w-]+\s+){0,3}(?:intelligence|evidence|information)\s+with\b/gi, { whenThreatened: undefined }),
  rule('release', '0841', /\b(?:releas(?:e|ed|es)|freed)\b/gi),
  rule('withdraw', '0874', /\b(?:withdr(?:ew|aw|awn|aws)|pull(?:ed|s)?\s+(?:out|back))\b/gi),
  rule('yield', '080', /\b(?:eas(?:ed|es)|lift(?:ed|s)|allow(?:ed|s)?|return(?:ed|s)?)\b/gi, { whenThreatened: undefined }),
  rule('investigate', '090', /\b(?:investigat(?:e|ed|es|ing)|prob(?:e|ed|es|ing)|inquir(?:y|ed)\s+into)\b/gi),
  rule('demand', '100', /\b(?:demand(?:s|ed|ing)?|insist(?:s|ed)?)\b/gi, { whenThreatened: undefined }),
  rule('appeal', '020', /\b(?:urg(?:e|ed|es|ing)|appeal(?:ed|s)?|call(?:ed|s)?\s+(?:on|for|upon)|ask(?:ed|s)?|request(?:ed|s)?)\b/gi, { whenThreatened: undefined }),
  rule('complain', '114', /\b(?:complain(?:ed|s)?|lodg(?:ed|es)\s+(?:\w+\s+){0,2}protest|protest(?:ed|s)?\s+(?:to|against|over)|object(?:ed|s)?\s+to)\b/gi),
  rule('disapprove', '110', /\b(?:disapprov(?:e|ed|es)|warn(?:ed|s)?|reproach(?:ed)?)\b/gi),
  rule('reject', '120', /\b(?:reject(?:s|ed|ing)?|refus(?:e|ed|es|ing)|turn(?:ed|s)?\s+down|veto(?:ed|es)?|dismiss(?:ed|es)?)\b/gi, { whenThreatened: undefined }),
  rule('demonstrate', '140', /\b(?:demonstrat(?:e|ed|ors|ion|ions)|riot(?:ed|s|ing)?|protesters?|rall(?:y|ied)\s+against)\b/gi),
  rule('mobilize', '150', /\b(?:mobiliz(?:e|ed|es|ing)|mass(?:ed|ing)\s+(?:\w+\s+){0,2}troops|deploy(?:ed|s)?\s+(?:\w+\s+){0,2}(?:troops|forces|warships)|put\s+(?:\w+\s+){0,2}on\s+alert)\b/gi),
  rule('reduce-relations', '160', /\b(?:suspension\s+of|suspend(?:s|ed)?|halt(?:s|ed)?|froze|freez(?:e|es))\b/gi),
  rule('coerce', '170', /\b(?:demolish(?:ed|es)?|forc(?:ed|es)\s+out|expropriat(?:ed|es)|hack(?:ed)?\s+into)\b/gi),
  rule('arrest', '173', /\b(?:arrest(?:s|ed)?|detain(?:s|ed)?|seiz(?:e|ed|es)|captur(?:e|ed))\b/gi),
  rule('expel-people', '174', /\b(?:deport(?:s|ed)?)\b/gi),
  rule('assault', '180', /\b(?:assassinat(?:e|ed)|kidnapp?(?:ed)?|abduct(?:ed)?|tortur(?:e|ed))\b/gi),
  rule('fight', '190', /\b(?:clash(?:ed|es)?|fought|fighting\s+with|fir(?:ed)\s+(?:on|at)|retak(?:en|es)|retook|raid(?:ed)?|(?<!the\s)occup(?:y|ied))\b/gi),
];
