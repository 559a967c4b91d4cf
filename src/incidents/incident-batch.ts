import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { CLOCK, type Clock } from '../clock.js';
import type { BatchItemResponse, BatchResponse } from '../docs/responses/batch.responses.js';
import type { RelationCommand } from '../domain/relation.decider.js';
import { EventIdConflictError } from '../event-store/event-store.port.js';
import { ProblemException, validationProblem, type FieldError } from '../http/problem.js';
import { futureDateErrors, IncidentCommands } from './incident-commands.js';
import { INCIDENT_DIRECTORY, type IncidentDirectory } from './incident-directory.port.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from './projection-progress.port.js';
import { RelationCommandHandler, type BatchOutcome } from './relation-command-handler.js';
import type { ReportBatchDto } from './report-batch.dto.js';
import type { ReportIncidentDto } from './report-incident.dto.js';

/** Namespace of the incident and event ids derived from a batch item's key (UUID v5). */
const BATCH_KEY_NAMESPACE = '5b1e7d3a-9c42-4f08-8e6d-2a7c4b9f0d31';
/** How long the answer waits for the read side to show what was recorded (read-your-writes, as POST /incidents). */
const READ_YOUR_WRITES_MS = 2_000;

/** The ids an item's key stands for: the same key is the same incident, whoever sends it and however often. */
export function idsOfBatchKey(key: string): { incidentId: string; eventId: string } {
  return { incidentId: uuidv5(`incident/${key}`, BATCH_KEY_NAMESPACE), eventId: uuidv5(`event/${key}`, BATCH_KEY_NAMESPACE) };
}

interface BatchItem {
  index: number;
  key: string;
  incidentId: string;
  eventId: string;
  streamId: string;
  command: RelationCommand;
  occurredOn: string;
}

/**
 * Records a set of reports — an analyst's accepted proposals — through the same decider as POST
 * /incidents, all or none as far as the rules go: every pair's batch is decided first without
 * appending, and if the rules refuse any item nothing is recorded and each refusal is named.
 * Then each pair's items are appended in one append of that pair's stream. Streams differ per
 * pair, so the appends of two pairs are not one transaction: a write by someone else to a pair
 * between the check and its append can still make the rules refuse an item there, which is then
 * reported as refused while the other pairs' items stay recorded. Sending the batch again is
 * safe: keys already recorded record nothing new.
 */
