import fc from 'fast-check';
import { cameoDetailsFor } from '../support/cameo-details.js';
import type { AmendmentEvent, IncidentData, IncidentDetails, IncidentEvent } from '../../src/domain/incident.js';
import { INCIDENT_TYPES, type IncidentType } from '../../src/domain/incident-types.js';
import { parseOccurrence } from '../../src/domain/occurrence.js';
import { timelineInstants } from '../../src/domain/timeline.js';
import { incidentsKnownAt, relationAsOf, relationTimeline, type RecordedRelationEvent } from './relation-history.js';
import { escalationAt } from './escalation.js';
import { inContext } from '../../src/domain/incident-effects.js';
import { RelationIndex, type IncidentColumns } from '../../src/domain/relation-index.js';
import { standingConditions } from '../../src/domain/standing-conditions.js';
import { describeRelation, scoredIncidents } from './relation-fold.js';
import { DAY_MS } from '../../src/domain/numbers.js';

/**
 * Time travel over one pair's stream: what was known when (knownAt), what had happened by when
 * (asOf), and the timeline that must agree with both.
 */

const ms = (iso: string) => Date.parse(iso);
const iso = (at: number) => new Date(at).toISOString();

const DETAILS: Partial<Record<IncidentType, IncidentDetails>> = {
  DiplomatsExpelled: { diplomats: 2 },
  ReciprocalExpulsion: { diplomats: 2 },
  MeetingBoycotted: { meeting: 'Regional summit' },
  SanctionsImposed: { scope: ['economic'] },
};

let sequence = 0;

function reported(type: IncidentType, occurredOn: string, recordedAt: string, data: Partial<IncidentData> = {}): IncidentEvent {
  sequence++;
  return {
    type,
    data: {
      incidentId: `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`,
      actor: 'AZE',
      target: 'FRA',
      occurredOn,
      precision: parseOccurrence(occurredOn).precision,
      summary: `${type} on ${occurredOn}`,
      sources: [{ publisher: 'Test wire' }],
      details: DETAILS[type] ?? cameoDetailsFor(type, sequence) ?? {},
      recordedAt,
      ...data,
    },
  };
}

function corrected(incident: IncidentEvent, changes: Partial<IncidentData>, recordedAt: string): AmendmentEvent {
  const withPrecision = changes.occurredOn ? { ...changes, precision: parseOccurrence(changes.occurredOn).precision } : changes;
  return { type: 'IncidentCorrected', data: { incidentId: incident.data.incidentId, changes: withPrecision, reason: 'better source', recordedAt } };
}

function retracted(incident: IncidentEvent, recordedAt: string): AmendmentEvent {
  return { type: 'IncidentRetracted', data: { incidentId: incident.data.incidentId, reason: 'hoax', recordedAt } };
}

/** The stream as the read model holds it: each event with the instant it was recorded. */
function log(...events: (IncidentEvent | AmendmentEvent)[]): RecordedRelationEvent[] {
  return events.map((event) => ({ event, recordedMs: ms(event.data.recordedAt) }));
}

const ids = (incidents: IncidentEvent[]) => incidents.map((incident) => incident.data.incidentId);

