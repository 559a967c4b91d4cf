import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { generateLog } from '../../bench/replay-generate.js';
import type { IncidentEvent, RelationEvent } from '../../src/domain/incident.js';
import { believedIncidents } from '../../src/domain/incident-effects.js';
import { isIncidentType } from '../../src/domain/incident-types.js';
import type { RelationView } from '../../src/domain/relation-view.js';
import { timelineInstants } from '../../src/domain/timeline.js';
import { describeRelation } from '../oracle/relation-fold.js';
import { incidentsKnownAt, relationAsOf, relationTimeline, type RecordedRelationEvent } from '../oracle/relation-history.js';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { RelationsReadModel, type Perspective, type ReadModelParts } from '../../src/projections/relations.read-model.js';
import { DAY_MS } from '../../src/domain/numbers.js';

/**
 * The read model keeps numbers in columns and reads documents back from the store; the domain's
 * reference folds work on whole events. On a generated log (late reports, corrections,
 * retractions, refusals) both must tell the same story about every pair, as of and known at any
 * instant — and a model restored from its persisted parts must go on exactly like the original.
 */

const START_MS = Date.UTC(2014, 0, 1);
const END_MS = Date.UTC(2025, 0, 1);

let dir: string;
let store: SqliteEventStore;
let log: StoredEvent[];
let model: RelationsReadModel;
const newModel = (parts?: ReadModelParts) =>
  new RelationsReadModel((a, b) => store.comparePositions(a, b), (streamId, revision, count) => store.readStream(streamId, revision, count), parts);

beforeAll(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'demarche-read-model-'));
  const file = join(dir, 'demarche.db');
  await generateLog({ file, events: 6_000, pairs: 24, skew: 1, seed: 7 });
  store = new SqliteEventStore({ file });
  log = (await store.readAll(null, 100_000)).events;
  model = newModel();
  for (const event of log) model.apply(event);
}, 60_000);

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A pair's stream as the reference folds take it. */
function streamOf(streamId: string): RecordedRelationEvent[] {
  return log
    .filter((stored) => stored.streamId === streamId)
    .map((stored) => ({ event: { type: stored.type, data: stored.data } as unknown as RelationEvent, recordedMs: Date.parse(String(stored.data.recordedAt)) }));
}

function referenceView(streamId: string, perspective: Perspective): RelationView {
  const [a, b] = streamId.replace('relation-', '').split('-');
  const incidents = incidentsKnownAt(streamOf(streamId), perspective.knownAtMs);
  const stateAt = perspective.asOfMs === undefined && perspective.knownAtMs === undefined ? Infinity : perspective.atMs;
  const { state, scored } = relationAsOf(a, b, incidents, stateAt);
  return describeRelation(state, scored, perspective.atMs, perspective.atIso);
}

function perspectives(seed: number): Perspective[] {
  let s = seed;
  const rand = () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const instant = () => START_MS + Math.floor(rand() * (END_MS - START_MS));
  const of = (fields: Omit<Perspective, 'atIso'>): Perspective => ({ ...fields, atIso: new Date(fields.atMs).toISOString() });
  const views = [of({ atMs: END_MS + 30 * DAY_MS })];
  for (let i = 0; i < 6; i++) {
    const at = instant();
    views.push(of({ atMs: at, asOfMs: at }), of({ atMs: at, knownAtMs: at }));
    const known = instant();
    views.push(of({ atMs: at, asOfMs: at, knownAtMs: known }));
  }
  return views;
}

/** Everything but the escalation's sums, which may differ in the last bits (summed in another order). */
function expectSameView(actual: RelationView | undefined, expected: RelationView): void {
  expect(actual).toBeDefined();
  const { escalation, ...rest } = actual!;
  const { escalation: expectedEscalation, ...expectedRest } = expected;
  expect(rest).toEqual(expectedRest);
  expect(Math.abs(escalation.score - expectedEscalation.score)).toBeLessThanOrEqual(0.1);
  expect(escalation.topContributors).toEqual(expectedEscalation.topContributors);
  expect(escalation.trend.direction === expectedEscalation.trend.direction || Math.abs(Math.abs(expectedEscalation.trend.change) - 5) <= 0.2).toBe(true);
}

