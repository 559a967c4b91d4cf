import fc from 'fast-check';
import { cameoDetailsFor } from '../support/cameo-details.js';
import type { AmendmentEvent, IncidentData, IncidentEvent, RelationEvent } from '../../src/domain/incident.js';
import { INCIDENT_TYPES, type IncidentType } from '../../src/domain/incident-types.js';
import { DAY_MS } from '../../src/domain/numbers.js';
import { parseOccurrence } from '../../src/domain/occurrence.js';
import type { RelationView } from '../../src/domain/relation-view.js';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { RelationsReadModel, type Perspective } from '../../src/projections/relations.read-model.js';
import { describeRelation } from '../oracle/relation-fold.js';
import { evidenceOf, standingsKnownAt } from '../oracle/evidence.js';
import { PROVENANCES, type EvidenceFilter } from '../../src/domain/evidence-weight.js';
import { incidentsKnownAt, relationAsOf, relationTimeline, type RecordedRelationEvent } from '../oracle/relation-history.js';
import { timelineInstants, type TimelineInterval } from '../../src/domain/timeline.js';

/**
 * The engine the server runs (RelationsReadModel: columns, beliefs, RelationIndex) held to the
 * plain reference folds of test/oracle on random streams of reports, imports, late reports, answers,
 * corrections, retractions, corroborations and confirmations, unfiltered or filtered by evidence: the same view (state, score, level, top contributors) and the same
 * timeline, as of and known at random instants.
 */

const SPAN_START = Date.UTC(2023, 0, 1);
const STREAM = 'relation-AZE-FRA';
const iso = (at: number) => new Date(at).toISOString();
const DETAILS: Partial<Record<IncidentType, IncidentData['details']>> = {
  SanctionsImposed: { scope: ['economic'] },
};

/** Publishers of imports and corroborations: a few, some written two ways, so sources repeat. */
const PUBLISHERS = [{ url: 'https://edition.cnn.com/a' }, { url: 'https://money.cnn.com/b' }, { publisher: 'Reuters' }, { publisher: 'AFP' }, { url: 'https://www.bbc.co.uk/c' }, { publisher: 'Test wire' }, {}];

/** One step of a pair's history; each is recorded a day after the one before. */
type Step =
  | { kind: 'report' | 'import'; type: IncidentType; actorFirst: boolean; daysBefore: number; precision: 'day' | 'month' | 'year' | 'instant'; diplomats: number; publisher: number }
  | { kind: 'correct'; target: number; daysBefore?: number; diplomats?: number }
  | { kind: 'retract'; target: number }
  | { kind: 'corroborate'; target: number; publisher: number }
  | { kind: 'confirm'; target: number; publisher?: number };

const aReport: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom('report' as const, 'report' as const, 'import' as const),
  publisher: fc.nat({ max: PUBLISHERS.length - 1 }),
  type: fc.constantFrom(...INCIDENT_TYPES),
  actorFirst: fc.boolean(),
  daysBefore: fc.integer({ min: 0, max: 90 }),
  precision: fc.constantFrom('day' as const, 'month' as const, 'year' as const, 'instant' as const),
  diplomats: fc.integer({ min: 1, max: 40 }),
});
const aStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: aReport },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('correct' as const), target: fc.nat(), daysBefore: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }), diplomats: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retract' as const), target: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('corroborate' as const), target: fc.nat(), publisher: fc.nat({ max: PUBLISHERS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('confirm' as const), target: fc.nat(), publisher: fc.option(fc.nat({ max: PUBLISHERS.length - 1 }), { nil: undefined }) }) },
);
/** A pair's history: it begins with a report (a pair without one is not a pair). */
const aHistory = fc.tuple(aReport, fc.array(aStep, { maxLength: 120 })).map(([first, rest]) => [first, ...rest]);

function occurredOn(at: number, precision: string): string {
  const date = iso(at);
  return precision === 'day' ? date.slice(0, 10) : precision === 'month' ? date.slice(0, 7) : precision === 'year' ? date.slice(0, 4) : date;
}

