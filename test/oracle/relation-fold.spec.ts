import fc from 'fast-check';
import type { IncidentEvent } from '../../src/domain/incident.js';
import type { IncidentType } from '../../src/domain/incident-types.js';
import { ambassadorOf, relationsStatus, unansweredExpulsions, type RelationFacts } from '../../src/domain/relation-facts.js';
import { scoredIncident } from '../../src/domain/relation-view.js';
import { describeRelation, foldRelation, relationStateProjection } from './relation-fold.js';
import { aReport, incidentId, record, stateAfter } from '../domain/decider-harness.js';
import { factsOf } from '../../src/domain/relation.decider.js';

const at = (iso: string) => Date.parse(iso);
const noon = (day: string) => at(`${day}T12:00:00.000Z`);

const id = incidentId;
const AZE_FRA = { actor: 'AZE', target: 'FRA' };
const FRA_AZE = { actor: 'FRA', target: 'AZE' };

/**
 * A winter of incidents between Azerbaijan and France, in the order Demarche learned of them. A
 * year-old accusation is reported late, and May's talks are reported before April's returns.
 */
const story = record([
  aReport('PublicCondemnation', { incidentId: id(1), ...FRA_AZE, occurredOn: '2024-01-10' }),
  aReport('AmbassadorSummoned', { incidentId: id(2), ...AZE_FRA, occurredOn: '2024-01-12' }),
  aReport('DiplomatsExpelled', { incidentId: id(3), ...AZE_FRA, occurredOn: '2024-01-15', details: { diplomats: 2 } }),
  // Within 30 days of id(3): recorded as FRA's reciprocal expulsion answering it.
  aReport('DiplomatsExpelled', { incidentId: id(4), ...FRA_AZE, occurredOn: '2024-01-20', details: { diplomats: 2 } }),
  aReport('DiplomatsExpelled', { incidentId: id(5), ...FRA_AZE, occurredOn: '2024-02-01', details: { diplomats: 3 } }),
  aReport('SanctionsImposed', { incidentId: id(6), ...FRA_AZE, occurredOn: '2024-02-05', details: { scope: ['economic', 'travel'] } }),
  aReport('AmbassadorRecalled', { incidentId: id(7), ...FRA_AZE, occurredOn: '2024-02-10' }),
  aReport('SanctionsEased', { incidentId: id(8), ...FRA_AZE, occurredOn: '2024-02-20', details: { scope: ['travel'] } }),
  aReport('SanctionsImposed', { incidentId: id(9), ...AZE_FRA, occurredOn: '2024-02-22', details: { scope: ['trade'] } }),
  aReport('DiplomaticRelationsSevered', { incidentId: id(10), ...AZE_FRA, occurredOn: '2024-03-01' }),
  aReport('Accusation', { incidentId: id(11), ...AZE_FRA, occurredOn: '2023' }),
  aReport('DiplomaticRelationsRestored', { incidentId: id(12), ...AZE_FRA, occurredOn: '2024-04-01' }),
  aReport('TalksHeld', { incidentId: id(13), ...AZE_FRA, occurredOn: '2024-05' }),
  aReport('AmbassadorReturned', { incidentId: id(14), ...AZE_FRA, occurredOn: '2024-04-10' }),
  aReport('AmbassadorReturned', { incidentId: id(15), ...FRA_AZE, occurredOn: '2024-04-15' }),
]);