const streams = () => [...new Set(log.map((stored) => stored.streamId))];

describe('RelationsReadModel', () => {
  it('was given a log with late reports, corrections and retractions to check against', () => {
    const types = new Set(log.map((stored) => stored.type));
    expect(types).toContain('IncidentCorrected');
    expect(types).toContain('IncidentRetracted');
    expect(streams().length).toBeGreaterThan(10);
  });

  it('answers every pair, as of and known at any instant, as the reference folds over the whole events do', async () => {
    let compared = 0;
    for (const [n, streamId] of streams().entries()) {
      const [a, b] = streamId.replace('relation-', '').split('-');
      for (const perspective of perspectives(n + 1)) {
        expectSameView(await model.relation(b, a, perspective), referenceView(streamId, perspective));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('restored from its persisted parts midway and fed the rest of the log, goes on exactly like the original', async () => {
    for (const cut of [1, Math.floor(log.length / 3), log.length - 5]) {
      const before = newModel();
      for (const event of log.slice(0, cut)) before.apply(event);
      const restored = newModel(Object.fromEntries(deserialize(serialize(Object.entries(before.toParts())))) as ReadModelParts);
      expect(restored.hash()).toBe(before.hash());
      for (const event of log.slice(cut)) restored.apply(event);

      expect(restored.hash()).toBe(model.hash());
      expect(restored.eventCount).toBe(model.eventCount);
      const now: Perspective = { atMs: END_MS, atIso: new Date(END_MS).toISOString() };
      expect(await restored.relations({}, now)).toEqual(await model.relations({}, now));
    }
  });

  it('reads each incident as currently believed, and lists them in report order without the retracted ones', async () => {
    const believed = believedIncidents(log.map((stored) => ({ type: stored.type, data: stored.data }) as unknown as RelationEvent));
    const listed: string[] = [];
    for (let page = await model.listIncidents({ limit: 500 }); ; page = await model.listIncidents({ limit: 500, after: page.next! })) {
      listed.push(...page.items.map((item) => item.data.incidentId));
      if (page.next === null) break;
    }

    expect(listed).toEqual(believed.map((incident) => incident.data.incidentId));
    for (const incident of believed.filter((_, i) => i % 97 === 0)) {
      expect((await model.incident(incident.data.incidentId))?.data).toEqual(incident.data);
    }
    const retracted = log.find((stored) => stored.type === 'IncidentRetracted')!;
    expect(await model.incident(String(retracted.data.incidentId))).toMatchObject({ retracted: true });
  });

  it('scores a timeline as the one-pass reference does, listing each incident at its point', async () => {
    const busiest = streams()
      .map((streamId) => [streamId, log.filter((stored) => stored.streamId === streamId && isIncidentType(stored.type)).length] as const)
      .sort(([, x], [, y]) => y - x)[0][0];
    const [a, b] = busiest.replace('relation-', '').split('-');
    const instants = timelineInstants(Date.UTC(2019, 0, 1), Date.UTC(2020, 11, 31), 'week', 2_000) as number[];
    const knownAtMs = Date.UTC(2022, 5, 1);

    for (const known of [undefined, knownAtMs]) {
      const points = (await model.timeline(a, b, instants, known))!;
      const reference = relationTimeline(incidentsKnownAt(streamOf(busiest), known), instants);

      expect(points.map((p) => p.level)).toEqual(reference.map((p) => p.level));
      points.forEach((point, i) => expect(Math.abs(point.score - reference[i].score)).toBeLessThanOrEqual(0.1));
      const ids = (incidents: IncidentEvent[]) => incidents.map((incident) => incident.data);
      expect(points.map((p) => ids(p.incidents))).toEqual(reference.map((p) => ids(p.incidents)));
      expect(points.some((p) => p.incidents.length > 0)).toBe(true);
    }
  });
});
