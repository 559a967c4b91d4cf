import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { IncidentEvent, RelationEvent } from '../../src/domain/incident.js';
import { relationDecider, type RelationCommand, type RelationDecisionState } from '../../src/domain/relation.decider.js';
import { describeRelation } from '../oracle/relation-fold.js';
import { incidentsKnownAt, relationAsOf, type RecordedRelationEvent } from '../oracle/relation-history.js';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { RelationsReadModel, type Perspective } from '../../src/projections/relations.read-model.js';
import { aCorrection, aReport, incidentId } from '../domain/decider-harness.js';
import { DAY_MS } from '../../src/domain/numbers.js';

/**
 * Answers count after what they answer — also in the read model, whose columns fix an incident's
 * instant when it is applied: when the expulsion an answer (and a summons protesting the answer)
 * depends on is corrected to a later date, or retracted, the answers move with it, as the
 * reference folds over the whole events say — as of and known at any instant.
 */

let dir: string;
let store: SqliteEventStore;
let log: StoredEvent[];

/** Commands through the real decider, each appended to the pair's stream at its own recording instant. */
async function recordAll(commands: RelationCommand[]): Promise<void> {
  let state: RelationDecisionState = relationDecider.initialState;
  let revision: number | 'no_stream' = 'no_stream';
  for (const command of commands) {
    const events = relationDecider.decide(command, state) as RelationEvent[];
    for (const event of events) state = relationDecider.evolve(state, event);
    const result = await store.append('relation-AZE-FRA', events.map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data as never })), revision);
    revision = result.nextExpectedRevision;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'demarche-causality-'));
  store = new SqliteEventStore({ file: join(dir, 'demarche.db') });
  const at = (day: string) => `${day}T08:00:00.000Z`;
  await recordAll([
    // Reported late (on 1 April), dated 5 March.
    aReport('DiplomatsExpelled', { incidentId: incidentId(1), occurredOn: '2024-03-05', details: { diplomats: 2 }, recordedAt: at('2024-04-01') }),
    // France answers "in March", and protests "in March" against the answer's cause.
    aReport('ReciprocalExpulsion', { incidentId: incidentId(2), actor: 'FRA', target: 'AZE', occurredOn: '2024-03', details: { diplomats: 2 }, recordedAt: at('2024-04-10') }),
    aReport('AmbassadorSummoned', { incidentId: incidentId(3), actor: 'FRA', target: 'AZE', occurredOn: '2024-03', details: { inResponseTo: incidentId(2) }, recordedAt: at('2024-04-11') }),
    aReport('Accusation', { incidentId: incidentId(4), occurredOn: '2024-03-20', recordedAt: at('2024-04-12') }),
    // The expulsion was in fact on 25 March: its answer and the protest move after it.
    aCorrection(incidentId(1), { occurredOn: '2024-03-25' }, { recordedAt: at('2024-05-01') }),
    aReport('DiplomatsExpelled', { incidentId: incidentId(5), occurredOn: '2024-06-01', details: { diplomats: 1 }, recordedAt: at('2024-06-02') }),
    aReport('AmbassadorSummoned', { incidentId: incidentId(6), actor: 'FRA', target: 'AZE', occurredOn: '2024-06', details: { inResponseTo: incidentId(5) }, recordedAt: at('2024-06-20') }),
  ]);
  log = (await store.readAll(null, 1_000)).events;
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function reference(perspective: Perspective) {
  const stream: RecordedRelationEvent[] = log.map((stored) => ({
    event: { type: stored.type, data: stored.data } as unknown as RelationEvent,
    recordedMs: Date.parse(String(stored.data.recordedAt)),
  }));
  const incidents: IncidentEvent[] = incidentsKnownAt(stream, perspective.knownAtMs);
  const stateAt = perspective.asOfMs === undefined && perspective.knownAtMs === undefined ? Infinity : perspective.atMs;
  const { state, scored } = relationAsOf('AZE', 'FRA', incidents, stateAt);
  return describeRelation(state, scored, perspective.atMs, perspective.atIso);
}

describe('the read model counts answers after what they answer', () => {
  it('moves an answer, and a protest against it, when the expulsion they depend on is corrected — as the reference does', async () => {
    const model = new RelationsReadModel((a, b) => store.comparePositions(a, b), (streamId, revision, count) => store.readStream(streamId, revision, count));
    for (const event of log) model.apply(event);
    const views: Perspective[] = [];
    for (let day = Date.UTC(2024, 2, 1); day <= Date.UTC(2024, 6, 1); day += 3 * DAY_MS) {
      const atIso = new Date(day).toISOString();
      views.push({ atMs: day, atIso, asOfMs: day }, { atMs: day, atIso, knownAtMs: day }, { atMs: day, atIso, asOfMs: day, knownAtMs: Date.UTC(2024, 3, 20) });
    }
    for (const perspective of views) {
      const actual = await model.relation('FRA', 'AZE', perspective);
      const expected = reference(perspective);
      expect({ at: perspective.atIso, known: perspective.knownAtMs, state: { ...actual!, escalation: undefined } }).toEqual({
        at: perspective.atIso,
        known: perspective.knownAtMs,
        state: { ...expected, escalation: undefined },
      });
      expect(Math.abs(actual!.escalation.score - expected.escalation.score)).toBeLessThanOrEqual(0.1);
      expect(actual!.escalation.conditions).toEqual(expected.escalation.conditions);
    }
    // On 27 March: before the correction was known, the answer counted from 18 March and the protest from 25 March;
    // once the expulsion is known to be of 25 March, the answer counts from 28 March and the protest from the 30th.
    const on27March = (knownAtMs?: number) => model.relation('AZE', 'FRA', { atMs: Date.UTC(2024, 2, 27), atIso: '2024-03-27T00:00:00.000Z', asOfMs: Date.UTC(2024, 2, 27), knownAtMs });
    expect((await on27March(Date.UTC(2024, 3, 20)))!.countsByType).toEqual({ DiplomatsExpelled: 1, ReciprocalExpulsion: 1, AmbassadorSummoned: 1, Accusation: 1 });
    expect((await on27March())!.countsByType).toEqual({ DiplomatsExpelled: 1, Accusation: 1 });
  });
});
