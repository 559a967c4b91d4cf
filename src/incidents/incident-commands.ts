import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock.js';
import { IncidentNotFound } from '../domain/domain-errors.js';
import type { IncidentChanges, IncidentDetails } from '../domain/incident.js';
import { isInFuture, parseOccurrence } from '../domain/occurrence.js';
import { relationStreamId } from '../domain/relation-pair.js';
import type { RelationCommand } from '../domain/relation.decider.js';
import { validationProblem, type FieldError } from '../http/problem.js';
import type { ConfirmIncidentDto, CorrectIncidentDto, RetractIncidentDto } from './amend-incident.dto.js';
import { INCIDENT_DIRECTORY, type IncidentDirectory } from './incident-directory.port.js';
import { plain } from './plain-json.js';
import type { ReportIncidentDto } from './report-incident.dto.js';
import { UuidV7Generator } from './uuid-v7.js';

/** A command and the pair's stream it is decided on. */
export interface AddressedCommand {
  streamId: string;
  command: RelationCommand;
}

/**
 * Turns a validated request body into a command: stamps it with the clock and a new incident id,
 * finds the stream of the incident an amendment names, and refuses what the body's validation
 * cannot see — dates after the request's clock date, a correction that amends nothing.
 */
@Injectable()
export class IncidentCommands {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INCIDENT_DIRECTORY) private readonly directory: IncidentDirectory,
    private readonly ids: UuidV7Generator,
  ) {}

  /** `incidentId` is given when the caller derives it (an accepted proposal); a new UUIDv7 otherwise. */
  report(dto: ReportIncidentDto, incidentId?: string): AddressedCommand {
    const now = this.clock.now();
    rejectFutureDates(dto, now);
    const data = {
      incidentId: incidentId ?? this.ids.next(now.getTime()),
      incidentType: dto.type,
      actor: dto.actor,
      target: dto.target,
      occurredOn: dto.occurredOn,
      summary: dto.summary,
      sources: plain(dto.sources),
      details: plain(dto.details ?? {}) as IncidentDetails,
      recordedAt: now.toISOString(),
    };
    return { streamId: relationStreamId(dto.actor, dto.target), command: { type: 'ReportIncident', data } };
  }

  correction(incidentId: string, dto: CorrectIncidentDto): AddressedCommand {
    const now = this.clock.now();
    const streamId = this.streamOf(incidentId);
    rejectFutureDates(dto, now);
    const { reason, ...fields } = dto;
    const changes = plain(fields) as IncidentChanges;
    if (Object.keys(changes).length === 0) {
      throw validationProblem([{ field: 'occurredOn', message: 'a correction must amend at least one of occurredOn, summary, sources, details' }]);
    }
    return { streamId, command: { type: 'CorrectIncident', data: { incidentId, changes, reason, recordedAt: now.toISOString() } } };
  }

  retraction(incidentId: string, dto: RetractIncidentDto): AddressedCommand {
    const streamId = this.streamOf(incidentId);
    return { streamId, command: { type: 'RetractIncident', data: { incidentId, reason: dto.reason, recordedAt: this.clock.now().toISOString() } } };
  }

  confirmation(incidentId: string, dto: ConfirmIncidentDto): AddressedCommand {
    const now = this.clock.now();
    const streamId = this.streamOf(incidentId);
    if (dto.source) rejectFutureDates({ sources: [dto.source] }, now);
    const data = {
      incidentId,
      ...(dto.note !== undefined ? { note: dto.note } : {}),
      ...(dto.source !== undefined ? { source: plain(dto.source) } : {}),
      recordedAt: now.toISOString(),
    };
    return { streamId, command: { type: 'ConfirmIncident', data } };
  }

  private streamOf(incidentId: string): string {
    const streamId = this.directory.streamOfIncident(incidentId);
    if (streamId === undefined) throw new IncidentNotFound(incidentId);
    return streamId;
  }
}

/**
 * Nothing is reported before it happens, nor published before it is written: the occurrence and
 * every source's publication date must have begun by the request's clock date (at the
 * precision given, so today is accepted all day).
 */
function rejectFutureDates(dto: { occurredOn?: string; sources?: { publishedOn?: string }[] }, now: Date): void {
  const errors = futureDateErrors(dto, now);
  if (errors.length > 0) throw validationProblem(errors);
}

/** The dates of a report or correction that lie after `now`, named by field path. */
export function futureDateErrors(dto: { occurredOn?: string; sources?: { publishedOn?: string }[] }, now: Date): FieldError[] {
  const dates: [field: string, date: string | undefined][] = [
    ['occurredOn', dto.occurredOn],
    ...(dto.sources ?? []).map((source, i): [string, string | undefined] => [`sources[${i}].publishedOn`, source.publishedOn]),
  ];
  return dates
    .filter((entry): entry is [string, string] => entry[1] !== undefined && isInFuture(parseOccurrence(entry[1]), now.getTime()))
    .map(([field, date]) => ({ field, message: `${date} is in the future` }));
}
