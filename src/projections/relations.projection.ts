import type { AmendmentEvent, IncidentCorroborated, IncidentData } from '../domain/incident.js';
import { importedRowName, independentSourceOf } from './incident-evidence.js';
import { INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import { INCIDENT_TYPES } from '../domain/incident-types.js';
import { referenceInstant } from '../domain/occurrence.js';
import { parseIsoInstant } from '../domain/iso-instant.js';
import { isRelationStreamId, pairKey, pairOf } from '../domain/relation-pair.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import { WEIGHS_BY_DETAILS, type Beliefs } from './beliefs.js';
import { Column } from '../domain/growable-column.js';
import { FLAG_ACTOR_IS_B, FLAG_CAUSE_AMENDED, FLAG_AMENDED, type Amendment, type IncidentRows, type PairEntry } from './incident-rows.js';

/** The read model's name, as the status reports it. */
export const READ_MODEL_NAME = 'relation-state';
/** Version of the read model's code: bump it when folding changes, and persisted copies are rebuilt. */
export const READ_MODEL_VERSION = 5;

const TYPE_ORDINALS = new Map<string, number>(INCIDENT_TYPES.map((type, i) => [type, i]));

/**
 * Applies the global log's events to the storage, one at a time, synchronously and without I/O:
 * a report adds a row (with its reference instant, which an answer takes from what it answers as
 * believed then), a correction or retraction is kept beside its row. O(1) per event.
 */
export class RelationsProjection {
  constructor(
    private readonly rows: IncidentRows,
    private readonly beliefs: Beliefs,
  ) {}

  /** Applies one event of the log; returns the pair it touched ("AZE-FRA"), or null for events of other kinds. */
  apply(stored: StoredEvent): string | null {
    // A store may be shared with other tools: only the pair streams are Demarche's, whatever an event is called.
    if (!isRelationStreamId(stored.streamId)) return null;
    const ordinal = TYPE_ORDINALS.get(stored.type);
    if (ordinal !== undefined) return this.applyReport(stored, ordinal);
    if (stored.type === 'IncidentCorrected' || stored.type === 'IncidentRetracted') return this.applyAmendment(stored);
    if (stored.type === 'IncidentCorroborated') return this.applyEvidence(stored);
    return null;
  }

  /** A corroboration adds its source and row to the incident's evidence; nothing else about the incident changes. */
  private applyEvidence(stored: StoredEvent): string | null {
    const { data } = stored as unknown as { data: IncidentCorroborated['data'] };
    const row = this.rows.ids.get(data.incidentId);
    if (row === undefined) return null;
    const entry = this.rows.pairOfRow(row);
    let evidence = this.rows.evidence.get(row);
    if (!evidence) this.rows.evidence.set(row, (evidence = { publishers: [], importedRows: [] }));
    const publisher = independentSourceOf(data.source);
    if (publisher !== undefined && !evidence.publishers.includes(publisher)) evidence.publishers.push(publisher);
    evidence.importedRows.push(importedRowName(data.provenance));
    this.noteEvent(entry, stored, Date.parse(data.recordedAt));
    return entry.key;
  }

  private applyReport(stored: StoredEvent, ordinal: number): string {
    const { rows } = this;
    const { columns } = rows;
    const data = stored.data as unknown as IncidentData;
    let n = rows.pairOfStream(stored.streamId);
    if (n === undefined) {
      const [a, b] = pairOf(data.actor, data.target);
      n = rows.addPair({ a, b, key: pairKey(a, b), streamId: stored.streamId, reports: new Column(Uint32Array), amendments: [], lastRevision: -1, lastRecordedMs: -Infinity });
    }
    const entry = rows.pairs[n];
    const row = rows.count;
    const recordedMs = parseIsoInstant(data.recordedAt);
    rows.ids.add(data.incidentId);
    columns.pairOfRow.push(n);
    columns.revision.push(stored.revision);
    rows.positions.push(stored.position);
    columns.recordedMs.push(recordedMs);
    const date = rows.dates.intern(data.occurredOn);
    const causeRow = data.inResponseTo === undefined ? undefined : rows.ids.get(data.inResponseTo);
    columns.atMs.push(referenceInstant(rows.periodOf(date), recordedMs, causeRow === undefined ? undefined : this.beliefs.causeAtMs(causeRow)));
    columns.occurredOn.push(date);
    const causeAmended = causeRow !== undefined && (columns.flags.get(causeRow) & (FLAG_AMENDED | FLAG_CAUSE_AMENDED)) !== 0;
    columns.flags.push((data.actor === entry.b ? FLAG_ACTOR_IS_B : 0) | (causeAmended ? FLAG_CAUSE_AMENDED : 0));
    columns.type.push(ordinal);
    // What the effect on the facts or the weight reads, and what an answer answers; the rest stays in the store.
    if (WEIGHS_BY_DETAILS[ordinal] || data.inResponseTo !== undefined || INCIDENT_CATALOG[INCIDENT_TYPES[ordinal]].effectReadsDetails?.(data)) {
      const { incidentId, actor, target, details, inResponseTo } = data;
      rows.effectData.set(row, { incidentId, actor, target, details, ...(inResponseTo !== undefined ? { inResponseTo } : {}) } as IncidentData);
      if (inResponseTo !== undefined) rows.noteAnswer(row, inResponseTo);
    }
    entry.reports.push(row);
    this.noteEvent(entry, stored, recordedMs);
    return entry.key;
  }

  private applyAmendment(stored: StoredEvent): string | null {
    const event = { type: stored.type, data: stored.data } as unknown as AmendmentEvent;
    const row = this.rows.ids.get(event.data.incidentId);
    if (row === undefined) return null;
    const entry = this.rows.pairOfRow(row);
    const recordedMs = parseIsoInstant(event.data.recordedAt);
    const changes = event.type === 'IncidentCorrected' ? event.data.changes : {};
    const amendment: Amendment = {
      row,
      type: event.type,
      recordedMs,
      position: stored.position,
      revision: stored.revision,
      ...(changes.occurredOn !== undefined ? { occurredOn: changes.occurredOn } : {}),
      ...(changes.details !== undefined ? { details: changes.details } : {}),
    };
    entry.amendments.push(amendment);
    this.rows.noteAmendment(amendment);
    this.noteEvent(entry, stored, recordedMs);
    return entry.key;
  }

  private noteEvent(entry: PairEntry, stored: StoredEvent, recordedMs: number): void {
    this.rows.events++;
    entry.lastRevision = stored.revision;
    entry.lastRecordedMs = Math.max(entry.lastRecordedMs, recordedMs);
    if (stored.metadata?.idempotencyKey !== undefined) this.rows.streamOfKeyedEvent.set(stored.eventId, stored.streamId);
  }
}
