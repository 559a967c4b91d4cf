import type { CountryCode } from './countries.js';

/**
 * The structural state of a bilateral relation that incidents change: who has an ambassador in
 * post, whether relations are severed or downgraded, whether armed hostilities are under way,
 * which expulsions are still unanswered, which sanctions are in force — and since when each of
 * these standing conditions holds. The decider checks rules against it; the state projection
 * reports it; standing-conditions.ts turns it into the tension the escalation score carries.
 */

/**
 * `vacant`: the post is empty pending an appointment — after relations cut off by a severance or
 * downgrade are restored. Not a protest, unlike a recall or an expulsion.
 */
export type AmbassadorStatus = 'in_post' | 'recalled' | 'expelled' | 'vacant';
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

/** When a standing condition began, and with which incident by whom. */
export interface Since {
  atMs: number;
  incidentId: string;
  by: CountryCode;
}

export interface RelationFacts {
  severed: boolean;
  /** Formally downgraded (e.g. to chargé d'affaires level) and not restored since. */
  downgraded: boolean;
  /** Armed hostilities under way: begun by a military offensive, not yet ended by a ceasefire or agreement. */
  hostilities: boolean;
  /** Status of each country's ambassador posted to the other; absent means in post. */
  ambassadors: Record<CountryCode, AmbassadorStatus>;
  expulsions: Expulsion[];
  /** Sanction scopes each country has in force against the other. */
  sanctions: Record<CountryCode, string[]>;
  /** When each standing condition began, by its key (see `conditionKey`): present exactly while it stands. */
  since: Record<string, Since>;
}

export const noFacts: RelationFacts = {
  severed: false,
  downgraded: false,
  hostilities: false,
  ambassadors: {},
  expulsions: [],
  sanctions: {},
  since: {},
};

/** Keys of `RelationFacts.since`: one per standing condition that can begin and end. */
export const conditionKey = {
  severed: 'severed',
  downgraded: 'downgraded',
  hostilities: 'hostilities',
  ambassador: (country: CountryCode) => `ambassador:${country}`,
  sanction: (country: CountryCode, scope: string) => `sanction:${country}:${scope}`,
} as const;

export function ambassadorOf(facts: RelationFacts, country: CountryCode): AmbassadorStatus {
  return facts.ambassadors[country] ?? 'in_post';
}

export function relationsStatus(facts: RelationFacts): RelationsStatus {
  if (facts.severed) return 'severed';
  if (facts.downgraded) return 'downgraded';
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

/** `facts` with the condition `key` standing from `since` — unless it already stands (it keeps its start). */
export function begun(facts: RelationFacts, key: string, since: Since): RelationFacts {
  return key in facts.since ? facts : { ...facts, since: { ...facts.since, [key]: since } };
}

/** `facts` without the condition `key`. */
export function ended(facts: RelationFacts, key: string): RelationFacts {
  if (!(key in facts.since)) return facts;
  const { [key]: _ended, ...rest } = facts.since;
  return { ...facts, since: rest };
}

export function withAmbassador(facts: RelationFacts, country: CountryCode, status: AmbassadorStatus, since: Since): RelationFacts {
  const next = { ...facts, ambassadors: { ...facts.ambassadors, [country]: status } };
  const key = conditionKey.ambassador(country);
  if (status === 'in_post') return ended(next, key);
  // A recalled ambassador then expelled (or the reverse) starts a new condition: its kind changed.
  return ambassadorOf(facts, country) === status ? begun(next, key, since) : { ...next, since: { ...next.since, [key]: since } };
}
