import { SANCTION_SCOPES } from '../domain/incident-catalog.js';
import type { IncidentType } from '../domain/incident-types.js';
import { deadlineHours, diplomatsCounted } from './numbers.js';

/**
 * The details a sentence states for an act, in the catalogue's fields for its type. Only what the
 * words say is filled in; a required field the text leaves open gets the least it implies
 * (an expulsion of "diplomats" is of at least 2), and the proposal's "why" says so.
 */
export interface StatedDetails {
  readonly details: Record<string, unknown>;
  /** Fields filled from what the words imply rather than state. */
  readonly implied: readonly string[];
}

const SCOPE_WORDS: ReadonlyArray<readonly [RegExp, (typeof SANCTION_SCOPES)[number]]> = [
  [/\btrade|tariff|import|export/i, 'trade'], [/\bfinanc|bank|asset|SWIFT/i, 'financial'], [/\barms\b|weapon/i, 'arms'],
  [/\benergy|oil|gas\b/i, 'energy'], [/\btechnolog|chip|semiconductor/i, 'technology'], [/\btravel|visa/i, 'travel'],
  [/\bindividuals?|officials|oligarch|person/i, 'individuals'], [/\beconomic/i, 'economic'], [/\bdiplomatic/i, 'diplomatic'],
];

const AMBASSADOR_NAME = /\bAmbassador\s+((?:[A-Z][\p{L}'’-]+\s?){2,3})/u;
const QUOTE = /[“"]([^”"]{8,400})[”"]/;
const MEETING = /\b(?:[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir)\s+((?:(?:planned|scheduled|upcoming|proposed|trilateral|bilateral|regional|peace|annual)\s+)*(?:meeting|summit|talks|visit|conference|session))\b/;
const PLACE = /\b(?:in|at)\s+((?:[A-Z][\p{L}-]+\s?){1,3})/u;
const FORUM = /\b((?:UN|U\.N\.|United Nations)\s+Security\s+Council|Security\s+Council|UN\s+General\s+Assembly|(?:UN\s+)?Human\s+Rights\s+Council|NATO|OSCE|European\s+Union|African\s+Union)\b/;
const AGREEMENT = /\b((?:[\w-]+\s+){0,2}(?:arms|weapons|defen[cs]e|trade|peace|military|nuclear|border|gas|economic)?\s*(?:deals?|agreements?|accords?|treaty|contracts?|pacts?|memorandum))\b/i;

export function statedDetails(type: IncidentType, sentence: string, afterTrigger: string, speaker: string | undefined): StatedDetails {
  switch (type) {
    case 'DiplomatsExpelled':
    case 'ReciprocalExpulsion': {
      const counted = diplomatsCounted(afterTrigger.split(/[;]|,\s+(?:and|but)\b/)[0]!) ?? diplomatsCounted(sentence);
      const ambassador = /\bambassador\b/i.test(afterTrigger.slice(0, 60));
      const plural = /\b(?:diplomats|employees|staff|officials|envoys|personae|they|them|the two)\b/i.test(sentence);
      const diplomats = counted ?? (ambassador && !plural ? 1 : plural ? 2 : 1);
      const deadline = deadlineHours(sentence);
      return {
        details: { diplomats, ...(deadline ? { deadlineHours: deadline } : {}), ...(ambassador ? { includesAmbassador: true } : {}) },
        implied: counted === undefined ? ['diplomats'] : [],
      };
    }
    case 'AmbassadorSummoned': {
      const name = AMBASSADOR_NAME.exec(afterTrigger)?.[1]?.trim();
      return { details: name ? { ambassadorName: name } : {}, implied: [] };
    }
    case 'MeetingBoycotted': {
      const meeting = MEETING.exec(sentence)?.[1]?.trim() || 'meeting';
      const place = PLACE.exec(sentence.slice(sentence.search(/meeting|summit|talks|visit/i)))?.[1]?.trim();
      return { details: { meeting, ...(place ? { place } : {}) }, implied: MEETING.test(sentence) ? [] : ['meeting'] };
    }
    case 'SanctionsImposed':
    case 'SanctionsEased': {
      const scope = SCOPE_WORDS.filter(([pattern]) => pattern.test(sentence)).map(([, scope]) => scope);
      if (type === 'SanctionsEased') return { details: scope.length ? { scope } : {}, implied: [] };
      return { details: { scope: scope.length ? scope : ['other'] }, implied: scope.length ? [] : ['scope'] };
    }
    case 'PublicCondemnation':
    case 'Accusation':
    case 'ThreatIssued': {
      const quote = QUOTE.exec(sentence)?.[1]?.trim();
      return { details: { ...(speaker ? { speaker } : {}), ...(quote ? { quote } : {}) }, implied: [] };
    }
    case 'OppositionRallied': {
      const forum = FORUM.exec(sentence)?.[1]?.replace(/^(?:U\.N\.|United Nations)/, 'UN');
      return { details: forum ? { forum } : {}, implied: [] };
    }
    case 'MilitaryOffensive': {
      const region = PLACE.exec(afterTrigger)?.[1]?.trim();
      return { details: region ? { region } : {}, implied: [] };
    }
    case 'ArmsDealSigned':
    case 'AgreementSigned':
    case 'TalksHeld':
    case 'CeasefireDeclared':
    case 'MilitaryAidPledged': {
      const agreement = type === 'ArmsDealSigned' || type === 'AgreementSigned' ? AGREEMENT.exec(afterTrigger)?.[1]?.trim() : undefined;
      const place = PLACE.exec(afterTrigger)?.[1]?.trim();
      return { details: { ...(agreement ? { agreement } : {}), ...(place && type !== 'MilitaryAidPledged' ? { place } : {}) }, implied: [] };
    }
    default:
      return { details: {}, implied: [] };
  }
}