/** The steps as a pair's stream; answers answer the expulsion (or, for a summons, the incident) reported before them. */
function streamOf(steps: Step[]): RelationEvent[] {
  const events: RelationEvent[] = [];
  const reports: IncidentEvent[] = [];
  steps.forEach((step, n) => {
    const recordedMs = SPAN_START + n * DAY_MS + 8 * 3_600_000;
    const recordedAt = iso(recordedMs);
    if (step.kind === 'report' || step.kind === 'import') {
      const date = occurredOn(recordedMs - step.daysBefore * DAY_MS, step.precision);
      const [actor, target] = step.actorFirst ? ['AZE', 'FRA'] : ['FRA', 'AZE'];
      const cause =
        step.type === 'ReciprocalExpulsion' ? [...reports].reverse().find((earlier) => earlier.type === 'DiplomatsExpelled')
        : step.type === 'AmbassadorSummoned' ? reports.at(-1)
        : undefined;
      const details = step.type === 'DiplomatsExpelled' || step.type === 'ReciprocalExpulsion' ? { diplomats: step.diplomats } : (DETAILS[step.type] ?? cameoDetailsFor(step.type, step.daysBefore) ?? {});
      const report: IncidentEvent = {
        type: step.type,
        data: {
          incidentId: `00000000-0000-4000-8000-${(n + 1).toString(16).padStart(12, '0')}`,
          actor,
          target,
          occurredOn: date,
          precision: parseOccurrence(date).precision,
          summary: `${step.type} on ${date}`,
          sources: step.kind === 'import' ? [PUBLISHERS[step.publisher]] : [{ publisher: 'Test wire' }, PUBLISHERS[step.publisher]],
          details,
          ...(cause ? { inResponseTo: cause.data.incidentId } : {}),
          recordedAt,
          ...(step.kind === 'import' ? { provenance: { dataset: 'gdelt2', row: String(n), line: n + 1 } } : {}),
        } as IncidentData,
      };
      reports.push(report);
      events.push(report);
      return;
    }
    if (reports.length === 0 || !('target' in step)) return;
    const { data, type } = reports[step.target % reports.length];
    if (step.kind === 'corroborate') {
      const provenance = { dataset: 'icews', row: `row-${n}`, line: n + 1 };
      events.push({ type: 'IncidentCorroborated', data: { incidentId: data.incidentId, source: PUBLISHERS[step.publisher], provenance, recordedAt } });
      return;
    }
    if (step.kind === 'confirm') {
      // The decider confirms only imports, once (the read model is fed streams the decider would accept).
      const imported = reports.filter((report) => report.data.provenance && !events.some((e) => e.type === 'IncidentConfirmed' && e.data.incidentId === report.data.incidentId));
      if (imported.length === 0) return;
      const source = step.publisher === undefined ? {} : { source: PUBLISHERS[step.publisher] };
      events.push({ type: 'IncidentConfirmed', data: { incidentId: imported[step.target % imported.length].data.incidentId, note: 'checked', ...source, recordedAt } });
      return;
    }
    if (step.kind === 'retract') {
      events.push({ type: 'IncidentRetracted', data: { incidentId: data.incidentId, reason: 'hoax', recordedAt } });
      return;
    }
    const changes: Extract<AmendmentEvent, { type: 'IncidentCorrected' }>['data']['changes'] = { summary: `corrected on day ${n}` };
    if (step.daysBefore !== undefined) {
      changes.occurredOn = occurredOn(recordedMs - step.daysBefore * DAY_MS, 'day');
      changes.precision = 'day';
    }
    if (step.diplomats !== undefined && (type === 'DiplomatsExpelled' || type === 'ReciprocalExpulsion')) changes.details = { diplomats: step.diplomats };
    events.push({ type: 'IncidentCorrected', data: { incidentId: data.incidentId, changes, reason: 'better source', recordedAt } });
  });
  return events;
}

/** A model fed the stream, reading its documents back from the stream itself. */
function engineOf(events: RelationEvent[]): RelationsReadModel {
  const stored: StoredEvent[] = events.map((event, revision) => ({
    eventId: `event-${revision}`,
    type: event.type,
    streamId: STREAM,
    revision,
    position: String(revision + 1),
    data: event.data as unknown as StoredEvent['data'],
    metadata: {},
  }));
  const model = new RelationsReadModel(
    (a, b) => Number(a) - Number(b),
    async (streamId, revision, count) => (streamId === STREAM ? stored.slice(revision, revision + count) : []),
  );
  for (const event of stored) model.apply(event);
  return model;
}

