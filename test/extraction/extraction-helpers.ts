import { extractIncidents } from '../../src/extraction/extract.js';
import type { ProposedIncident } from '../../src/extraction/proposal.js';

/** The proposals for a text, reduced to what an analyst checks first. */
export function propose(text: string, publishedOn: string): ProposedIncident[] {
  return [...extractIncidents({ text, publishedOn }).proposals];
}

export const brief = (p: ProposedIncident) => ({ type: p.type, actor: p.actor, target: p.target, occurredOn: p.occurredOn });
