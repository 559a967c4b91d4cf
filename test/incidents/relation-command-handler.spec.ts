import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { IncidentNotFound, RelationRuleViolation } from '../../src/domain/domain-errors.js';
import type { RelationEvent } from '../../src/domain/incident.js';
import type { RelationCommand } from '../../src/domain/relation.decider.js';
import { EventIdConflictError, type JsonObject, type StoredEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { RevisionPreconditionFailed, type CommandOptions, type CommandOutcome } from '../../src/incidents/command-outcome.js';
import type { IncidentDirectory } from '../../src/incidents/incident-directory.port.js';
import { RelationCommandHandler } from '../../src/incidents/relation-command-handler.js';
import { UuidV7Generator } from '../../src/incidents/uuid-v7.js';
import { temporaryFile } from '../contract/sqlite-fixtures.js';
import { aCorrection, aReport, anIncident, aRetraction, incidentId, RECORDED_AT } from '../domain/decider-harness.js';

/**
 * The command handler on a real SQLite store: given the pair's stream (written straight to the
 * store, as another process would), when a command is handled, then these events are appended —
 * or the command is refused and nothing is.
 */

const STREAM = 'relation-AZE-FRA';
/** A caller-chosen event id (UUIDv5, as an Idempotency-Key gives). */
const callerId = (key: string) => uuidv5(key, '0e3c8f51-6a2b-4d7e-9b14-5f0c2a9d8e63');

let store: SqliteEventStore;
let removeDirectory: () => void;
let handler: RelationCommandHandler;
/** Where the read side says caller-chosen event ids were recorded. */
let recordedElsewhere: Map<string, string>;

beforeEach(() => {
  const temporary = temporaryFile();
  removeDirectory = temporary.removeDirectory;
  store = new SqliteEventStore({ file: temporary.file, pollIntervalMs: 20 });
  recordedElsewhere = new Map();
  const directory: IncidentDirectory = { streamOfIncident: () => STREAM, streamOfEvent: (eventId) => recordedElsewhere.get(eventId) };
  handler = new RelationCommandHandler(store, directory, new UuidV7Generator());
});

afterEach(async () => {
  await store.close();
  removeDirectory();
});

/** Events appended by someone else: another process, or an earlier run. */
async function appendDirectly(events: RelationEvent[]): Promise<void> {
  if (events.length === 0) return;
  const current = await store.readStream(STREAM);
  const expected = current.length === 0 ? 'no_stream' : current[current.length - 1].revision;
  await store.append(STREAM, events.map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data as unknown as JsonObject })), expected);
}

const eventsOf = (stored: StoredEvent[]) => stored.map(({ type, data }) => ({ type, data }));

function given(history: RelationEvent[]) {
  return {
    when(command: RelationCommand, options: CommandOptions = {}) {
      /** How many events the stream held before the command. */
      let before = 0;
      const handled = async () => {
        await appendDirectly(history);
        before = (await store.readStream(STREAM)).length;
        return handler.handle(STREAM, command, options);
      };
      return {
        async then(appended: RelationEvent[], outcome: Partial<CommandOutcome> = {}): Promise<void> {
          const answer = await handled();
          const stream = await store.readStream(STREAM);
          expect(eventsOf(stream.slice(before))).toEqual(appended);
          expect(answer).toMatchObject({ streamId: STREAM, revision: stream.length - 1, replayed: false, ...outcome });
        },
        async thenRejects(errorClass: new (...args: never[]) => Error, reason?: RegExp): Promise<void> {
          const refusal = handled();
          await expect(refusal).rejects.toBeInstanceOf(errorClass);
          if (reason) await expect(refusal).rejects.toThrow(reason);
          expect(await store.readStream(STREAM)).toHaveLength(before);
        },
      };
    },
  };
}

const fraExpels = anIncident('DiplomatsExpelled', { incidentId: incidentId(1), actor: 'FRA', target: 'AZE', occurredOn: '2024-04-20', details: { diplomats: 2 } });
const summons = anIncident('AmbassadorSummoned', { incidentId: incidentId(1) });