describe('incidentsKnownAt', () => {
  const summons = reported('AmbassadorSummoned', '2023-12-01', '2023-12-01T18:00:00Z');
  const expulsion = reported('DiplomatsExpelled', '2023-12-10', '2023-12-10T18:00:00Z');
  const accusation = reported('Accusation', '2023-12-12', '2023-12-12T18:00:00Z');
  const fix = corrected(expulsion, { occurredOn: '2023-12-08', details: { diplomats: 4 } }, '2023-12-20T09:00:00Z');
  const withdrawal = retracted(accusation, '2023-12-22T09:00:00Z');
  const stream = log(summons, expulsion, accusation, fix, withdrawal);

  it('keeps only what had been recorded by then, in the order it was reported', () => {
    expect(ids(incidentsKnownAt(stream, ms('2023-12-10T17:59:59.999Z')))).toEqual([summons.data.incidentId]);
    expect(ids(incidentsKnownAt(stream, ms('2023-12-12T18:00:00Z')))).toEqual(ids([summons, expulsion, accusation]));
  });

  it('shows the original report until the correction was recorded, and the corrected one from then on', () => {
    const before = incidentsKnownAt(stream, ms('2023-12-19T23:59:59Z')).find((i) => i.data.incidentId === expulsion.data.incidentId)!;
    const after = incidentsKnownAt(stream, ms('2023-12-20T09:00:00Z')).find((i) => i.data.incidentId === expulsion.data.incidentId)!;

    expect(before.data).toMatchObject({ occurredOn: '2023-12-10', precision: 'day', details: { diplomats: 2 } });
    expect(after.data).toMatchObject({ occurredOn: '2023-12-08', precision: 'day', details: { diplomats: 4 }, recordedAt: expulsion.data.recordedAt });
    expect(after.type).toBe('DiplomatsExpelled');
  });

  it('drops a retracted incident from the instant of the retraction on, while earlier knowledge keeps it', () => {
    expect(ids(incidentsKnownAt(stream, ms('2023-12-21T00:00:00Z')))).toContain(accusation.data.incidentId);
    expect(ids(incidentsKnownAt(stream, ms('2023-12-22T09:00:00Z')))).not.toContain(accusation.data.incidentId);
    expect(ids(incidentsKnownAt(stream))).toEqual(ids([summons, expulsion]));
  });
});

describe('relationAsOf', () => {
  it('counts only incidents that had occurred by then', () => {
    const incidents = [
      reported('Accusation', '2023-12-01', '2023-12-02T00:00:00Z'),
      reported('AmbassadorSummoned', '2023-12-10', '2023-12-11T00:00:00Z'),
      reported('DiplomatsExpelled', '2023-12-20', '2023-12-21T00:00:00Z'),
    ];

    const { state, scored } = relationAsOf('AZE', 'FRA', incidents, ms('2023-12-10T23:59:59.999Z'));

    expect(state.incidentCount).toBe(2);
    expect(state.countsByType).toEqual({ Accusation: 1, AmbassadorSummoned: 1 });
    expect(state.facts.expulsions).toEqual([]);
    expect(scored.map((s) => s.type)).toEqual(['Accusation', 'AmbassadorSummoned']);
  });

  it('counts a month-precision incident from the middle of its month, a year-precision one from the middle of its year', () => {
    // November has 30 days: its middle is 16 November 00:00 UTC. 2022 has 365: its middle is 2 July 12:00 UTC.
    const inNovember = reported('Accusation', '2023-11', '2023-12-05T00:00:00Z');
    const in2022 = reported('ThreatIssued', '2022', '2023-12-05T00:00:00Z');
    const count = (asOf: string) => relationAsOf('AZE', 'FRA', [inNovember, in2022], ms(asOf)).state.incidentCount;

    expect(count('2022-07-02T11:59:59.999Z')).toBe(0);
    expect(count('2022-07-02T12:00:00Z')).toBe(1);
    expect(count('2023-11-15T23:59:59.999Z')).toBe(1);
    expect(count('2023-11-16T00:00:00Z')).toBe(2);
  });

  it('counts an incident from the middle of the part of its period before it was recorded', () => {
    // Recorded on 5 December at 10:00: it happened between 1 December and then, so counts from 3 December 05:00.
    const earlyDecember = reported('Accusation', '2023-12', '2023-12-05T10:00:00Z');

    expect(relationAsOf('AZE', 'FRA', [earlyDecember], ms('2023-12-03T05:00:00Z')).state.incidentCount).toBe(1);
    expect(relationAsOf('AZE', 'FRA', [earlyDecember], ms('2023-12-03T04:59:59.999Z')).state.incidentCount).toBe(0);
  });

  it('counts an answer after the incident it answers, even when the middle of its month is earlier', () => {
    const expulsion = reported('DiplomatsExpelled', '2023-12-26', '2023-12-27T00:00:00Z');
    const answer = reported('ReciprocalExpulsion', '2023-12', '2024-01-05T00:00:00Z', { actor: 'FRA', target: 'AZE', inResponseTo: expulsion.data.incidentId });
    const before = relationAsOf('AZE', 'FRA', [expulsion, answer], ms('2023-12-28T23:59:59.999Z'));
    const after = relationAsOf('AZE', 'FRA', [expulsion, answer], ms('2023-12-29T06:00:00Z'));

    // The answer can only have happened between 26 December noon and the end of December: it counts from the 29th, 06:00.
    expect(before.state.incidentCount).toBe(1);
    expect(before.state.facts.expulsions.map((e) => e.incidentId)).toEqual([expulsion.data.incidentId]);
    expect(after.state.lastIncident?.incidentId).toBe(answer.data.incidentId);
    expect(after.state.facts.expulsions.find((e) => e.incidentId === answer.data.incidentId)?.atMs).toBe(ms('2023-12-29T06:00:00Z'));
  });

  it('folds a late report where it happened, not where it was reported', () => {
    const known = reported('DiplomatsExpelled', '2023-12-20', '2023-12-21T00:00:00Z');
    const late = reported('DiplomatsExpelled', '2023-11-15', '2023-12-27T00:00:00Z', { actor: 'FRA', target: 'AZE' });

    const now = relationAsOf('AZE', 'FRA', [known, late]);
    const beforeTheKnownOne = relationAsOf('AZE', 'FRA', [known, late], ms('2023-12-01T00:00:00Z'));

    expect(now.state.firstIncident?.incidentId).toBe(late.data.incidentId);
    expect(now.state.lastIncident?.incidentId).toBe(known.data.incidentId);
    expect(now.state.facts.expulsions.map((e) => e.by)).toEqual(['FRA', 'AZE']);
    expect(beforeTheKnownOne.state.incidentCount).toBe(1);
    expect(beforeTheKnownOne.state.facts.expulsions.map((e) => e.incidentId)).toEqual([late.data.incidentId]);
  });
});