function oracleView(events: RelationEvent[], perspective: Perspective): RelationView {
  const recorded: RecordedRelationEvent[] = events.map((event) => ({ event, recordedMs: Date.parse(event.data.recordedAt) }));
  const stateAt = perspective.asOfMs === undefined && perspective.knownAtMs === undefined ? Infinity : perspective.atMs;
  const evidence = evidenceOf(standingsKnownAt(recorded, perspective.knownAtMs), perspective.evidence);
  const { state, scored } = relationAsOf('AZE', 'FRA', incidentsKnownAt(recorded, perspective.knownAtMs), stateAt, evidence);
  return describeRelation(state, scored, perspective.atMs, perspective.atIso);
}

/** Equal but for the escalation's sums, which may differ in the last bits (summed in another order). */
function expectSameView(actual: RelationView | undefined, expected: RelationView): void {
  expect(actual).toBeDefined();
  const { escalation, ...rest } = actual!;
  const { escalation: reference, ...expectedRest } = expected;
  expect(rest).toEqual(expectedRest);
  expect(Math.abs(escalation.score - reference.score)).toBeLessThanOrEqual(0.1);
  if (Math.abs(reference.score - Math.round(reference.score / 10) * 10) > 0.1) expect(escalation.level).toBe(reference.level);
  expect(escalation.topContributors.map((c) => c.incidentId)).toEqual(reference.topContributors.map((c) => c.incidentId));
}

/** No filter mostly (the view kept for everyone), else some provenances and a minimum of sources. */
const anEvidenceFilter: fc.Arbitrary<EvidenceFilter | undefined> = fc.option(
  fc.record({ provenance: fc.option(fc.subarray([...PROVENANCES], { minLength: 1 }), { nil: undefined }), minSources: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }) }).map(
    ({ provenance, minSources }): EvidenceFilter => ({ ...(provenance ? { provenance: new Set(provenance) } : {}), ...(minSources !== undefined ? { minSources } : {}) }),
  ),
  { nil: undefined, freq: 2 },
);

const aPerspective = fc
  .record({ atDay: fc.integer({ min: -30, max: 200 }), asOf: fc.boolean(), knownAtDay: fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }), evidence: anEvidenceFilter })
  .map(({ atDay, asOf, knownAtDay, evidence }): Perspective => {
    const atMs = SPAN_START + atDay * DAY_MS;
    return {
      atMs,
      atIso: iso(atMs),
      ...(asOf ? { asOfMs: atMs } : {}),
      ...(knownAtDay !== undefined ? { knownAtMs: SPAN_START + knownAtDay * DAY_MS } : {}),
      ...(evidence ? { evidence } : {}),
    };
  });