describe('the relation command handler', () => {
  it('appends what the decider decides on the stream as stored, and answers with where it went', async () => {
    await given([fraExpels])
      .when(aReport('DiplomatsExpelled', { incidentId: incidentId(2), details: { diplomats: 2 } }))
      .then([anIncident('ReciprocalExpulsion', { incidentId: incidentId(2), details: { diplomats: 2 }, inResponseTo: incidentId(1), postedType: 'DiplomatsExpelled' })], {
        incidentId: incidentId(2),
        recordedType: 'ReciprocalExpulsion',
        postedType: 'DiplomatsExpelled',
        revision: 1,
        inResponseTo: incidentId(1),
        recordedAt: RECORDED_AT,
      });
  });

  it('refuses what the pair\'s rules forbid and appends nothing', async () => {
    await given([anIncident('AmbassadorRecalled', { occurredOn: '2024-03-01' })])
      .when(aReport('AmbassadorRecalled'))
      .thenRejects(RelationRuleViolation, /already recalled/);
  });

  it('refuses to amend an incident the stream does not hold', async () => {
    await given([summons]).when(aRetraction(incidentId(2))).thenRejects(IncidentNotFound);
  });

  it('records a correction and a retraction as later facts about the incident', async () => {
    await given([summons])
      .when(aCorrection(incidentId(1), { summary: 'AZE summons the French chargé' }))
      .then([{ type: 'IncidentCorrected', data: { incidentId: incidentId(1), changes: { summary: 'AZE summons the French chargé' }, reason: 'The first report had it wrong', recordedAt: RECORDED_AT } }], {
        recordedType: 'IncidentCorrected',
      });
  });

  it('decides on what another process appended since its last write, not on its cached state', async () => {
    await handler.handle(STREAM, aReport('Accusation', { incidentId: incidentId(5) }));
    await given([fraExpels])
      .when(aReport('DiplomatsExpelled', { incidentId: incidentId(2), details: { diplomats: 2 } }))
      .then([anIncident('ReciprocalExpulsion', { incidentId: incidentId(2), details: { diplomats: 2 }, inResponseTo: incidentId(1), postedType: 'DiplomatsExpelled' })], {
        revision: 2,
      });
  });

  it('appends nothing when the stream is not at the expected revision, and says where it is', async () => {
    const refusal = given([summons]).when(aRetraction(incidentId(1)), { expectedRevision: 3 });
    await refusal.thenRejects(RevisionPreconditionFailed);
    await expect(handler.handle(STREAM, aRetraction(incidentId(1)), { expectedRevision: 3 })).rejects.toMatchObject({ currentRevision: 0 });
  });

  it('appends a command sent again under the same event id once, and answers the retry with the first outcome', async () => {
    const eventId = callerId('first');
    const first = await handler.handle(STREAM, aReport('Accusation', { incidentId: incidentId(1) }), { eventId, metadata: { recordedBy: 'alice' } });
    const retry = await handler.handle(STREAM, aReport('Accusation', { incidentId: incidentId(2) }), { eventId, metadata: { recordedBy: 'alice' } });

    expect(retry).toEqual({ ...first, replayed: true });
    expect(await store.readStream(STREAM)).toHaveLength(1);
  });

  it('refuses a caller-chosen event id already recorded in another pair\'s stream', async () => {
    const eventId = callerId('used-for-another-pair');
    recordedElsewhere.set(eventId, 'relation-ARM-AZE');
    await given([]).when(aReport('Accusation'), { eventId }).thenRejects(EventIdConflictError, /another stream/);
  });

  describe('a batch', () => {
    const recall = (n: number) => ({ eventId: callerId(`recall-${n}`), command: aReport('AmbassadorRecalled', { incidentId: incidentId(n) }) });
    const accusation = (n: number) => ({ eventId: callerId(`accusation-${n}`), command: aReport('Accusation', { incidentId: incidentId(n) }) });

    it('decides each command on the state the ones before it left: a second recall is refused, the others go on', async () => {
      const outcome = await handler.handleBatch(STREAM, [recall(1), recall(2), accusation(3)], { metadata: { recordedBy: 'alice' } });

      expect(outcome.appended.map((event) => event.type)).toEqual(['AmbassadorRecalled', 'Accusation']);
      expect(outcome.refused).toEqual([{ eventId: recall(2).eventId, reason: expect.stringMatching(/already recalled/) }]);
      expect((await store.readStream(STREAM)).map((event) => event.metadata)).toEqual([{ recordedBy: 'alice' }, { recordedBy: 'alice' }]);
    });

    it('takes the state a batch decided as the cached one: the next batch refuses on it and knows its ids, reading nothing back', async () => {
      await handler.handleBatch(STREAM, [recall(1), accusation(3)]);
      const reads = jest.spyOn(store, 'readStream');
      const next = await handler.handleBatch(STREAM, [recall(2), accusation(3), accusation(4)]);

      expect(next).toMatchObject({ alreadyRecorded: 1, refused: [{ eventId: recall(2).eventId, reason: expect.stringMatching(/already recalled/) }] });
      expect(next.appended.map((event) => [event.type, event.revision])).toEqual([['Accusation', 2]]);
      expect(reads).not.toHaveBeenCalled();
    });

    it('in a dry run says what it would append, skip and refuse, and appends nothing', async () => {
      await handler.handleBatch(STREAM, [accusation(3)]);
      const dryRun = await handler.handleBatch(STREAM, [recall(1), recall(2), accusation(3)], { dryRun: true });

      expect(dryRun).toEqual({ appended: [], alreadyRecorded: 1, refused: [{ eventId: recall(2).eventId, reason: expect.stringMatching(/already recalled/) }] });
      expect(await store.readStream(STREAM)).toHaveLength(1);
    });

    it('run again by a process that has cached nothing, as a re-import is, knows every id and the state of a stream longer than a read page', async () => {
      const accusations = Array.from({ length: 2_500 }, (_, i) => accusation(i + 1));
      await handler.handleBatch(STREAM, [recall(1), ...accusations]);
      const anotherProcess = new RelationCommandHandler(store, { streamOfIncident: () => STREAM, streamOfEvent: () => undefined }, new UuidV7Generator());
      const outcome = await anotherProcess.handleBatch(STREAM, [recall(1), ...accusations, recall(2), accusation(2_501)]);

      expect(outcome).toMatchObject({ alreadyRecorded: 2_501, refused: [{ eventId: recall(2).eventId, reason: expect.stringMatching(/already recalled/) }] });
      expect(outcome.appended.map((event) => [event.eventId, event.revision])).toEqual([[accusation(2_501).eventId, 2_501]]);
    });

    it('decides a batch on the one still committing, and appends it as decided once that one is durable', async () => {
      const first = await handler.decideBatch(STREAM, [recall(1), accusation(3)]);
      const committingFirst = handler.commitBatch(first);
      const second = await handler.decideBatch(STREAM, [recall(2), accusation(3), accusation(4)], first);

      expect(second).toMatchObject({ alreadyRecorded: 1, refused: [{ eventId: recall(2).eventId }] });
      expect(await store.readStream(STREAM)).toHaveLength(0);
      await committingFirst;
      const appended = await handler.commitBatch(second);
      expect(appended.appended.map((event) => [event.type, event.revision])).toEqual([['Accusation', 2]]);
      expect(appended.appended[0].eventId).toBe(accusation(4).eventId);
    });

    it('decides a batch again when the stream moved after it was decided: a write through the API came first', async () => {
      const decided = await handler.decideBatch(STREAM, [recall(1), accusation(3)]);
      await handler.handle(STREAM, aReport('AmbassadorRecalled', { incidentId: incidentId(9) }));
      const outcome = await handler.commitBatch(decided);

      expect(outcome.refused).toEqual([{ eventId: recall(1).eventId, reason: expect.stringMatching(/already recalled/) }]);
      expect(outcome.appended.map((event) => [event.eventId, event.revision])).toEqual([[accusation(3).eventId, 1]]);
    });
  });
});
