import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { escalationAt, levelFor, scoreAt, type ScoredIncident } from '../../src/domain/escalation.js';
import type { IncidentEvent } from '../../src/domain/incident.js';
import { INCIDENT_TYPES, SANCTION_SCOPES, type IncidentType } from '../../src/domain/incident-catalog.js';
import type { ReportIncident } from '../../src/domain/relation.decider.js';
import { describeRelation, foldRelation, scoredIncident } from '../../src/domain/relation-state.projection.js';
import { aReport, incidentId, record, recordNext } from './decider-harness.js';

const DAY_MS = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const noon = (day: string) => at(`${day}T12:00:00.000Z`);
const AZE_FRA = { actor: 'AZE', target: 'FRA' };
const FRA_AZE = { actor: 'FRA', target: 'AZE' };

/** The escalation a user reads for the pair at `atMs`, from events recorded through the real decider. */
function escalationOf(events: readonly IncidentEvent[], atMs: number) {
  return describeRelation(foldRelation('AZE', 'FRA', events), events.map(scoredIncident), atMs, new Date(atMs).toISOString()).escalation;
}

describe('escalation score', () => {
  it('matches a hand computation: two expulsions of ten diplomats a half-life ago, offset by talks today', () => {
    const events = record([
      aReport('DiplomatsExpelled', { incidentId: incidentId(1), ...FRA_AZE, occurredOn: '2024-03-01', details: { diplomats: 10 } }),
      // Same day, the other way: recorded as a ReciprocalExpulsion answering incidentId(1).
      aReport('DiplomatsExpelled', { incidentId: incidentId(2), ...AZE_FRA, occurredOn: '2024-03-01', details: { diplomats: 10 } }),
      aReport('TalksHeld', { incidentId: incidentId(3), ...AZE_FRA, occurredOn: '2024-03-31' }),
    ]);
    expect(events.map((e) => e.type)).toEqual(['DiplomatsExpelled', 'ReciprocalExpulsion', 'TalksHeld']);

    /*
     * At 2024-03-31T12:00Z (each day-precision incident counts from noon of its day):
     *   FRA expels 10:      g = −4, m = 1 + log10(10) = 2,          30 days old → decay 2^(−30/30) = 0.5 → 4·2·0.5   = 4
     *   AZE answers with 10: g = −4, m = 2 × 1.5 (reciprocal) = 3,   30 days old → decay 0.5             → 4·3·0.5   = 6
     *   talks:              g = +7, m = 1,                          0 days old  → decay 1               → K = 7·1·1 = 7
     *   C = 4 + 6 = 10;  net = max(0, C − 0.5·K) = 10 − 3.5 = 6.5
     *   score = 100·(1 − e^(−6.5/25)) = 100·(1 − e^(−0.26)) = 100·(1 − 0.7710516) = 22.89484
     * Thirty days earlier (2024-03-01T12:00Z): C = 4·2 + 4·3 = 20, K = 0 → 100·(1 − e^(−0.8)) = 55.06710.
     */
    const atMs = noon('2024-03-31');
    expect(scoreAt(events.map(scoredIncident), atMs)).toBeCloseTo(22.89484, 4);
    expect(escalationOf(events, atMs)).toEqual({
      score: 22.9,
      level: 'friction',
      conflict: 10,
      cooperation: 7,
      trend: { direction: 'improved', change: -32.2, windowDays: 30, scoreThen: 55.1 },
      topContributors: [
        {
          incidentId: incidentId(2),
          type: 'ReciprocalExpulsion',
          actor: 'AZE',
          target: 'FRA',
          occurredOn: '2024-03-01',
          summary: 'Reported incident, AZE against FRA',
          goldstein: -4,
          multiplier: 3,
          remaining: 0.5,
          contribution: 6,
          explanation: 'ReciprocalExpulsion AZE→FRA (2024-03-01): Goldstein -4 × 3, 50% of its weight left after 30 days',
        },
        expect.objectContaining({ incidentId: incidentId(1), multiplier: 2, remaining: 0.5, contribution: 4 }),
        expect.objectContaining({
          incidentId: incidentId(3),
          goldstein: 7,
          multiplier: 1,
          remaining: 1,
          contribution: -3.5,
          explanation: 'TalksHeld AZE→FRA (2024-03-31): Goldstein 7, 100% of its weight left after 0 days',
        }),
      ],
    });
  });

  it('ignores incidents that have not happened yet at the instant asked about', () => {
    const events = record([
      aReport('MilitaryOffensive', { ...AZE_FRA, occurredOn: '2024-03-01' }),
      aReport('SanctionsImposed', { ...FRA_AZE, occurredOn: '2024-04-01' }),
    ]);
    expect(escalationOf(events, noon('2024-03-01'))).toMatchObject({ score: 33, conflict: 10, topContributors: [{ type: 'MilitaryOffensive' }] });
  });
});

