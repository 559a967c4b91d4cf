import { ESCALATION_CONSTANTS, ESCALATION_LEVELS, levelFor, scoreOf } from '../../src/domain/escalation.js';
import { EVIDENCE_WEIGHT, evidenceWeight } from '../../src/domain/evidence-weight.js';
import { INCIDENT_CATALOG } from '../../src/domain/incident-catalog.js';
import { INCIDENT_TYPES } from '../../src/domain/incident-types.js';
import { CONDITION_TENSIONS } from '../../src/domain/standing-conditions.js';
import { buildMethodology } from '../../src/methodology/methodology.js';

/** The methodology says what the score does: its figures are the scoring code's, recomputed here. */

const methodology = buildMethodology();

it('lists every incident type with its CAMEO code and Goldstein weight from the catalogue', () => {
  expect(methodology.incidentTypes.map((t) => [t.type, t.cameo, t.goldstein])).toEqual(INCIDENT_TYPES.map((type) => [type, INCIDENT_CATALOG[type].cameo, INCIDENT_CATALOG[type].goldstein]));
  const expelled = methodology.incidentTypes.find((t) => t.type === 'DiplomatsExpelled')!;
  expect(expelled.multiplier).toBe('weighs more with the number of diplomats: ×1 for one, ×2 for ten, ×3 for a hundred');
  expect(methodology.incidentTypes.find((t) => t.type === 'ReciprocalExpulsion')!.multiplier).toMatch(/tit-for-tat answer: ×1\.5$/);
});

it('says that a CAMEO root category weighs each incident by its full code, and a specific type does not', () => {
  // 17 "Coerce": 172 (impose administrative sanctions) weighs −5.0 where the root 170 weighs −7.0.
  expect(methodology.incidentTypes.find((t) => t.type === 'CoercionUsed')?.multiplier).toMatch(/weighs the Goldstein value of its full CAMEO code/);
  expect(methodology.incidentTypes.find((t) => t.type === 'AmbassadorSummoned')?.multiplier ?? '').not.toMatch(/full CAMEO code/);
});

it("gives the score a fresh incident alone makes, as the scoring function computes it", () => {
  for (const t of methodology.incidentTypes.filter((t) => t.nature === 'conflict')) {
    expect(t.scoreWhenFresh).toBeCloseTo(scoreOf({ conflict: -t.goldstein, cooperation: 0, tension: 0 }), 1);
  }
});

it('gives each level the pressure at which the score enters it', () => {
  expect(methodology.levels.map((l) => [l.level, l.from])).toEqual(ESCALATION_LEVELS.map((band) => [band.level, band.from]));
  for (const level of methodology.levels.slice(1)) {
    expect(levelFor(scoreOf({ conflict: level.pressureFrom + 0.1, cooperation: 0, tension: 0 }))).toBe(level.level);
    expect(levelFor(scoreOf({ conflict: level.pressureFrom - 0.1, cooperation: 0, tension: 0 }))).not.toBe(level.level);
  }
});

it('gives each standing condition its tension and the score it makes alone', () => {
  const severed = methodology.conditions.find((c) => c.kind === 'relations_severed')!;
  expect(severed.tension).toBe(CONDITION_TENSIONS.severed);
  expect(severed.scoreAlone).toBeCloseTo(scoreOf({ conflict: 0, cooperation: 0, tension: CONDITION_TENSIONS.severed }), 1);
  expect(levelFor(severed.scoreAlone)).toBe('rupture');
  expect(methodology.conditions).toHaveLength(8);
});

it('states the decay and the formula with the constants in force', () => {
  expect(methodology.constants).toEqual({
    halfLifeDays: ESCALATION_CONSTANTS.halfLifeDays,
    reciprocalMultiplier: ESCALATION_CONSTANTS.reciprocalMultiplier,
    cooperationOffset: ESCALATION_CONSTANTS.cooperationOffset,
    saturation: ESCALATION_CONSTANTS.saturation,
    trendWindowDays: ESCALATION_CONSTANTS.trendWindowDays,
    trendThreshold: ESCALATION_CONSTANTS.trendThreshold,
  });
  expect(methodology.decay.find((d) => d.days === ESCALATION_CONSTANTS.halfLifeDays)!.remaining).toBe(0.5);
  expect(methodology.formula.score).toBe(`score = 100 × (1 − e^(−(T + M) / ${ESCALATION_CONSTANTS.saturation}))`);
});

it('states the evidence weighting with the constants in force', () => {
  const { evidence } = methodology;
  expect(evidence).toMatchObject({ perIndependentSource: EVIDENCE_WEIGHT.perIndependentSource, full: EVIDENCE_WEIGHT.full });
  expect(evidence.importedBySources.map((step) => step.weight)).toEqual(
    evidence.importedBySources.map((step) => evidenceWeight({ provenance: 'imported', independentSources: step.sources })),
  );
  expect(evidence.importedBySources.at(-1)!.weight).toBe(1);
  expect(evidence.explanation).toContain(`min(${EVIDENCE_WEIGHT.full}, ${EVIDENCE_WEIGHT.perIndependentSource} × its independent sources)`);
  expect(methodology.formula.conflict).toBe('C = Σ |Goldstein| × multiplier × evidence × decay, over conflict incidents');
});
