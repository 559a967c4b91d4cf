import { EVIDENCE_WEIGHT, evidenceWeight, importedWeightSteps, passesEvidenceFilter } from '../../src/domain/evidence-weight.js';

describe('the evidence weight of an incident', () => {
  it("counts an analyst's report and a confirmed import fully, whatever their sources", () => {
    expect(evidenceWeight({ provenance: 'analyst', independentSources: 0 })).toBe(1);
    expect(evidenceWeight({ provenance: 'confirmed', independentSources: 1 })).toBe(1);
  });

  it('counts an unconfirmed import a quarter per independent source, up to fully', () => {
    expect(EVIDENCE_WEIGHT.perIndependentSource).toBe(0.25);
    expect([1, 2, 3, 4, 7].map((independentSources) => evidenceWeight({ provenance: 'imported', independentSources }))).toEqual([0.25, 0.5, 0.75, 1, 1]);
    // An import always stands on one report, even one whose publisher is unknown.
    expect(evidenceWeight({ provenance: 'imported', independentSources: 0 })).toBe(0.25);
    expect(importedWeightSteps()).toEqual([{ sources: 1, weight: 0.25 }, { sources: 2, weight: 0.5 }, { sources: 3, weight: 0.75 }, { sources: 4, weight: 1 }]);
  });

  it('passes a filter by provenance and minimum of sources', () => {
    const single = { provenance: 'imported' as const, independentSources: 1 };
    expect(passesEvidenceFilter(single, undefined)).toBe(true);
    expect(passesEvidenceFilter(single, { provenance: new Set(['analyst', 'confirmed'] as const) })).toBe(false);
    expect(passesEvidenceFilter(single, { provenance: new Set(['imported'] as const), minSources: 2 })).toBe(false);
    expect(passesEvidenceFilter({ ...single, independentSources: 2 }, { minSources: 2 })).toBe(true);
  });
});