const SPAN_START = ms('2023-01-01T00:00:00Z');
const SPAN_DAYS = 365;

/** Incidents of every type, in either direction, at every precision, reported up to 60 days late. */
const anIncident = fc
  .record({
    type: fc.constantFrom(...INCIDENT_TYPES),
    actorFirst: fc.boolean(),
    day: fc.integer({ min: 0, max: SPAN_DAYS - 1 }),
    precision: fc.constantFrom('day', 'month', 'year', 'instant'),
    minuteOfDay: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    reportedDaysLater: fc.integer({ min: 0, max: 60 }),
    diplomats: fc.integer({ min: 1, max: 40 }),
  })
  .map(({ type, actorFirst, day, precision, minuteOfDay, reportedDaysLater, diplomats }) => {
    const at = SPAN_START + day * DAY_MS;
    const date = iso(at);
    const occurredOn =
      precision === 'day' ? date.slice(0, 10)
      : precision === 'month' ? date.slice(0, 7)
      : precision === 'year' ? date.slice(0, 4)
      : iso(at + minuteOfDay * 60_000);
    const details = type === 'DiplomatsExpelled' || type === 'ReciprocalExpulsion' ? { diplomats } : (DETAILS[type] ?? cameoDetailsFor(type, day + minuteOfDay) ?? {});
    const [actor, target] = actorFirst ? ['AZE', 'FRA'] : ['FRA', 'AZE'];
    return reported(type, occurredOn, iso(at + reportedDaysLater * DAY_MS + DAY_MS), { actor, target, details });
  });

