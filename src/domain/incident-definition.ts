import type { IncidentData, IncidentDetails, IncidentInContext } from './incident.js';
import type { IncidentType } from './incident-types.js';
import type { RelationFacts } from './relation-facts.js';

/** What the catalogue says of one incident type (incident-catalog.ts). */
export interface IncidentTypeDefinition {
  type: IncidentType;
  cameo: string;
  cameoName: string;
  /** Goldstein conflict–cooperation weight, −10 … +10 (of the type's code; see goldsteinOf). */
  goldstein: number;
  /** The weight of one incident when it depends on its details (a CAMEO category: its full code's value). */
  goldsteinOf?(details: IncidentDetails): number;
  /**
   * The type means exactly its CAMEO code, so a machine-coded row of that code is imported as it;
   * codes shared by several types, or whose type has rules, effects or required details, are imported under their CAMEO category.
   */
  standsForCameoCode?: boolean;
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
  /**
   * Whether the effect reads this incident's details or `inResponseTo` (not only who did it to
   * whom, and when): the read side keeps those of such incidents in memory, and only those.
   */
  effectReadsDetails?(data: IncidentData): boolean;
}