describe('escalation levels', () => {
  it.each([
    [0, 'calm'],
    [9.999, 'calm'],
    [10, 'friction'],
    [29.999, 'friction'],
    [30, 'strained'],
    [54.999, 'strained'],
    [55, 'crisis'],
    [79.999, 'crisis'],
    [80, 'rupture'],
    [100, 'rupture'],
  ] as const)('a score of %d reads %s', (score, level) => {
    expect(levelFor(score, false)).toBe(level);
  });

  it.each([
    ['an accusation', 'Accusation', 7.7, 'calm'], // C = 2 → 100·(1 − e^(−2/25)) = 7.69
    ['sanctions', 'SanctionsImposed', 27.4, 'friction'], // C = 8 → 27.39
    ['a military offensive', 'MilitaryOffensive', 33, 'strained'], // C = 10 → 32.97
  ] as const)('%s on the day reads %s', (_what, type: IncidentType, score, level) => {
    const events = record([aReport(type, { occurredOn: '2024-05-01' })]);
    expect(escalationOf(events, noon('2024-05-01'))).toMatchObject({ score, level });
  });

  it('reads rupture whatever the score while relations are severed, and not once they are restored', () => {
    const severed = record([aReport('DiplomaticRelationsSevered', { occurredOn: '2024-01-01' })]);
    expect(levelFor(0, true)).toBe('rupture');
    // 150 days later the severance's own weight is down to 2^(−5): C = 4/32 = 0.125, a score of 0.5.
    expect(escalationOf(severed, noon('2024-05-30'))).toMatchObject({ score: 0.5, level: 'rupture' });
    const restored = record([
      aReport('DiplomaticRelationsSevered', { occurredOn: '2024-01-01' }),
      aReport('DiplomaticRelationsRestored', { occurredOn: '2024-02-01' }),
    ]);
    expect(escalationOf(restored, noon('2024-05-30')).level).toBe('calm');
  });
});

describe('escalation trend', () => {
  it('has deteriorated when the score rose by 5 points or more over 30 days', () => {
    const events = record([aReport('Accusation', { occurredOn: '2024-05-01' })]);
    expect(escalationOf(events, noon('2024-05-01')).trend).toEqual({ direction: 'deteriorated', change: 7.7, windowDays: 30, scoreThen: 0 });
  });

  it('has improved when the score fell by 5 points or more', () => {
    // C: 10 then, 5 now → 32.97 then, 18.13 now.
    const events = record([aReport('MilitaryOffensive', { occurredOn: '2024-04-01' })]);
    expect(escalationOf(events, noon('2024-05-01')).trend).toEqual({ direction: 'improved', change: -14.8, windowDays: 30, scoreThen: 33 });
  });

  it('is unchanged when the score moved by less than 5 points', () => {
    // C: 2 then, 1 now → 7.69 then, 3.92 now: a drop of 3.8 points.
    const events = record([aReport('Accusation', { occurredOn: '2024-04-01' })]);
    expect(escalationOf(events, noon('2024-05-01')).trend).toEqual({ direction: 'unchanged', change: -3.8, windowDays: 30, scoreThen: 7.7 });
  });
});

