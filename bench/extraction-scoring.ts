import type { ProposedIncident } from '../src/extraction/proposal.js';

export interface GoldIncident {
  readonly key: string;
  readonly type: string;
  readonly actor: string;
  readonly target: string;
  readonly occurredOn: string;
  /** What the annotator wrote: tells apart two gold acts of one type, pair and date (two accusations). */
  readonly summary?: string;
  readonly details?: Readonly<Record<string, unknown>>;
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

/**
 * One-to-one, as many pairs as can be made (a maximum matching, by augmenting paths). Where two gold
 * incidents could take the same proposals — two undated accusations by Azerbaijan of France — each
 * first tries the proposal whose sentence shares most words with its summary, so a proposal is counted
 * against the act it tells, not against whichever gold came first in the file.
 */
export function scoreAgainstGold(proposals: readonly ProposedIncident[], gold: readonly GoldIncident[]): SeedScore {
  const candidates = gold.map((g) => proposals.filter((p) => matchesGold(p, g)).sort((a, b) => overlap(g, b) - overlap(g, a)));
  const holder = new Map<ProposedIncident, number>();
  const assign = (goldIndex: number, visited: Set<ProposedIncident>): boolean => {
    for (const proposal of candidates[goldIndex]!) {
      if (visited.has(proposal)) continue;
      visited.add(proposal);
      const current = holder.get(proposal);
      if (current === undefined || assign(current, visited)) { holder.set(proposal, goldIndex); return true; }
    }
    return false;
  };
  gold.forEach((_g, i) => assign(i, new Set()));
  const proposalOf = new Map([...holder].map(([p, i]) => [i, p] as const));
  const matched = gold.flatMap((g, i) => (proposalOf.has(i) ? [[g, proposalOf.get(i)!] as [GoldIncident, ProposedIncident]] : []));
  return {
    matched, missed: gold.filter((_g, i) => !proposalOf.has(i)), extra: proposals.filter((p) => !holder.has(p)),
    recall: gold.length ? matched.length / gold.length : 1,
    precision: proposals.length ? matched.length / proposals.length : 1,
  };
}

/** Shared content words (by their first five letters, so "fuelling" meets "fueling") of a gold's summary and details and a proposal's sentence. */
function overlap(gold: GoldIncident, proposal: ProposedIncident): number {
  const stems = (text: string) => new Set((text.toLowerCase().match(/\p{L}{4,}/gu) ?? []).map((w) => w.slice(0, 5)));
  const told = stems(`${proposal.evidence.sentence.text} ${JSON.stringify(proposal.details)}`);
  return [...stems(`${gold.summary ?? ''} ${JSON.stringify(gold.details ?? {})}`)].filter((w) => told.has(w)).length;
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
