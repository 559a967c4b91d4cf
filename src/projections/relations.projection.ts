import type { AmendmentEvent, EvidenceEvent, IncidentData } from '../domain/incident.js';
import { addPublisher, importedRowName, ownSourceCount, type IncidentEvidence } from './incident-evidence.js';
import { INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import { INCIDENT_TYPES } from '../domain/incident-types.js';
import { referenceInstant } from '../domain/occurrence.js';
import { parseIsoInstant } from '../domain/iso-instant.js';
import { isRelationStreamId, pairKey, pairOf } from '../domain/relation-pair.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import { WEIGHS_BY_DETAILS, type Beliefs } from './beliefs.js';
import { Column } from '../domain/growable-column.js';
import { FLAG_ACTOR_IS_B, FLAG_CAUSE_AMENDED, FLAG_AMENDED, FLAG_IMPORTED, type Amendment, type IncidentRows, type PairEntry } from './incident-rows.js';

/** The read model's name, as the status reports it. */
export const READ_MODEL_NAME = 'relation-state';
/** Version of the read model's code: bump it when folding changes, and persisted copies are rebuilt. */
export const READ_MODEL_VERSION = 6;

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
    if (stored.type === 'IncidentCorroborated' || stored.type === 'IncidentConfirmed') return this.applyEvidence(stored as unknown as EvidenceEvent & StoredEvent);
    return null;
  }

  /**
   * A corroboration adds its source and row to the incident's evidence, a confirmation its date
   * (and source); nothing else about the incident changes, but its weight may (evidence-weight.ts).
   */
  private applyEvidence(stored: EvidenceEvent & Pick<StoredEvent, 'revision' | 'eventId' | 'metadata'>): string | null {
    const row = this.rows.ids.get(stored.data.incidentId);
    if (row === undefined) return null;
    const entry = this.rows.pairOfRow(row);
    const recordedMs = parseIsoInstant(stored.data.recordedAt);
    const evidence = this.evidenceOf(row);
    const sourcesBefore = evidence.publishers.length;
    const confirmedBefore = evidence.confirmedMs !== undefined;
    if (stored.type === 'IncidentCorroborated') {
      addPublisher(evidence, stored.data.source, recordedMs);
      evidence.importedRows.push(importedRowName(stored.data.provenance));
    } else {
      if (stored.data.source) addPublisher(evidence, stored.data.source, recordedMs);
      evidence.confirmedMs ??= recordedMs;
    }
    // The pair's kept current view weighs this incident by its old evidence: index it anew on the next read.
    if (evidence.publishers.length !== sourcesBefore || (evidence.confirmedMs !== undefined) !== confirmedBefore) this.beliefs.forget(entry);
    this.noteEvent(entry, stored as unknown as StoredEvent, recordedMs);
    return entry.key;
  }

  private evidenceOf(row: number): IncidentEvidence {
    let evidence = this.rows.evidence.get(row);
    if (!evidence) this.rows.evidence.set(row, (evidence = { publishers: [], publishersSinceMs: [], importedRows: [] }));
    return evidence;
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
    const imported = data.provenance !== undefined;
    columns.flags.push((data.actor === entry.b ? FLAG_ACTOR_IS_B : 0) | (causeAmended ? FLAG_CAUSE_AMENDED : 0) | (imported ? FLAG_IMPORTED : 0));
    columns.type.push(ordinal);
    columns.sources.push(ownSourceCount(data.sources));
    // An imported incident's weight grows with its publishers: its own is the first (corroborations may repeat it).
    if (imported) for (const source of data.sources) addPublisher(this.evidenceOf(row), source, recordedMs);
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
