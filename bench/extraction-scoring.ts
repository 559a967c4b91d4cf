import type { ProposedIncident } from '../src/extraction/proposal.js';

export interface GoldIncident {
  readonly key: string;
  readonly type: string;
  readonly actor: string;
  readonly target: string;
  readonly occurredOn: string;
}

export interface SeedScore {
  readonly matched: ReadonlyArray<readonly [GoldIncident, ProposedIncident]>;
  readonly missed: readonly GoldIncident[];
  readonly extra: readonly ProposedIncident[];
  readonly recall: number;
  readonly precision: number;
}

/** A proposal is a gold incident when type, actor and target agree and its date says at least the gold's ("2023-12-26" for "2023-12"). */
export function matchesGold(proposal: ProposedIncident, gold: GoldIncident): boolean {
  return proposal.type === gold.type && proposal.actor === gold.actor && proposal.target === gold.target && proposal.occurredOn.startsWith(gold.occurredOn);
}

/** One-to-one: each gold incident takes the first unmatched proposal that matches it. */
export function scoreAgainstGold(proposals: readonly ProposedIncident[], gold: readonly GoldIncident[]): SeedScore {
  const unused = new Set(proposals);
  const matched: Array<[GoldIncident, ProposedIncident]> = [];
  const missed: GoldIncident[] = [];
  for (const incident of gold) {
    const proposal = [...unused].find((p) => matchesGold(p, incident));
    if (proposal) { unused.delete(proposal); matched.push([incident, proposal]); } else missed.push(incident);
  }
  return {
    matched, missed, extra: [...unused],
    recall: gold.length ? matched.length / gold.length : 1,
    precision: proposals.length ? matched.length / proposals.length : 1,
  };
}

/** The seed story is told by two articles: an act both tell (same type, pair and a compatible date) is proposed once. */
export function acrossArticles(proposals: readonly ProposedIncident[]): ProposedIncident[] {
  const kept: ProposedIncident[] = [];
  for (const proposal of proposals) {
    const same = kept.findIndex((k) => k.type === proposal.type && k.actor === proposal.actor && k.target === proposal.target
      && (k.occurredOn.startsWith(proposal.occurredOn) || proposal.occurredOn.startsWith(k.occurredOn))
      // Accusations are told apart by their charge, which their summary names.
      && (k.type !== 'Accusation' || k.summary === proposal.summary));
    if (same < 0) kept.push(proposal);
    else if (proposal.occurredOn.length > kept[same]!.occurredOn.length) kept[same] = proposal;
  }
  return kept;
}
