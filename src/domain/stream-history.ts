import type { CountryCode } from './countries.js';
import type { IncidentType } from './incident-types.js';
import { isIncidentReport, type IncidentData, type IncidentEvent, type RelationEvent } from './incident.js';
import type { DatePrecision } from './occurrence.js';

/**
 * The history a pair's decision state keeps: its reports, amendments and confirmations (not its
 * corroborations), newest first, so evolving never copies it.
 *
 * An imported incident is kept compact (CompactImportedIncident): its report as the decider made
 * it was seven objects — event, data, sources, source, details, provenance, node — ≈ 700 bytes
 * with the coded index, and most of the live heap of a 1M-row import (docs/importing.md). What
 * the rules, confirmations and corroborations read stays as fields; the rest of the report
 * (its source and provenance, as objects) is made again, equal, whenever the history is read as
 * events, which only amendments, confirmations and late rule-seen reports do.
 */
export interface StreamHistory {
  readonly entry: RelationEvent | CompactImportedIncident;
  readonly earlier: StreamHistory | null;
}

/** An imported incident's report, flat: one object instead of seven, its strings shared with the event it came from. */
class CompactImportedIncident {
  constructor(
    readonly type: IncidentType,
    readonly incidentId: string,
    readonly actor: CountryCode,
    readonly target: CountryCode,
    readonly occurredOn: string,
    readonly precision: DatePrecision,
    readonly summary: string,
    readonly url: string | undefined,
    readonly publisher: string | undefined,
    /** `details.cameo`, the one detail an imported incident has; undefined for `{}`. */
    readonly cameo: string | undefined,
    readonly recordedAt: string,
    readonly dataset: string,
    readonly row: string,
    readonly line: number,
  ) {}

  /** The report as the decider made it (equal, not the same objects). */
  toEvent(): IncidentEvent {
    const source = this.url === undefined ? { publisher: this.publisher } : this.publisher === undefined ? { url: this.url } : { url: this.url, publisher: this.publisher };
    const data: IncidentData = {
      incidentId: this.incidentId,
      actor: this.actor,
      target: this.target,
      occurredOn: this.occurredOn,
      precision: this.precision,
      summary: this.summary,
      sources: [source],
      details: this.cameo === undefined ? {} : { cameo: this.cameo },
      recordedAt: this.recordedAt,
      provenance: { dataset: this.dataset, row: this.row, line: this.line },
    };
    return { type: this.type, data };
  }
}

/** The exact keys, in order, of an imported incident's data as importCodedEvent makes it; any other shape is kept whole. */
const IMPORTED_DATA_KEYS = 'incidentId,actor,target,occurredOn,precision,summary,sources,details,recordedAt,provenance';

/** The history with `event` added on top, an imported incident's report compacted. */
export function withEvent(history: StreamHistory | null, event: RelationEvent): StreamHistory {
  return { entry: compacted(event) ?? event, earlier: history };
}

function compacted(event: RelationEvent): CompactImportedIncident | undefined {
  if (!isIncidentReport(event)) return undefined;
  const { data } = event;
  const { provenance } = data;
  if (provenance === undefined) return undefined;
  if (Object.keys(data).join() !== IMPORTED_DATA_KEYS || data.sources.length !== 1) return undefined;
  const [source] = data.sources;
  const sourceKeys = Object.keys(source).join();
  if (sourceKeys !== 'url,publisher' && sourceKeys !== 'url' && sourceKeys !== 'publisher') return undefined;
  const detailKeys = Object.keys(data.details).join();
  if (detailKeys !== '' && !(detailKeys === 'cameo' && typeof data.details.cameo === 'string')) return undefined;
  if (Object.keys(provenance).join() !== 'dataset,row,line') return undefined;
  return new CompactImportedIncident(
    event.type,
    data.incidentId,
    data.actor,
    data.target,
    data.occurredOn,
    data.precision,
    data.summary,
    source.url,
    source.publisher,
    data.details.cameo as string | undefined,
    data.recordedAt,
    provenance.dataset,
    provenance.row,
    provenance.line,
  );
}

/** A history entry as the event it records. */
export function eventOf(entry: StreamHistory['entry']): RelationEvent {
  return entry instanceof CompactImportedIncident ? entry.toEvent() : entry;
}

/** The incident an entry reports, if it is a report: read from the entry as it is. */
function reportedIncidentId(entry: StreamHistory['entry']): string | undefined {
  if (entry instanceof CompactImportedIncident) return entry.incidentId;
  return isIncidentReport(entry) ? entry.data.incidentId : undefined;
}

/** The report of an incident in the history, if there. */
export function reportedIn(history: StreamHistory | null, incidentId: string): IncidentEvent | undefined {
  for (let node = history; node; node = node.earlier) {
    if (reportedIncidentId(node.entry) === incidentId) return eventOf(node.entry) as IncidentEvent;
  }
  return undefined;
}

/** The type of an incident's report in the history, if there: found without making the report again. */
export function reportedTypeIn(history: StreamHistory | null, incidentId: string): IncidentType | undefined {
  for (let node = history; node; node = node.earlier) {
    if (reportedIncidentId(node.entry) === incidentId) return node.entry.type as IncidentType;
  }
  return undefined;
}

/**
 * The stream's events in append order. With `whole`, a compacted report of a type it refuses is
 * only a stand-in: its type and id, in its place — for a fold that then keeps only the types
 * `whole` accepts (the decider's refolds keep what the rules see). It keeps its place so that a
 * later report reusing its id (a caller may choose ids) keeps that place, exactly as before.
 */
export function eventsOf(history: StreamHistory | null, whole: (type: IncidentType) => boolean = () => true): RelationEvent[] {
  const events: RelationEvent[] = [];
  for (let node = history; node; node = node.earlier) {
    const { entry } = node;
    if (!(entry instanceof CompactImportedIncident)) events.push(entry);
    else events.push(whole(entry.type) ? entry.toEvent() : standIn(entry));
  }
  return events.reverse();
}

/** Type and id only: never read past the fold that filters it out by its type. */
function standIn(entry: CompactImportedIncident): IncidentEvent {
  return { type: entry.type, data: { incidentId: entry.incidentId } } as IncidentEvent;
}
