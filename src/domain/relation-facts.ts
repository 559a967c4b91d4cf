import type { CountryCode } from './countries.js';

/**
 * The structural state of a bilateral relation that incidents change: who has an ambassador in
 * post, whether relations are severed, which expulsions are still unanswered, which sanctions
 * are in force. The decider checks rules against it; the state projection reports it.
 */

export type AmbassadorStatus = 'in_post' | 'recalled' | 'expelled';
export type RelationsStatus = 'normal' | 'downgraded' | 'severed';

export interface Expulsion {
  incidentId: string;
  /** The expelling country. */
  by: CountryCode;
  /** The country whose diplomats were expelled. */
  of: CountryCode;
  diplomats: number;
  /** Reference instant (epoch ms) of the expulsion. */
  atMs: number;
  /** For a reciprocal expulsion, the expulsion it answers. */
  answers?: string;
}

export interface RelationFacts {
  severed: boolean;
  /** Status of each country's ambassador posted to the other; absent means in post. */
  ambassadors: Record<CountryCode, AmbassadorStatus>;
  expulsions: Expulsion[];
  /** Sanction scopes each country has in force against the other. */
  sanctions: Record<CountryCode, string[]>;
}

export const noFacts: RelationFacts = { severed: false, ambassadors: {}, expulsions: [], sanctions: {} };

export function ambassadorOf(facts: RelationFacts, country: CountryCode): AmbassadorStatus {
  return facts.ambassadors[country] ?? 'in_post';
}

export function relationsStatus(facts: RelationFacts): RelationsStatus {
  if (facts.severed) return 'severed';
  return Object.values(facts.ambassadors).some((status) => status !== 'in_post') ? 'downgraded' : 'normal';
}

export function isAnswered(facts: RelationFacts, expulsion: Expulsion): boolean {
  return facts.expulsions.some((other) => other.answers === expulsion.incidentId);
}

/**
 * Expulsions of `of`'s diplomats by `by` still waiting for a reciprocal answer, newest first.
 * A reciprocal expulsion is itself an answer and closes the exchange: it awaits none.
 */
export function unansweredExpulsions(facts: RelationFacts, by: CountryCode, of: CountryCode): Expulsion[] {
  return facts.expulsions
    .filter((e) => e.by === by && e.of === of && e.answers === undefined && !isAnswered(facts, e))
    .sort((x, y) => y.atMs - x.atMs);
}

export function withAmbassador(facts: RelationFacts, country: CountryCode, status: AmbassadorStatus): RelationFacts {
  return { ...facts, ambassadors: { ...facts.ambassadors, [country]: status } };
}
