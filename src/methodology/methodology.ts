import { ESCALATION_CONSTANTS, ESCALATION_LEVELS, multiplierOf } from '../domain/escalation.js';
import { EVIDENCE_WEIGHT as E, importedWeightSteps } from '../domain/evidence-weight.js';
import { INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import { INCIDENT_TYPES, type IncidentType } from '../domain/incident-types.js';
import type { IncidentData } from '../domain/incident.js';
import { round } from '../domain/numbers.js';
import { CONDITION_TENSIONS, type ConditionKind } from '../domain/standing-conditions.js';
import { incidentTypeLabel } from '../dashboard/labels.js';
import type { MethodologyResponse } from '../docs/responses/methodology.responses.js';

/**
 * How a score is made, in plain words, built from the very constants and catalogue the score is
 * computed with: a change to a weight, a tension or the half-life changes this page with it.
 * Only the sentences are written here; every number in them is read from the domain.
 */

const C = ESCALATION_CONSTANTS;
const T = CONDITION_TENSIONS;

/** The score a pressure alone gives: 100·(1 − e^(−P/S)). */
function scoreAt(pressure: number): number {
  return round(100 * (1 - Math.exp(-pressure / C.saturation)));
}

/** The pressure at which the score reaches `score`. */
function pressureFor(score: number): number {
  return round(-C.saturation * Math.log(1 - score / 100), 1);
}

/** One sentence per standing condition; a Record, so a new kind does not compile until it is explained here. */
const CONDITIONS: Record<ConditionKind, { label: string; tension: number; begins: string; ends: string; note?: string }> = {
  relations_severed: { label: 'Diplomatic relations severed', tension: T.severed, begins: 'DiplomaticRelationsSevered', ends: 'DiplomaticRelationsRestored' },
  relations_downgraded: {
    label: 'Diplomatic relations downgraded below ambassador level',
    tension: T.downgraded,
    begins: 'DiplomaticRelationsDowngraded',
    ends: 'DiplomaticRelationsRestored',
  },
  hostilities: { label: 'Armed hostilities under way', tension: T.hostilities, begins: 'MilitaryOffensive', ends: 'CeasefireDeclared, or AgreementSigned with peaceAgreement' },
  ambassador_recalled: { label: "One side's ambassador recalled", tension: T.ambassadorRecalled, begins: 'AmbassadorRecalled', ends: 'AmbassadorReturned' },
  ambassador_expelled: {
    label: "One side's ambassador expelled",
    tension: T.ambassadorExpelled,
    begins: 'DiplomatsExpelled or ReciprocalExpulsion with includesAmbassador',
    ends: 'AmbassadorReturned',
  },
  ambassador_post_vacant: {
    label: 'Ambassadorial post vacant after relations were restored',
    tension: T.ambassadorPostVacant,
    begins: 'DiplomaticRelationsRestored',
    ends: 'AmbassadorReturned',
  },
  sanctions: {
    label: 'Sanctions in force (per sanctioning side)',
    tension: T.sanctionsFirstScope,
    begins: 'SanctionsImposed',
    ends: 'SanctionsEased',
    note: `${T.sanctionsFirstScope} points for the first scope, ${T.sanctionsFurtherScope} for each further scope, at most ${T.sanctionsMostPerSide} per side`,
  },
  expulsion_unanswered: {
    label: 'An expulsion not yet answered',
    tension: T.unansweredExpulsion,
    begins: 'DiplomatsExpelled',
    ends: 'ReciprocalExpulsion answering it',
    note: `its tension halves every ${T.unansweredExpulsionHalfLifeDays} days and lapses after ${T.unansweredExpulsionLapseDays} days`,
  },
};

function magnitudeNote(type: IncidentType): string | null {
  const definition = INCIDENT_CATALOG[type];
  const notes: string[] = [];
  if (definition.magnitude) {
    const at = (diplomats: number) => round(multiplierOf(type, { details: { diplomats } } as unknown as IncidentData) / (definition.reciprocal && definition.goldstein < 0 ? C.reciprocalMultiplier : 1), 2);
    notes.push(`weighs more with the number of diplomats: ×${at(1)} for one, ×${at(10)} for ten, ×${at(100)} for a hundred`);
  }
  if (definition.reciprocal && definition.goldstein < 0) notes.push(`a tit-for-tat answer: ×${C.reciprocalMultiplier}`);
  // A CAMEO root category stands for all its codes: each incident weighs its own code's value, the root's is shown.
  if (definition.goldsteinOf) notes.push(`each incident weighs the Goldstein value of its full CAMEO code (details.cameo); the root code's is shown`);
  return notes.length ? notes.join('; ') : null;
}

export function buildMethodology(): MethodologyResponse {
  const half = C.halfLifeDays;
  return {
    summary: [
      'Every incident is classified on the CAMEO scheme and weighed on the Goldstein scale (−10, most hostile, to +10, most cooperative), as GDELT and ICEWS do.',
      `An incident's weight fades: it halves every ${half} days. Conflict adds pressure; cooperation takes off ${C.cooperationOffset} point for each of its points, but never below zero and never from a standing condition.`,
      'Some incidents leave a condition standing — relations severed, an ambassador withdrawn, sanctions, hostilities — which adds a fixed tension until another incident ends it.',
      `An incident an analyst reported or confirmed counts fully; one imported from machine-coded event data (GDELT, ICEWS, PLOVER) counts ${E.perIndependentSource} of its weight per independent source, up to fully.`,
      `The score turns the total pressure into 0–100: score = 100 × (1 − e^(−pressure / ${C.saturation})). It rises quickly at first and can never pass 100; the level is read from the score.`,
    ],
    formula: {
      decay: `decay(t) = 2^(−days since the incident / ${half})`,
      conflict: 'C = Σ |Goldstein| × multiplier × evidence × decay, over conflict incidents',
      cooperation: 'K = Σ Goldstein × multiplier × evidence × decay, over cooperation incidents',
      momentum: `M = max(0, C − ${C.cooperationOffset} × K)`,
      tension: 'T = Σ tension of the conditions standing',
      score: `score = 100 × (1 − e^(−(T + M) / ${C.saturation}))`,
      points:
        "Each condition and each incident is credited with the share of the score its share of the pressure is (score × its part / (T + M)), rounded so the parts add up to the score shown: that is the 'points' a relation page lists.",
    },
    constants: {
      halfLifeDays: C.halfLifeDays,
      reciprocalMultiplier: C.reciprocalMultiplier,
      cooperationOffset: C.cooperationOffset,
      saturation: C.saturation,
      trendWindowDays: C.trendWindowDays,
      trendThreshold: C.trendThreshold,
    },
    decay: [0, 7, half, 2 * half, 3 * half, 6 * half].map((days) => ({ days, remaining: round(Math.pow(2, -days / half), 3) })),
    levels: ESCALATION_LEVELS.map((band, i) => ({
      level: band.level,
      from: band.from,
      below: ESCALATION_LEVELS[i + 1]?.from ?? null,
      pressureFrom: pressureFor(band.from),
    })),
    trend: `The trend compares the score with the score ${C.trendWindowDays} days earlier: a change of ${C.trendThreshold} points or more is deteriorated or improved, less is unchanged. A month is judged the same way from its first to its last day, and also deteriorated when a condition began in it or the score flared by ${C.trendThreshold} points within it.`,
    conditions: (Object.keys(CONDITIONS) as ConditionKind[]).map((kind) => {
      const c = CONDITIONS[kind];
      return { kind, label: c.label, tension: c.tension, scoreAlone: scoreAt(c.tension), begins: c.begins, ends: c.ends, note: c.note ?? null };
    }),
    incidentTypes: INCIDENT_TYPES.map((type) => {
      const definition = INCIDENT_CATALOG[type];
      return {
        type,
        label: incidentTypeLabel(type),
        cameo: definition.cameo,
        cameoName: definition.cameoName,
        goldstein: definition.goldstein,
        nature: definition.goldstein < 0 ? ('conflict' as const) : ('cooperation' as const),
        // What a fresh incident of the type does to a calm pair, so a weight reads as a score.
        scoreWhenFresh: definition.goldstein < 0 ? scoreAt(-definition.goldstein) : 0,
        description: definition.description,
        multiplier: magnitudeNote(type),
      };
    }),
    evidence: {
      explanation:
        `evidence = ${E.full} for an incident reported by an analyst or imported and confirmed by one (POST /incidents/{id}/confirmation); ` +
        `for an unconfirmed import, min(${E.full}, ${E.perIndependentSource} × its independent sources) — distinct publishers or registrable domains among its source and the rows that corroborate it. ` +
        'A view known at an earlier date weighs each incident by the sources and confirmation recorded by then.',
      perIndependentSource: E.perIndependentSource,
      full: E.full,
      importedBySources: importedWeightSteps(),
      rationale:
        'Machine-coded event data is noisiest where one article is its only source: validation studies of GDELT and ICEWS find many single-report events duplicated, misdated or not the event coded, ' +
        'while an event several independent outlets report is far more often real. One wire story therefore moves the score a quarter as much as a verified incident; four independent publishers, or an analyst, make it count fully.',
    },
  };
}
