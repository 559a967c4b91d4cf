import type { CountryCode } from './countries.js';
import type { IncidentType } from './incident-types.js';
import type { DatePrecision } from './occurrence.js';

export interface Source {
  url?: string;
  publisher?: string;
  title?: string;
  /** YYYY-MM-DD */
  publishedOn?: string;
}

/**
 * Where an imported incident or piece of evidence came from: the dataset (gdelt2, gdelt1, icews,
 * plover), the row's key in it and its line in the file read. Incidents without one were reported by an analyst.
 */
export interface ImportedRow {
  dataset: string;
  row: string;
  line: number;
}

/** Type-specific details; their shape per type is defined in the incident catalogue. */
export type IncidentDetails = Record<string, string | number | boolean | string[]>;

/** The data of every incident event: the fact as reported, plus when Demarche learned it. */
export interface IncidentData {
  incidentId: string;
  actor: CountryCode;
  target: CountryCode;
  occurredOn: string;
  precision: DatePrecision;
  summary: string;
  sources: Source[];
  details: IncidentDetails;
  /** For a reciprocal expulsion: the incident id of the expulsion it answers. */
  inResponseTo?: string;
  /** Set when the decider recorded the incident under another type than the one reported. */
  postedType?: IncidentType;
  /** ISO timestamp at which Demarche recorded the report (the clock comes in with the command). */
  recordedAt: string;
  /** Set when the incident was imported from machine-coded event data (absent: reported by an analyst). */
  provenance?: ImportedRow;
}

/** What names an incident wherever a list shows one: its type, its two sides, its date and summary. */
export interface IncidentHeadline {
  incidentId: string;
  type: IncidentType;
  actor: CountryCode;
  target: CountryCode;
  occurredOn: string;
  summary: string;
}

/** The fields of an incident's data a headline shows: all headlineOf reads of it (a long listing reads only these from the store). */
export const HEADLINE_FIELDS = ['incidentId', 'actor', 'target', 'occurredOn', 'summary'] as const;

/** What headlineOf reads of an incident's data. */
export type HeadlineData = Pick<IncidentData, (typeof HEADLINE_FIELDS)[number]>;

export function headlineOf(type: IncidentType, data: HeadlineData): IncidentHeadline {
  return { incidentId: data.incidentId, type, actor: data.actor, target: data.target, occurredOn: data.occurredOn, summary: data.summary };
}

/** An incident event as it lives in a pair's stream; `type` is the event type name. */
export interface IncidentEvent {
  type: IncidentType;
  data: IncidentData;
}

/** What an effect or rule sees of the incident being applied. */
export interface IncidentInContext {
  type: IncidentType;
  data: IncidentData;
  /** Reference instant, epoch ms (see occurrence.ts). */
  atMs: number;
}

/** The fields a correction may amend; type, actor and target are retracted and reported anew instead. */
export interface IncidentChanges {
  occurredOn?: string;
  precision?: DatePrecision;
  summary?: string;
  sources?: Source[];
  details?: IncidentDetails;
}

export interface IncidentCorrected {
  type: 'IncidentCorrected';
  data: { incidentId: string; changes: IncidentChanges; reason: string; recordedAt: string };
}

export interface IncidentRetracted {
  type: 'IncidentRetracted';
  data: { incidentId: string; reason: string; recordedAt: string };
}

/** Amendments never rewrite the original report: they are later facts about it. */
export type AmendmentEvent = IncidentCorrected | IncidentRetracted;

/** Another report of an incident already recorded: one more source for it, not another incident. */
export interface IncidentCorroborated {
  type: 'IncidentCorroborated';
  data: { incidentId: string; source: Source; provenance: ImportedRow; recordedAt: string };
}

/**
 * An analyst has checked an imported incident and vouches for it: from then on it counts as fully
 * as one an analyst reported (evidence-weight.ts). `note` says what was checked, `source` what confirms it.
 */
export interface IncidentConfirmed {
  type: 'IncidentConfirmed';
  data: { incidentId: string; note?: string; source?: Source; recordedAt: string };
}

/** Evidence adds to an incident's sources or its standing and changes nothing else about it. */
export type EvidenceEvent = IncidentCorroborated | IncidentConfirmed;

/** Everything a pair's stream holds. */
export type RelationEvent = IncidentEvent | AmendmentEvent | EvidenceEvent;

export function isEvidence(event: RelationEvent): event is EvidenceEvent {
  return event.type === 'IncidentCorroborated' || event.type === 'IncidentConfirmed';
}

/** An incident's own report (not a later fact about one). */
export function isIncidentReport(event: RelationEvent): event is IncidentEvent {
  return !isAmendment(event) && !isEvidence(event);
}

export function isAmendment(event: RelationEvent): event is AmendmentEvent {
  return event.type === 'IncidentCorrected' || event.type === 'IncidentRetracted';
}