describe('top contributors', () => {
  it('lists the five incidents weighing most now by |contribution|, cooperation included, each explained', () => {
    const events = record([
      aReport('PublicCondemnation', { ...AZE_FRA, occurredOn: '2024-02-01' }), // 90 days: 2·0.125 = 0.25, sixth
      aReport('MilitaryOffensive', { ...AZE_FRA, occurredOn: '2024-03-02' }), // 60 days: 10·0.25 = 2.5
      aReport('ThreatIssued', { ...FRA_AZE, occurredOn: '2024-04-01' }), // 30 days: 4.4·0.5 = 2.2
      aReport('Accusation', { ...FRA_AZE, occurredOn: '2024-05-01' }), // 2
      aReport('TalksHeld', { ...AZE_FRA, occurredOn: '2024-05-01' }), // −0.5·7 = −3.5
      aReport('DiplomatsExpelled', { ...FRA_AZE, occurredOn: '2024-05-01', details: { diplomats: 100 } }), // 4·(1 + 2) = 12
      aReport('AgreementSigned', { ...AZE_FRA, occurredOn: '2024-05-10' }), // not yet
    ]);
    const { topContributors } = escalationOf(events, noon('2024-05-01'));
    expect(topContributors.map(({ type, contribution }) => [type, contribution])).toEqual([
      ['DiplomatsExpelled', 12],
      ['TalksHeld', -3.5],
      ['MilitaryOffensive', 2.5],
      ['ThreatIssued', 2.2],
      ['Accusation', 2],
    ]);
    expect(topContributors.map((c) => c.explanation)).toEqual([
      'DiplomatsExpelled FRA→AZE (2024-05-01): Goldstein -4 × 3, 100% of its weight left after 0 days',
      'TalksHeld AZE→FRA (2024-05-01): Goldstein 7, 100% of its weight left after 0 days',
      'MilitaryOffensive AZE→FRA (2024-03-02): Goldstein -10, 25% of its weight left after 60 days',
      'ThreatIssued FRA→AZE (2024-04-01): Goldstein -4.4, 50% of its weight left after 30 days',
      'Accusation FRA→AZE (2024-05-01): Goldstein -2, 100% of its weight left after 0 days',
    ]);
  });

  it('leaves out incidents whose remaining weight is negligible', () => {
    const events = record([
      aReport('SanctionsImposed', { ...FRA_AZE, occurredOn: '2023-07-06' }), // 300 days: 8·2^(−10) ≈ 0.008
      aReport('Accusation', { ...AZE_FRA, occurredOn: '2024-05-01' }),
    ]);
    expect(escalationOf(events, noon('2024-05-01')).topContributors.map((c) => c.type)).toEqual(['Accusation']);
  });
});

describe('the seed story: Azerbaijan and France, December 2023', () => {
  interface SeedIncident {
    key: string;
    type: IncidentType;
    actor: string;
    target: string;
    occurredOn: string;
    summary: string;
    sources: ReportIncident['sources'];
    details?: ReportIncident['details'];
  }
  const seeds = JSON.parse(readFileSync(new URL('../../seeds/2023-12-azerbaijan-france.json', import.meta.url), 'utf8')) as {
    incidents: SeedIncident[];
  };
  const azeFra = seeds.incidents.filter((i) => [i.actor, i.target].sort().join('-') === 'AZE-FRA');
  const keyOf = new Map<string, string>();
  const events = record(
    azeFra.map((seed, n) => {
      keyOf.set(incidentId(n + 1), seed.key);
      return aReport(seed.type, {
        incidentId: incidentId(n + 1),
        actor: seed.actor,
        target: seed.target,
        occurredOn: seed.occurredOn,
        summary: seed.summary,
        sources: seed.sources,
        details: seed.details ?? {},
        recordedAt: '2024-01-15T00:00:00Z',
      });
    }),
  );

  it('records every AZE–FRA incident, France’s expulsions answering Azerbaijan’s', () => {
    expect(events).toHaveLength(azeFra.length);
    expect(azeFra.length).toBeGreaterThanOrEqual(10);
    const answer = events.find((e) => e.type === 'ReciprocalExpulsion');
    expect(answer && keyOf.get(answer.data.incidentId)).toBe('fra-expels-azerbaijani-diplomats');
    expect(answer && keyOf.get(answer.data.inResponseTo!)).toBe('aze-expels-french-diplomats');
  });

  it('reads strained, and deteriorating, on 28 December 2023', () => {
    const escalation = escalationOf(events, at('2023-12-28T12:00:00Z'));
    // Measured 51.1 with the constants of escalation.ts (strained: 30 ≤ score < 55).
    expect({ level: escalation.level, trend: escalation.trend.direction }).toEqual({ level: 'strained', trend: 'deteriorated' });
    expect(escalation.topContributors[0]).toMatchObject({ type: 'ReciprocalExpulsion', actor: 'FRA', target: 'AZE' });
  });
});