describe('RelationsReadModel held to the reference folds', () => {
  it('describes the pair as the oracle does, as of and known at any instant', async () => {
    await fc.assert(
      fc.asyncProperty(aHistory, fc.array(aPerspective, { minLength: 1, maxLength: 6 }), async (steps, perspectives) => {
        const events = streamOf(steps);
        const engine = engineOf(events);
        for (const perspective of perspectives) expectSameView(await engine.relation('FRA', 'AZE', perspective), oracleView(events, perspective));
      }),
      { numRuns: 150 },
    );
  });

  it('counts an answer from no earlier than what it answers even when an evidence filter leaves that out (seed -1444131342)', async () => {
    // An analyst's summons on 1 January, recorded 08:00 (counts from 04:00), then an imported summons
    // answering it dated 31 December: it cannot have happened before what it answers, so it counts
    // from 1 January whichever incidents a view scores.
    const events = streamOf([
      { kind: 'report', publisher: 0, type: 'AmbassadorSummoned', actorFirst: false, daysBefore: 0, precision: 'day', diplomats: 1 },
      { kind: 'import', publisher: 0, type: 'AmbassadorSummoned', actorFirst: false, daysBefore: 2, precision: 'day', diplomats: 1 },
    ]);
    const perspective: Perspective = { atMs: SPAN_START, atIso: iso(SPAN_START), evidence: { provenance: new Set(['imported', 'confirmed'] as const) } };
    const filtered = await engineOf(events).relation('FRA', 'AZE', perspective);
    const answer = { incidentId: '00000000-0000-4000-8000-000000000002', type: 'AmbassadorSummoned', occurredOn: '2022-12-31', countsFrom: '2023-01-01' };

    expect(filtered).toMatchObject({ incidentCount: 1, firstIncident: answer, lastIncident: answer });
    expectSameView(filtered, oracleView(events, perspective));
    const unfiltered = await engineOf(events).relation('FRA', 'AZE', { atMs: SPAN_START, atIso: iso(SPAN_START) });
    expect(unfiltered).toMatchObject({ incidentCount: 2, lastIncident: answer });
    expectSameView(unfiltered, oracleView(events, { atMs: SPAN_START, atIso: iso(SPAN_START) }));
  });

  it('scores a timeline as the oracle does, listing each believed incident at its point', async () => {
    await fc.assert(
      fc.asyncProperty(aHistory, fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }), anEvidenceFilter, async (steps, knownAtDay, filter) => {
        const events = streamOf(steps);
        const knownAtMs = knownAtDay === undefined ? undefined : SPAN_START + knownAtDay * DAY_MS;
        const instants = Array.from({ length: 40 }, (_, k) => SPAN_START - 60 * DAY_MS + k * 7 * DAY_MS);
        const points = (await engineOf(events).timeline('AZE', 'FRA', instants, knownAtMs, filter))!;
        const recorded = events.map((event) => ({ event, recordedMs: Date.parse(event.data.recordedAt) }));
        const reference = relationTimeline(incidentsKnownAt(recorded, knownAtMs), instants, evidenceOf(standingsKnownAt(recorded, knownAtMs), filter));

        points.forEach((point, i) => expect(Math.abs(point.score - reference[i].score)).toBeLessThanOrEqual(0.1));
        expect(points.map((p) => p.incidents.map((incident) => incident.data))).toEqual(reference.map((p) => p.incidents.map((incident) => incident.data)));
      }),
      { numRuns: 100 },
    );
  });

  it('sweeps a timeline to the points worked out one at a time, for any span, interval and listing', async () => {
    const aSpan = fc.record({
      fromHour: fc.integer({ min: -60 * 24, max: 150 * 24 }),
      points: fc.integer({ min: 1, max: 40 }),
      interval: fc.constantFrom<TimelineInterval>('day', 'week', 'month'),
      most: fc.constantFrom(0, 1, 3, Infinity),
    });
    await fc.assert(
      fc.asyncProperty(aHistory, aSpan, fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }), anEvidenceFilter, async (steps, span, knownAtDay, filter) => {
        const events = streamOf(steps);
        const knownAtMs = knownAtDay === undefined ? undefined : SPAN_START + knownAtDay * DAY_MS;
        const fromMs = SPAN_START + span.fromHour * 3_600_000;
        const instants = (timelineInstants(fromMs, fromMs + span.points * 31 * DAY_MS, span.interval, 2_000) as number[]).slice(0, span.points);
        const listing = { most: span.most };
        const swept = (await engineOf(events).timeline('AZE', 'FRA', instants, knownAtMs, filter, listing))!;
        // One engine asked instant by instant, latest first: no point is carried from the one before.
        const alone = engineOf(events);
        for (let p = instants.length - 1; p >= 0; p--) {
          const [point] = (await alone.timeline('AZE', 'FRA', [instants[p]], knownAtMs, filter, { most: 0 }))!;
          expect([instants[p], swept[p].score, swept[p].level]).toEqual([instants[p], point.score, point.level]);
          // What arrives at a point: the incidents after the one before it, on an engine asked only those two instants.
          const arrivals = p === 0 ? point : (await engineOf(events).timeline('AZE', 'FRA', [instants[p - 1], instants[p]], knownAtMs, filter, listing))![1];
          const listed = p === 0 ? (await engineOf(events).timeline('AZE', 'FRA', [instants[0]], knownAtMs, filter, listing))![0].incidents : arrivals.incidents;
          expect(swept[p].incidentCount).toBe(arrivals.incidentCount);
          expect(swept[p].incidents).toEqual(listed);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
