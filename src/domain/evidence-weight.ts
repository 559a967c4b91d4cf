/**
 * How much an incident counts in the escalation score by what vouches for it (docs/importing.md,
 * "Weighting by evidence"). An analyst's report, or an imported incident an analyst has confirmed,
 * counts fully; a machine-coded incident counts a quarter per independent source (distinct
 * publisher or registrable domain), up to fully from four. Single-source machine-coded events are
 * where GDELT- and ICEWS-style data is least reliable: validation studies find a large share of
 * them misdated, duplicated or not the event coded, while events several outlets report are far
 * more often real — so one wire story moves the score a quarter as much as a verified incident.
 */
export const EVIDENCE_WEIGHT = Object.freeze({
  /** Weight of a machine-coded incident per independent source. */
  perIndependentSource: 0.25,
  /** Weight of an analyst's report or confirmation, and the cap of the imported weight. */
  full: 1,
});

/** Where an incident's standing comes from: an analyst's report, an import, or an import an analyst confirmed. */
export const PROVENANCES = ['analyst', 'imported', 'confirmed'] as const;
export type Provenance = (typeof PROVENANCES)[number];

/** What the weight of one incident reads, as known at some instant. */
export interface EvidenceStanding {
  provenance: Provenance;
  /** Distinct publishers among its sources and corroborations known by then. */
  independentSources: number;
}

/** The evidence multiplier e_i of the escalation score. */
export function evidenceWeight({ provenance, independentSources }: EvidenceStanding): number {
  if (provenance !== 'imported') return EVIDENCE_WEIGHT.full;
  // An import always names one source; one without a publisher still counts as one report.
  return Math.min(EVIDENCE_WEIGHT.full, EVIDENCE_WEIGHT.perIndependentSource * Math.max(1, independentSources));
}

/** The weight of an unconfirmed import by its independent sources, from one until it counts fully: what the methodology tabulates. */
export function importedWeightSteps(): { sources: number; weight: number }[] {
  const steps: { sources: number; weight: number }[] = [];
  for (let sources = 1; ; sources++) {
    const weight = evidenceWeight({ provenance: 'imported', independentSources: sources });
    steps.push({ sources, weight });
    if (weight >= EVIDENCE_WEIGHT.full) return steps;
  }
}

/** Which incidents a filtered view scores: those of these provenances with at least this many independent sources. */
export interface EvidenceFilter {
  provenance?: ReadonlySet<Provenance>;
  minSources?: number;
}

export function passesEvidenceFilter(standing: EvidenceStanding, filter: EvidenceFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.provenance && !filter.provenance.has(standing.provenance)) return false;
  return filter.minSources === undefined || standing.independentSources >= filter.minSources;
}