const instants = fc
  .uniqueArray(fc.integer({ min: SPAN_START - 30 * DAY_MS, max: SPAN_START + (SPAN_DAYS + 90) * DAY_MS }), { minLength: 1, maxLength: 40 })
  .map((points) => points.sort((x, y) => x - y));

/**
 * Causes to count after: each reciprocal expulsion answers the expulsion reported last before it,
 * each summons protests the incident reported just before it (chains included), if any.
 */
const withAnswers = (incidents: IncidentEvent[]): IncidentEvent[] =>
  incidents.map((incident, i) => {
    const cause =
      incident.type === 'ReciprocalExpulsion' ? incidents.slice(0, i).reverse().find((earlier) => earlier.type === 'DiplomatsExpelled')
      : incident.type === 'AmbassadorSummoned' ? incidents[i - 1]
      : undefined;
    return cause ? { ...incident, data: { ...incident.data, inResponseTo: cause.data.incidentId } } : incident;
  });

/** The incidents as a RelationIndex reads them. */
function columnsOf(incidents: IncidentEvent[]): IncidentColumns {
  const scored = scoredIncidents(incidents);
  return {
    length: incidents.length,
    atMs: (i) => scored[i].atMs,
    type: (i) => incidents[i].type,
    multiplier: (i) => scored[i].multiplier,
    goldstein: (i) => scored[i].goldstein,
    inContext: (i) => scored[i].context,
  };
}

function refOf(incidents: IncidentEvent[]) {
  const scored = scoredIncidents(incidents);
  return (i: number) => {
    const { incidentId, occurredOn } = incidents[i].data;
    return { incidentId, type: incidents[i].type, occurredOn, atMs: scored[i].atMs };
  };
}

/** What the index answers as of `atMs`, beside what the reference implementations compute from scratch. */
function bothAsOf(incidents: IncidentEvent[], index: RelationIndex, atMs: number) {
  const { state, scored } = relationAsOf('AZE', 'FRA', incidents, atMs);
  const reference = escalationAt(scored, atMs, state.pair);
  const indexed = index.escalationAt(atMs);
  return {
    state: { indexed: index.stateAsOf(atMs, refOf(incidents)), reference: state },
    escalation: { indexed, reference },
    conditions: {
      indexed: index.conditionsAt(atMs).map(({ description, tension }) => ({ description, tension: Math.round(tension * 100) / 100 })),
      reference: reference.conditions.map(({ description, tension }) => ({ description, tension })),
    },
    contributors: {
      indexed: index.topContributorsAt(atMs).map(({ index: i }) => incidents[i].data.incidentId),
      reference: reference.topContributors.map((c) => c.incidentId),
    },
  };
}

function expectSameEscalation({ indexed, reference }: ReturnType<typeof bothAsOf>['escalation']) {
  // Sums taken in another order differ in the last bits: equal up to one step of the rounding shown.
  expect(Math.abs(indexed.score - reference.score)).toBeLessThanOrEqual(0.1);
  expect(Math.abs(indexed.conflict - reference.conflict)).toBeLessThanOrEqual(0.1);
  expect(Math.abs(indexed.cooperation - reference.cooperation)).toBeLessThanOrEqual(0.1);
  expect(Math.abs(indexed.tension - reference.tension)).toBeLessThanOrEqual(0.01);
  expect(Math.abs(indexed.trend.change - reference.trend.change)).toBeLessThanOrEqual(0.2);
  if (Math.abs(reference.score - Math.round(reference.score / 10) * 10) > 0.1) expect(indexed.level).toBe(reference.level);
}

