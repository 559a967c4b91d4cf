import { countryShortName } from '../domain/countries.js';
import { INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import type { IncidentType } from '../domain/incident-types.js';
import { cameoName } from '../domain/cameo-vocabulary.js';

/** A one-line summary in the analyst's words: "Azerbaijan expels 2 diplomats of France (leave within 48 h)". */
export function summaryOf(type: IncidentType, actor: string, target: string, details: Readonly<Record<string, unknown>>, charge?: string): string {
  const a = countryShortName(actor);
  const t = countryShortName(target);
  switch (type) {
    case 'DiplomatsExpelled':
    case 'ReciprocalExpulsion': {
      const who = details.includesAmbassador ? `${t}'s ambassador` : `${details.diplomats} diplomat${details.diplomats === 1 ? '' : 's'} of ${t}`;
      const deadline = details.deadlineHours ? ` (to leave within ${details.deadlineHours} hours)` : '';
      return `${a} expels ${who}${deadline}${type === 'ReciprocalExpulsion' ? ', in reply' : ''}`;
    }
    case 'AmbassadorSummoned': return `${a} summons ${t}'s ambassador${details.ambassadorName ? ` ${details.ambassadorName}` : ''}`;
    case 'AmbassadorRecalled': return `${a} recalls its ambassador from ${t}`;
    case 'AmbassadorReturned': return `${a} returns its ambassador to ${t}`;
    case 'MeetingBoycotted': return `${a} boycotts a ${details.meeting}${details.place ? ` in ${details.place}` : ''} over ${t}`;
    case 'SanctionsImposed': return `${a} imposes ${(details.scope as string[]).join(', ')} sanctions on ${t}`;
    case 'PublicCondemnation': return `${a} condemns ${t}`;
    case 'Accusation': return `${a} accuses ${t}${charge ? ` of ${charge}` : ''}`;
    case 'ThreatIssued': return `${a} threatens ${t}`;
    case 'OppositionRallied': return `${a} rallies opposition to ${t}${details.forum ? ` at the ${details.forum}` : ''}`;
    case 'MilitaryOffensive': return `${a} launches a military offensive against ${t}${details.region ? ` in ${details.region}` : ''}`;
    case 'MilitaryAidPledged': return `${a} pledges military aid to ${t}`;
    case 'ArmsDealSigned': return `${a} signs ${details.agreement ?? 'an arms deal'} with ${t}`;
    case 'AgreementSigned': return `${a} signs ${details.agreement ?? 'an agreement'} with ${t}`;
    default: {
      const code = details.cameo ? String(details.cameo) : INCIDENT_CATALOG[type].cameo;
      return `${a} → ${t}: ${cameoName(code).toLowerCase()} (CAMEO ${code})`;
    }
  }
}