describe('relation-state projection', () => {
  it('starts empty for a pair, whichever way round it is named', () => {
    expect(relationStateProjection.initialState('FRA', 'AZE')).toEqual({
      pair: ['AZE', 'FRA'],
      facts: { severed: false, downgraded: false, hostilities: false, ambassadors: {}, expulsions: [], sanctions: {}, since: {} },
      countsByType: {},
      firstIncident: null,
      lastIncident: null,
      incidentCount: 0,
    });
  });

  it('folds a winter of incidents into counts, first and last by occurrence, expulsions and sanctions in force', () => {
    expect(story).toHaveLength(15);
    expect(foldRelation('AZE', 'FRA', story)).toEqual({
      pair: ['AZE', 'FRA'],
      facts: {
        severed: false,
        ambassadors: { AZE: 'in_post', FRA: 'in_post' },
        expulsions: [
          { incidentId: id(3), by: 'AZE', of: 'FRA', diplomats: 2, atMs: noon('2024-01-15') },
          { incidentId: id(4), by: 'FRA', of: 'AZE', diplomats: 2, atMs: noon('2024-01-20'), answers: id(3) },
          { incidentId: id(5), by: 'FRA', of: 'AZE', diplomats: 3, atMs: noon('2024-02-01') },
        ],
        sanctions: { FRA: ['economic'], AZE: ['trade'] },
        downgraded: false,
        hostilities: false,
        // What still stands, since when and begun by which incident: the relations and ambassadors were restored.
        since: {
          'sanction:FRA:economic': { atMs: noon('2024-02-05'), incidentId: id(6), by: 'FRA' },
          'sanction:AZE:trade': { atMs: noon('2024-02-22'), incidentId: id(9), by: 'AZE' },
        },
      },
      countsByType: {
        PublicCondemnation: 1,
        AmbassadorSummoned: 1,
        DiplomatsExpelled: 2,
        ReciprocalExpulsion: 1,
        SanctionsImposed: 2,
        AmbassadorRecalled: 1,
        SanctionsEased: 1,
        DiplomaticRelationsSevered: 1,
        Accusation: 1,
        DiplomaticRelationsRestored: 1,
        TalksHeld: 1,
        AmbassadorReturned: 2,
      },
      // The accusation was reported last but happened in 2023 (reference instant: the middle of the year).
      firstIncident: { incidentId: id(11), type: 'Accusation', occurredOn: '2023', atMs: at('2023-07-02T12:00:00Z') },
      // The talks were reported before the returns but happened after them (the middle of May).
      lastIncident: { incidentId: id(13), type: 'TalksHeld', occurredOn: '2024-05', atMs: at('2024-05-16T12:00:00Z') },
      incidentCount: 15,
    });
  });

  it('moves relations normal → downgraded → severed → downgraded → normal as ambassadors leave and return', () => {
    const relationsAfter = (count: number) =>
      describeRelation(foldRelation('AZE', 'FRA', story.slice(0, count)), [], at('2024-06-01T00:00:00Z'), '2024-06-01T00:00:00.000Z').relations;
    const ambassadorsAfter = (count: number) => foldRelation('AZE', 'FRA', story.slice(0, count)).facts.ambassadors;

    expect(relationsAfter(0)).toBe('normal');
    expect(relationsAfter(6)).toBe('normal');
    expect(relationsAfter(7)).toBe('downgraded'); // FRA recalls its ambassador
    expect(relationsAfter(10)).toBe('severed');
    expect(ambassadorsAfter(10)).toEqual({ AZE: 'recalled', FRA: 'recalled' });
    expect(relationsAfter(12)).toBe('downgraded'); // restored, but both ambassadors are still away
    expect(relationsAfter(14)).toBe('downgraded'); // AZE's is back, FRA's is not
    expect(relationsAfter(15)).toBe('normal');
  });

  it('counts a reported DiplomatsExpelled under the type it was recorded as', () => {
    const [answered] = story.filter((event) => event.data.incidentId === id(4));
    expect(answered.type).toBe('ReciprocalExpulsion');
    expect(foldRelation('AZE', 'FRA', story.slice(0, 4)).countsByType).toEqual({
      PublicCondemnation: 1,
      AmbassadorSummoned: 1,
      DiplomatsExpelled: 1,
      ReciprocalExpulsion: 1,
    });
  });

  it('describes what each side has done to the other, the relation status, and the incidents without their instants', () => {
    const view = describeRelation(
      foldRelation('AZE', 'FRA', story),
      story.map(scoredIncident),
      at('2024-06-01T00:00:00Z'),
      '2024-06-01T00:00:00.000Z',
    );
    expect(view).toEqual({
      pair: ['AZE', 'FRA'],
      at: '2024-06-01T00:00:00.000Z',
      escalation: {
        score: expect.any(Number),
        level: expect.any(String),
        conflict: expect.any(Number),
        cooperation: expect.any(Number),
        pressure: expect.any(Number),
        tension: expect.any(Number),
        momentum: expect.any(Number),
        trend: { direction: expect.any(String), change: expect.any(Number), windowDays: 30, scoreThen: expect.any(Number) },
        conditions: expect.any(Array),
        topContributors: expect.any(Array),
        otherIncidentsPoints: expect.any(Number),
      },
      relations: 'normal',
      sides: [
        { country: 'AZE', ambassador: 'in_post', diplomatsExpelled: 2, expulsions: 1, unansweredExpulsions: 0, sanctionsInForce: ['trade'] },
        // FRA's reciprocal expulsion id(4) closed the first exchange; its own expulsion id(5) awaits AZE's answer.
        { country: 'FRA', ambassador: 'in_post', diplomatsExpelled: 5, expulsions: 2, unansweredExpulsions: 1, sanctionsInForce: ['economic'] },
      ],
      countsByType: foldRelation('AZE', 'FRA', story).countsByType,
      // Each with the day it counts from: the year's middle, the middle of May (both recorded on 1 June 2024).
      firstIncident: { incidentId: id(11), type: 'Accusation', occurredOn: '2023', countsFrom: '2023-07-02' },
      lastIncident: { incidentId: id(13), type: 'TalksHeld', occurredOn: '2024-05', countsFrom: '2024-05-16' },
      incidentCount: 15,
    });
    expect(view.escalation.topContributors.length).toBeGreaterThan(0);
    // Still standing on 1 June: sanctions both ways and FRA's unanswered expulsion of 1 February.
    expect(view.escalation.conditions.map((c) => c.description)).toEqual([
      "Azerbaijan's trade sanctions on France in force since 22 Feb 2024",
      "France's economic sanctions on Azerbaijan in force since 5 Feb 2024",
      "France's expulsion of 3 diplomats of Azerbaijan on 1 Feb 2024, not answered yet",
    ]);
  });

  it('describes a pair in the middle of the winter: FRA’s ambassador recalled, sanctions both ways, FRA’s last expulsion unanswered', () => {
    const sofar = story.slice(0, 9);
    const view = describeRelation(foldRelation('FRA', 'AZE', sofar), sofar.map(scoredIncident), noon('2024-02-22'), '2024-02-22T12:00:00.000Z');
    expect({ relations: view.relations, sides: view.sides, incidentCount: view.incidentCount }).toEqual({
      relations: 'downgraded',
      sides: [
        { country: 'AZE', ambassador: 'in_post', diplomatsExpelled: 2, expulsions: 1, unansweredExpulsions: 0, sanctionsInForce: ['trade'] },
        { country: 'FRA', ambassador: 'recalled', diplomatsExpelled: 5, expulsions: 2, unansweredExpulsions: 1, sanctionsInForce: ['economic'] },
      ],
      incidentCount: 9,
    });
  });

  it('describes an empty relation as calm and normal with nothing to count', () => {
    expect(describeRelation(relationStateProjection.initialState('FRA', 'AZE'), [], at('2024-06-01T00:00:00Z'), '2024-06-01T00:00:00.000Z')).toEqual({
      pair: ['AZE', 'FRA'],
      at: '2024-06-01T00:00:00.000Z',
      escalation: {
        score: 0,
        level: 'calm',
        conflict: 0,
        cooperation: 0,
        pressure: 0,
        tension: 0,
        momentum: 0,
        trend: { direction: 'unchanged', change: 0, windowDays: 30, scoreThen: 0 },
        conditions: [],
        topContributors: [],
        otherIncidentsPoints: 0,
      },
      relations: 'normal',
      sides: [
        { country: 'AZE', ambassador: 'in_post', diplomatsExpelled: 0, expulsions: 0, unansweredExpulsions: 0, sanctionsInForce: [] },
        { country: 'FRA', ambassador: 'in_post', diplomatsExpelled: 0, expulsions: 0, unansweredExpulsions: 0, sanctionsInForce: [] },
      ],
      countsByType: {},
      firstIncident: null,
      lastIncident: null,
      incidentCount: 0,
    });
  });

  it('gives the same state and view for the pair named AZE,FRA or FRA,AZE', () => {
    const atMs = at('2024-03-15T00:00:00Z');
    expect(foldRelation('FRA', 'AZE', story)).toEqual(foldRelation('AZE', 'FRA', story));
    expect(describeRelation(foldRelation('FRA', 'AZE', story), story.map(scoredIncident), atMs, '2024-03-15T00:00:00.000Z')).toEqual(
      describeRelation(foldRelation('AZE', 'FRA', story), story.map(scoredIncident), atMs, '2024-03-15T00:00:00.000Z'),
    );
  });

  it('folds in occurrence order, so a late-reported expulsion still lands before the answer that came in first', () => {
    // The answer was reported (and appended) before the expulsion it answers was backfilled.
    const expulsion: IncidentEvent = record([aReport('DiplomatsExpelled', { incidentId: id(1), ...AZE_FRA, occurredOn: '2024-01-15' })])[0];
    const answer = record([
      aReport('DiplomatsExpelled', { incidentId: id(1), ...AZE_FRA, occurredOn: '2024-01-15' }),
      aReport('ReciprocalExpulsion', { incidentId: id(2), ...FRA_AZE, occurredOn: '2024-01-16' }),
    ])[1];
    const state = foldRelation('AZE', 'FRA', [answer, expulsion]);
    expect(state.facts.expulsions.map((e) => e.incidentId)).toEqual([id(1), id(2)]);
    expect(state.firstIncident?.incidentId).toBe(id(1));
    expect(state.lastIncident?.incidentId).toBe(id(2));
  });

  it('shows the state the rules are checked against, also when incidents are reported out of order', () => {
    // What a user reads (ambassadors, relations, sanctions, unanswered expulsions) must be what the
    // decider enforces next: otherwise the view says "recalled" while a return is refused as
    // "neither recalled nor expelled".
    const STATEFUL: IncidentType[] = [
      'AmbassadorRecalled', 'AmbassadorReturned', 'DiplomaticRelationsSevered', 'DiplomaticRelationsRestored',
      'SanctionsImposed', 'SanctionsEased', 'DiplomatsExpelled', 'ReciprocalExpulsion',
      'DiplomaticRelationsDowngraded', 'MilitaryOffensive', 'CeasefireDeclared', 'AgreementSigned',
    ];
    const readable = (facts: RelationFacts) => ({
      relations: relationsStatus(facts),
      ambassadors: { AZE: ambassadorOf(facts, 'AZE'), FRA: ambassadorOf(facts, 'FRA') },
      sanctions: { AZE: [...(facts.sanctions.AZE ?? [])].sort(), FRA: [...(facts.sanctions.FRA ?? [])].sort() },
      unanswered: { AZE: unansweredExpulsions(facts, 'AZE', 'FRA').length, FRA: unansweredExpulsions(facts, 'FRA', 'AZE').length },
      hostilities: facts.hostilities,
      standing: Object.keys(facts.since).sort(),
    });
    const report = fc.record({ type: fc.constantFrom(...STATEFUL), azeActs: fc.boolean(), day: fc.integer({ min: 1, max: 28 }) });
    fc.assert(
      fc.property(fc.array(report, { maxLength: 8 }), (reports) => {
        const events = record(
          reports.map(({ type, azeActs, day }, n) =>
            aReport(type, {
              incidentId: id(n + 1),
              ...(azeActs ? AZE_FRA : FRA_AZE),
              occurredOn: `2024-03-${String(day).padStart(2, '0')}`,
              details: type === 'SanctionsImposed' ? { scope: ['economic'] } : type.includes('Expul') ? { diplomats: 1 } : {},
            }),
          ),
          { skipRejected: true },
        );
        expect(readable(foldRelation('AZE', 'FRA', events).facts)).toEqual(readable(factsOf(stateAfter(events))));
      }),
      { numRuns: 300 },
    );
  });
});