@Injectable()
export class IncidentBatch {
  constructor(
    private readonly commands: IncidentCommands,
    private readonly handler: RelationCommandHandler,
    @Inject(INCIDENT_DIRECTORY) private readonly directory: IncidentDirectory,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(dto: ReportBatchDto, recordedBy: string): Promise<BatchResponse> {
    rejectInvalidItems(dto, this.clock.now());
    const items = dto.incidents.map((incident, index): BatchItem => {
      const { key, ...report } = incident;
      const ids = idsOfBatchKey(key);
      const { streamId, command } = this.commands.report(report as ReportIncidentDto, ids.incidentId);
      return { index, key, ...ids, streamId, command, occurredOn: report.occurredOn };
    });
    // Recorded before, possibly in another pair (the analyst changed actor or target since): nothing new for it.
    // The incident id stands for the key; the stream's own event ids catch what the read side has not applied yet.
    const earlier = new Map(items.flatMap((item) => {
      const streamId = this.directory.streamOfIncident(item.incidentId);
      return streamId === undefined ? [] : [[item.index, streamId] as const];
    }));
    const groups = byStream(items.filter((item) => !earlier.has(item.index)));

    const refusals = (await Promise.all([...groups].map(([streamId, group]) => this.decide(streamId, group, { dryRun: true })))).flatMap(refusedItems);
    if (refusals.length > 0) throw refusedProblem(refusals);

    const answers = new Map<number, BatchItemResponse>();
    for (const item of items) {
      const streamId = earlier.get(item.index);
      if (streamId !== undefined) answers.set(item.index, { ...answerOf(item), streamId, status: 'alreadyRecorded' });
    }
    let lastPosition: string | undefined;
    for (const [streamId, group] of groups) {
      const { outcome } = await this.decide(streamId, group, { metadata: { recordedBy } }).catch(rethrowKeyRace);
      const appended = new Map(outcome.appended.map((event) => [event.eventId, event]));
      const refused = new Map(outcome.refused.map((refusal) => [refusal.eventId, refusal.reason]));
      for (const item of group) {
        const event = appended.get(item.eventId);
        const reason = refused.get(item.eventId);
        if (event) answers.set(item.index, { ...answerOf(item), status: 'recorded', recordedType: event.type, position: event.position });
        else if (reason !== undefined) answers.set(item.index, { ...answerOf(item), status: 'refused', reason });
        else answers.set(item.index, { ...answerOf(item), status: 'alreadyRecorded' });
      }
      lastPosition = outcome.appended.at(-1)?.position ?? lastPosition;
    }
    if (lastPosition !== undefined) await this.progress.waitFor(lastPosition, READ_YOUR_WRITES_MS);
    const answered = items.map((item) => answers.get(item.index)!);
    return {
      recorded: answered.filter((item) => item.status === 'recorded').length,
      alreadyRecorded: answered.filter((item) => item.status === 'alreadyRecorded').length,
      items: answered,
    };
  }

  private async decide(streamId: string, group: BatchItem[], options: Parameters<RelationCommandHandler['handleBatch']>[2]): Promise<{ group: BatchItem[]; outcome: BatchOutcome }> {
    const outcome = await this.handler.handleBatch(streamId, group.map(({ command, eventId }) => ({ command, eventId })), options);
    return { group, outcome };
  }
}

/**
 * Each pair's items in an order the rules can follow whatever order the article told them in:
 * replies (a reciprocal expulsion, anything naming what it answers) after the acts they may answer,
 * and otherwise in the order they happened (stable for equal dates). Dates alone do not do: an
 * article often dates the reply only to the month ("2023-12") and the act to the day.
 */
function byStream(items: BatchItem[]): Map<string, BatchItem[]> {
  const groups = new Map<string, BatchItem[]>();
  for (const item of items) groups.set(item.streamId, [...(groups.get(item.streamId) ?? []), item]);
  const order = (a: BatchItem, b: BatchItem) =>
    Number(isReply(a)) - Number(isReply(b)) || (a.occurredOn < b.occurredOn ? -1 : a.occurredOn > b.occurredOn ? 1 : a.index - b.index);
  for (const group of groups.values()) group.sort(order);
  return groups;
}

function isReply(item: BatchItem): boolean {
  const { command } = item;
  return command.type === 'ReportIncident' && (command.data.incidentType === 'ReciprocalExpulsion' || (command.data.details as { inResponseTo?: string }).inResponseTo !== undefined);
}

function answerOf(item: BatchItem): Pick<BatchItemResponse, 'index' | 'key' | 'incidentId' | 'streamId'> {
  return { index: item.index, key: item.key, incidentId: item.incidentId, streamId: item.streamId };
}

function refusedItems({ group, outcome }: { group: BatchItem[]; outcome: BatchOutcome }): { item: BatchItem; reason: string }[] {
  return outcome.refused.map(({ eventId, reason }) => ({ item: group.find((item) => item.eventId === eventId)!, reason }));
}

/** What the body's validation cannot see: dates after the clock's date, and one key given twice. */
function rejectInvalidItems(dto: ReportBatchDto, now: Date): void {
  const firstIndexOfKey = new Map<string, number>();
  const errors: FieldError[] = dto.incidents.flatMap((incident, index) => {
    const dates = futureDateErrors(incident, now).map((error) => ({ ...error, field: `incidents[${index}].${error.field}` }));
    const first = firstIndexOfKey.get(incident.key);
    if (first === undefined) firstIndexOfKey.set(incident.key, index);
    return first === undefined ? dates : [...dates, { field: `incidents[${index}].key`, message: `repeats the key of incidents[${first}]: each item records one incident` }];
  });
  if (errors.length > 0) throw validationProblem(errors);
}

/**
 * The store refused an event id already recorded in another pair's stream: a key of this batch was
 * recorded there by a request the read side had not applied when this one looked. Sending the
 * batch again finds it and records nothing new for it.
 */
function rethrowKeyRace(error: unknown): never {
  if (!(error instanceof EventIdConflictError)) throw error;
  throw new ProblemException({
    type: 'https://demarche.dev/problems/concurrent-write',
    title: 'An item was recorded by another request at the same time',
    status: 409,
    detail: 'A key of this batch was recorded for another pair a moment ago; send the batch again (what is recorded will show as already recorded)',
  });
}

/** 422 naming every refused item with the decider's reason; nothing was recorded. */
function refusedProblem(refusals: { item: BatchItem; reason: string }[]): ProblemException {
  const sorted = [...refusals].sort((a, b) => a.item.index - b.item.index);
  return new ProblemException({
    type: 'https://demarche.dev/problems/relation-rule',
    title: 'The relation does not allow these incidents',
    status: 422,
    detail: `Nothing was recorded: ${sorted.map(({ item, reason }) => `incidents[${item.index}]: ${reason}`).join('; ')}`,
    refused: sorted.map(({ item, reason }) => ({ field: `incidents[${item.index}]`, index: item.index, key: item.key, reason })),
  });
}