describe('escalation laws (property-based)', () => {
  const START_MS = Date.UTC(2023, 0, 1);
  const RECORDED_LATE = '2025-01-01T00:00:00.000Z';
  const COOPERATION: IncidentType[] = ['TalksHeld', 'AgreementSigned', 'ArmsDealSigned', 'MilitaryAidPledged'];
  /** Conflict types no rule can reject (expulsions without the ambassador), so the added incident is always recorded. */
  const ALWAYS_ACCEPTED_CONFLICT: IncidentType[] = [
    'AmbassadorSummoned', 'DiplomatsExpelled', 'MeetingBoycotted', 'PublicCondemnation', 'Accusation',
    'ThreatIssued', 'OppositionRallied', 'MilitaryOffensive', 'SanctionsImposed',
  ];

  const occurredOn = fc
    .tuple(fc.integer({ min: 0, max: 729 }), fc.constantFrom('day', 'day', 'month', 'year', 'instant'), fc.integer({ min: 0, max: DAY_MS - 1 }))
    .map(([day, precision, msOfDay]) => {
      const iso = new Date(START_MS + day * DAY_MS + msOfDay).toISOString();
      if (precision === 'year') return iso.slice(0, 4);
      if (precision === 'month') return iso.slice(0, 7);
      if (precision === 'day') return iso.slice(0, 10);
      return iso;
    });

  const detailsFor = (type: IncidentType) => {
    switch (type) {
      case 'DiplomatsExpelled':
        return fc.record({ diplomats: fc.integer({ min: 1, max: 50 }), includesAmbassador: fc.boolean() });
      case 'ReciprocalExpulsion':
        return fc.record({ diplomats: fc.integer({ min: 1, max: 50 }) });
      case 'SanctionsImposed':
        return fc.record({ scope: fc.subarray([...SANCTION_SCOPES], { minLength: 1 }) });
      case 'SanctionsEased':
        return fc.option(fc.subarray([...SANCTION_SCOPES], { minLength: 1 }), { nil: undefined }).map((scope) => (scope ? { scope } : {}));
      case 'MeetingBoycotted':
        return fc.constant({ meeting: 'Summit' });
      default:
        return fc.constant({});
    }
  };

  const reportOf = (types: readonly IncidentType[]) =>
    fc.constantFrom(...types).chain((type) =>
      fc.record({ type: fc.constant(type), azeActs: fc.boolean(), occurredOn, details: detailsFor(type) }),
    );

  const toCommand = (r: { type: IncidentType; azeActs: boolean; occurredOn: string; details: ReportIncident['details'] }, n: number) =>
    aReport(r.type, {
      incidentId: incidentId(n),
      ...(r.azeActs ? AZE_FRA : FRA_AZE),
      occurredOn: r.occurredOn,
      details: r.details,
      recordedAt: RECORDED_LATE,
    });

  /** A pair's stream: random reports through the real decider, rejected ones dropped. */
  const stream = fc
    .array(reportOf(INCIDENT_TYPES), { maxLength: 25, size: 'max' })
    .map((reports) => record(reports.map((r, n) => toCommand(r, n + 1)), { skipRejected: true }));

  const instant = fc.integer({ min: START_MS - 60 * DAY_MS, max: START_MS + 800 * DAY_MS });

  const mirrored = (event: IncidentEvent): IncidentEvent => ({
    type: event.type,
    data: { ...event.data, actor: event.data.target, target: event.data.actor },
  });

  it('does not depend on the order of the two countries', () => {
    fc.assert(
      fc.property(stream, instant, (events, atMs) => {
        const view = (a: string, b: string, evs: IncidentEvent[]) =>
          describeRelation(foldRelation(a, b, evs), evs.map(scoredIncident), atMs, 'at');
        expect(foldRelation('FRA', 'AZE', events)).toEqual(foldRelation('AZE', 'FRA', events));
        expect(view('FRA', 'AZE', events)).toEqual(view('AZE', 'FRA', events));

        // Swapping who did what to whom swaps the sides and leaves the escalation as it was.
        const original = view('AZE', 'FRA', events);
        const swapped = view('AZE', 'FRA', events.map(mirrored));
        expect(swapped.sides).toEqual([
          { ...original.sides[1], country: 'AZE' },
          { ...original.sides[0], country: 'FRA' },
        ]);
        const { topContributors: _a, ...escalation } = original.escalation;
        const { topContributors: _b, ...swappedEscalation } = swapped.escalation;
        expect(swappedEscalation).toEqual(escalation);
        expect(swapped.relations).toBe(original.relations);
      }),
      { numRuns: 200 },
    );
  });

  it('never lowers the score at its instant when a conflict incident is added', () => {
    fc.assert(
      fc.property(stream, reportOf(ALWAYS_ACCEPTED_CONFLICT), (events, report) => {
        const { includesAmbassador: _notAlwaysAccepted, ...details } = report.details as ReportIncident['details'];
        const added = recordNext(events, toCommand({ ...report, details }, 1000));
        const before = events.map(scoredIncident);
        const incident = scoredIncident(added);
        expect(scoreAt([...before, incident], incident.atMs)).toBeGreaterThanOrEqual(scoreAt(before, incident.atMs));
      }),
      { numRuns: 200 },
    );
  });

  it('never raises the score at its instant when a cooperation incident is added', () => {
    fc.assert(
      fc.property(stream, reportOf(COOPERATION), (events, report) => {
        const added = recordNext(events, toCommand(report, 1000));
        const before = events.map(scoredIncident);
        const incident = scoredIncident(added);
        expect(scoreAt([...before, incident], incident.atMs)).toBeLessThanOrEqual(scoreAt(before, incident.atMs));
      }),
      { numRuns: 200 },
    );
  });

  it('only decays with no new incidents, to under 0.5 three years after the last one', () => {
    fc.assert(
      fc.property(
        stream,
        fc.integer({ min: 0, max: 365 * DAY_MS }),
        fc.integer({ min: 0, max: 365 * DAY_MS }),
        (events, wait, further) => {
          const scored: ScoredIncident[] = events.map(scoredIncident);
          const lastMs = Math.max(START_MS, ...scored.map((i) => i.atMs));
          const t1 = lastMs + wait;
          const t2 = t1 + further;
          // 1e-9 absorbs floating-point noise when conflict and cooperation cancel exactly.
          expect(scoreAt(scored, t2)).toBeLessThanOrEqual(scoreAt(scored, t1) + 1e-9);
          expect(scoreAt(scored, lastMs + 3 * 365 * DAY_MS)).toBeLessThan(0.5);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the score within [0, 100], now and 30 days earlier', () => {
    fc.assert(
      fc.property(stream, instant, (events, atMs) => {
        const escalation = escalationOf(events, atMs);
        for (const score of [escalation.score, escalation.trend.scoreThen, scoreAt(events.map(scoredIncident), atMs)]) {
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('generates streams that exercise the rules (guards the generator against producing only trivial cases)', () => {
    const samples = fc.sample(stream, { numRuns: 200, seed: 42 });
    const types = new Set(samples.flat().map((e) => e.type));
    expect([...types]).toEqual(expect.arrayContaining(['ReciprocalExpulsion', 'SanctionsEased', 'DiplomaticRelationsRestored', 'AmbassadorReturned']));
    expect(Math.max(...samples.map((s) => s.length))).toBeGreaterThanOrEqual(15);
  });
});