describe('RelationIndex', () => {
  it('gives, as of any instant, the state, score and top contributors relationAsOf and escalationAt compute from scratch', () => {
    fc.assert(
      fc.property(fc.array(anIncident, { maxLength: 300 }).map(withAnswers), instants, (incidents, points) => {
        const index = RelationIndex.build('AZE', 'FRA', columnsOf(incidents));

        for (const atMs of [...points, Infinity]) {
          const at = atMs === Infinity ? SPAN_START + 400 * DAY_MS : atMs;
          const both = bothAsOf(incidents, index, atMs === Infinity ? Infinity : at);
          expect(both.state.indexed).toEqual(both.state.reference);
          if (atMs !== Infinity) {
            expectSameEscalation(both.escalation);
            expect(both.conditions.indexed).toEqual(both.conditions.reference);
            expect(both.contributors.indexed).toEqual(both.contributors.reference);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('grows incident by incident to the same index as one built at once, and refuses an incident that happened earlier', () => {
    fc.assert(
      fc.property(fc.array(anIncident, { maxLength: 200 }).map(withAnswers), instants, (incidents, points) => {
        const scored = scoredIncidents(incidents);
        const inOrder = incidents.map((incident, i) => ({ incident, atMs: scored[i].atMs })).sort((x, y) => x.atMs - y.atMs).map(({ incident }) => incident);
        const columns = columnsOf(inOrder);
        const grown = RelationIndex.build('AZE', 'FRA', columns, 0);
        inOrder.forEach((_, i) => expect(grown.append(i)).toBe(true));
        const built = RelationIndex.build('AZE', 'FRA', columns);

        for (const atMs of points) {
          expect(grown.stateAsOf(atMs, refOf(inOrder))).toEqual(built.stateAsOf(atMs, refOf(inOrder)));
          expect(grown.escalationAt(atMs)).toEqual(built.escalationAt(atMs));
          expect(grown.topContributorsAt(atMs)).toEqual(built.topContributorsAt(atMs));
        }
      }),
      { numRuns: 100 },
    );
    const late = [reported('Accusation', '2023-12-10', '2023-12-11T00:00:00Z'), reported('Accusation', '2023-12-01', '2023-12-11T00:00:00Z')];
    const index = RelationIndex.build('AZE', 'FRA', columnsOf(late), 1);
    expect(index.append(1)).toBe(false);
  });

  it('describes the conditions of an instant asked again, as incidents are appended, as it describes them from scratch', () => {
    fc.assert(
      fc.property(fc.array(anIncident, { maxLength: 120 }).map(withAnswers), instants, (incidents, points) => {
        const scored = scoredIncidents(incidents);
        const inOrder = incidents.map((incident, i) => ({ incident, atMs: scored[i].atMs })).sort((x, y) => x.atMs - y.atMs).map(({ incident }) => incident);
        const grown = RelationIndex.build('AZE', 'FRA', columnsOf(inOrder), 0);
        const atMs = points[points.length - 1] ?? SPAN_START + 200 * DAY_MS;
        inOrder.forEach((_, i) => {
          expect(grown.append(i)).toBe(true);
          // The same instant asked twice, then again after the next incident: what a page asks, and what a new report does to it.
          expect(grown.conditionsAt(atMs)).toEqual(standingConditions(grown.factsAsOf(atMs), ['AZE', 'FRA'], atMs));
          expect(grown.conditionsAt(atMs)).toEqual(standingConditions(grown.factsAsOf(atMs), ['AZE', 'FRA'], atMs));
        });
        for (const at of points) expect(grown.conditionsAt(at)).toEqual(standingConditions(grown.factsAsOf(at), ['AZE', 'FRA'], at));
      }),
      { numRuns: 100 },
    );
  });

  it('names the first incident still to come after any instant (until then a ranking of that instant holds): Infinity when none is', () => {
    fc.assert(
      fc.property(fc.array(anIncident, { maxLength: 100 }).map(withAnswers), instants, (incidents, points) => {
        const index = RelationIndex.build('AZE', 'FRA', columnsOf(incidents));
        const counted = scoredIncidents(incidents).map(({ atMs }) => atMs);
        for (const atMs of points) {
          const toCome = counted.filter((at) => at > atMs);
          expect(index.nextAfter(atMs)).toBe(toCome.length > 0 ? Math.min(...toCome) : Infinity);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('picks the heaviest arrivals of a span as sorting them by weight would, in occurrence order', () => {
    fc.assert(
      fc.property(fc.array(anIncident, { maxLength: 120 }).map(withAnswers), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 6 }), (incidents, x, y, most) => {
        const index = RelationIndex.build('AZE', 'FRA', columnsOf(incidents));
        const scored = scoredIncidents(incidents);
        const [from, to] = [x % (index.size + 1), y % (index.size + 1)].sort((p, q) => p - q);
        const arrivals = index.sortedBetween(from, to);
        const weightOf = (i: number) => Math.abs(scored[i].goldstein) * scored[i].multiplier;
        const expected = arrivals
          .map((incident, order) => ({ incident, order }))
          .sort((p, q) => weightOf(q.incident) - weightOf(p.incident) || p.order - q.order)
          .slice(0, most)
          .sort((p, q) => p.order - q.order)
          .map(({ incident }) => incident);
        expect(index.heaviestBetween(from, to, most)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('scores a series of instants in one pass as it scores each instant alone (a daily year, checkpoints crossed)', () => {
    const daily = Array.from({ length: SPAN_DAYS + 120 }, (_, day) => SPAN_START - 30 * DAY_MS + day * DAY_MS);
    fc.assert(
      fc.property(fc.array(anIncident, { maxLength: 300 }).map(withAnswers), instants, (incidents, points) => {
        const index = RelationIndex.build('AZE', 'FRA', columnsOf(incidents));
        for (const series of [points, daily]) {
          const together = index.scoresAt(series);
          const alone = series.map((atMs) => index.scoreAt(atMs));
          // The carried pressure is decayed step by step, the one-off one from its checkpoint: the last bits differ.
          together.forEach((point, i) => {
            expect(Math.abs(point.score - alone[i].score)).toBeLessThanOrEqual(0.1);
            if (point.score === alone[i].score) expect(point.level).toBe(alone[i].level);
          });
          expect(together.filter((point, i) => point.score !== alone[i].score).length).toBeLessThanOrEqual(Math.ceil(series.length / 100));
          // A sparkline's scores alone are exactly those of the points.
          expect(index.shownScoresAt(series)).toEqual(together.map((point) => point.score));
        }
        // Out of order, each instant is scored on its own.
        const shuffled = [...points].reverse();
        expect(index.scoresAt(shuffled)).toEqual(shuffled.map((atMs) => index.scoreAt(atMs)));
        expect(index.shownScoresAt(shuffled)).toEqual(shuffled.map((atMs) => index.scoreAt(atMs).score));
      }),
      { numRuns: 40 },
    );
  });

  it('folds the incidents between checkpoints: as of each incident in turn, the count grows by one', () => {
    const daily = Array.from({ length: 200 }, (_, i) => reported('Accusation', iso(SPAN_START + i * DAY_MS).slice(0, 10), iso(SPAN_START + (i + 1) * DAY_MS)));
    const index = RelationIndex.build('AZE', 'FRA', columnsOf(daily));

    const counts = daily.map((_, i) => index.stateAsOf(SPAN_START + i * DAY_MS + DAY_MS / 2, refOf(daily)).incidentCount);

    expect(counts).toEqual(daily.map((_, i) => i + 1));
    expect(index.stateAsOf(SPAN_START - 1, refOf(daily)).incidentCount).toBe(0);
  });
});

describe('relationTimeline', () => {
  it('scores every point as the direct as-of computation does (the one-pass timeline and relationAsOf agree)', () => {
    fc.assert(
      fc.property(fc.array(anIncident, { maxLength: 40 }), instants, (incidents, points) => {
        const timeline = relationTimeline(incidents, points);

        expect(timeline.map((point) => point.atMs)).toEqual(points);
        for (const point of timeline) {
          const { state, scored } = relationAsOf('AZE', 'FRA', incidents, point.atMs);
          const direct = describeRelation(state, scored, point.atMs, iso(point.atMs)).escalation;
          expect({ at: iso(point.atMs), score: point.score, level: point.level }).toEqual({ at: iso(point.atMs), score: direct.score, level: direct.level });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lists each incident once, at the first point at or after its reference instant', () => {
    const first = reported('Accusation', '2023-12-01', '2023-12-02T00:00:00Z');
    const second = reported('AmbassadorSummoned', '2023-12-03', '2023-12-04T00:00:00Z');
    const third = reported('ThreatIssued', '2023-12-03', '2023-12-04T00:00:00Z');
    const points = [ms('2023-11-30T00:00:00Z'), ms('2023-12-02T00:00:00Z'), ms('2023-12-03T12:00:00Z'), ms('2023-12-10T00:00:00Z')];

    const timeline = relationTimeline([third, first, second], points);

    expect(timeline.map((point) => ids(point.incidents))).toEqual([[], ids([first]), ids([third, second]), []]);
    expect(timeline[0]).toMatchObject({ score: 0, level: 'calm' });
    expect(timeline[3].score).toBeLessThan(timeline[2].score);
  });
});

describe('timelineInstants', () => {
  const points = (from: string, to: string, interval: 'day' | 'week' | 'month', max = 2_000) => {
    const instants = timelineInstants(ms(from), ms(to), interval, max);
    return instants === 'too many' ? instants : instants.map(iso);
  };

  it('steps by days and weeks from the first instant up to the last', () => {
    expect(points('2023-12-01T00:00:00Z', '2023-12-04T23:59:59.999Z', 'day')).toEqual([
      '2023-12-01T00:00:00.000Z',
      '2023-12-02T00:00:00.000Z',
      '2023-12-03T00:00:00.000Z',
      '2023-12-04T00:00:00.000Z',
    ]);
    expect(points('2023-12-01T00:00:00Z', '2023-12-31T23:59:59.999Z', 'week')).toEqual([
      '2023-12-01T00:00:00.000Z',
      '2023-12-08T00:00:00.000Z',
      '2023-12-15T00:00:00.000Z',
      '2023-12-22T00:00:00.000Z',
      '2023-12-29T00:00:00.000Z',
    ]);
  });

  it('steps by calendar months, clamping the day to each month’s length instead of spilling into the next', () => {
    expect(points('2024-01-31T00:00:00Z', '2024-06-30T23:59:59.999Z', 'month')).toEqual([
      '2024-01-31T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2024-03-31T00:00:00.000Z',
      '2024-04-30T00:00:00.000Z',
      '2024-05-31T00:00:00.000Z',
      '2024-06-30T00:00:00.000Z',
    ]);
    expect(points('2022-11-30T00:00:00Z', '2023-03-01T00:00:00Z', 'month')).toEqual([
      '2022-11-30T00:00:00.000Z',
      '2022-12-30T00:00:00.000Z',
      '2023-01-30T00:00:00.000Z',
      '2023-02-28T00:00:00.000Z',
    ]);
  });

  it('keeps the time of day, to the millisecond, when stepping by months', () => {
    expect(points('2023-01-15T10:30:45.500Z', '2023-03-31T00:00:00Z', 'month')).toEqual([
      '2023-01-15T10:30:45.500Z',
      '2023-02-15T10:30:45.500Z',
      '2023-03-15T10:30:45.500Z',
    ]);
  });

  it('gives up beyond the maximum number of points, but not at it', () => {
    expect(points('2023-01-01T00:00:00Z', '2023-01-10T00:00:00Z', 'day', 10)).toHaveLength(10);
    expect(points('2023-01-01T00:00:00Z', '2023-01-11T00:00:00Z', 'day', 10)).toBe('too many');
  });

  it('has no points when the range is empty', () => {
    expect(points('2023-01-02T00:00:00Z', '2023-01-01T00:00:00Z', 'day')).toEqual([]);
  });
});
