import type { CountryCode } from '../../domain/countries.js';
import { contributionOf, explained, type Contribution } from '../../domain/escalation.js';
import { evidenceWeight, type EvidenceStanding } from '../../domain/evidence-weight.js';
import { relationView, scoredIncident, type RelationView } from '../../domain/relation-view.js';
import type { PairEntry } from '../incident-rows.js';
import type { DocumentReading } from '../incident-documents.js';
import type { KeptDescriptions } from '../kept-descriptions.js';
import type { Perspective, ReadSide } from '../read-side.js';

/** The relation of a pair from a perspective, with its top contributors read from the store. */
export async function relationOf(side: ReadSide, a: CountryCode, b: CountryCode, perspective: Perspective): Promise<RelationView | undefined> {
  const entry = side.rows.pair(a, b);
  return entry ? describeRelation(side, entry, perspective) : undefined;
}

/**
 * The relation without its top contributors (which are read from the store): what a live
 * update shows, computed synchronously as the event is applied.
 */
export function relationFigures(side: ReadSide, a: CountryCode, b: CountryCode, perspective: Perspective): RelationView | undefined {
  const entry = side.rows.pair(a, b);
  if (!entry) return undefined;
  const { view, state, figures } = figuresOf(side, entry, perspective);
  return relationView(state, explained(figures, view.index.conditionsAt(perspective.atMs), []), perspective.atIso);
}

/**
 * The relation of a pair from a perspective; `kept`: what a kept ranking holds of the pairs its
 * pages describe (kept-descriptions.ts); `reading`: whether its top contributors' documents are kept
 * for next time (not when every pair is swept: 25,000 documents would flush the few read again).
 */
export async function describeRelation(
  side: ReadSide,
  entry: PairEntry,
  perspective: Perspective,
  kept?: KeptDescriptions,
  reading: DocumentReading = { keep: true },
): Promise<RelationView> {
  const described = kept?.view(entry);
  if (described) return described;
  const { knownAtMs, atMs, atIso } = perspective;
  const { view, state, figures } = figuresOf(side, entry, perspective, kept);
  const ranked = view.index.topContributorsAt(atMs).map(({ index }) => index);
  const documents = await side.documents.of(
    ranked.map((index) => view.rows.data[index]),
    knownAtMs,
    reading,
  );
  const columns = side.beliefs.columnsOf(view.rows, view.beliefs, knownAtMs);
  // Each incident where and as much as the index counts it (an answer no earlier than what it answers; weighed by its evidence).
  const topContributors: Contribution[] = documents.map(({ believed }, i) => {
    const contribution = contributionOf({ ...scoredIncident(believed), atMs: columns.atMs(ranked[i]), multiplier: columns.multiplier(ranked[i]) }, atMs);
    return withEvidence(contribution, side.beliefs.standingOf(view.rows.data[ranked[i]], knownAtMs));
  });
  const relation = relationView(state, explained(figures, view.index.conditionsAt(atMs), topContributors), atIso);
  kept?.keepView(entry, relation);
  return relation;
}

/** An unconfirmed import's explanation says why it counts less: its multiplier includes its evidence weight. */
function withEvidence(contribution: Contribution, standing: EvidenceStanding): Contribution {
  const weight = evidenceWeight(standing);
  if (weight >= 1) return contribution;
  const sources = `${standing.independentSources} independent source${standing.independentSources === 1 ? '' : 's'}`;
  return { ...contribution, explanation: `${contribution.explanation}; an unconfirmed import with ${sources}, so it counts ${Math.round(weight * 100)}%` };
}

function figuresOf(side: ReadSide, entry: PairEntry, perspective: Perspective, kept?: KeptDescriptions) {
  const { asOfMs, knownAtMs, atMs, evidence } = perspective;
  const view = side.beliefs.view(entry, knownAtMs, evidence);
  // Without asOf/knownAt the state holds every incident; with either, those occurred by the instant of the view.
  const stateAt = asOfMs === undefined && knownAtMs === undefined ? Infinity : atMs;
  const stateOf = () => view.index.stateAsOf(stateAt, (i) => side.beliefs.refOf(view.beliefs, view.rows.data[i]));
  const state = kept ? kept.state(entry, stateOf) : stateOf();
  return { view, state, figures: view.index.escalationAt(atMs) };
}
