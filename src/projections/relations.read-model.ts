import { createHash } from 'node:crypto';
import type { CountryCode } from '../domain/countries.js';
import { isAmendment, type AmendmentEvent, type IncidentData, type IncidentEvent, type RelationEvent } from '../domain/incident.js';
import { isIncidentType, type IncidentType } from '../domain/incident-catalog.js';
import { inContext } from '../domain/incident-effects.js';
import {
  incidentsKnownAt,
  relationAsOf,
  RelationHistory,
  relationTimeline,
  type RecordedRelationEvent,
  type RelationSnapshot,
  type TimelinePoint,
} from '../domain/relation-history.js';
import { pairKey } from '../domain/relation-pair.js';
import { describeRelation, foldRelation, type RelationView } from '../domain/relation-state.projection.js';
import type { StoredEvent } from '../event-store/event-store.port.js';

/** Version of the read model's code: bump it when folding changes, and persisted copies are rebuilt. */
export const READ_MODEL_VERSION = 2;

/** Where an event sits in the store. */
export interface LogAddress {
  eventId: string;
  streamId: string;
  revision: number;
  position: string;
}

type PairLogEntry = RecordedRelationEvent & LogAddress;

/** An incident as currently believed: the original report with corrections applied. */
export interface RecordedIncident extends LogAddress {
  type: IncidentType;
  data: IncidentData;
  /** Reference instant of the occurrence, epoch ms. */
  atMs: number;
  amendments: (AmendmentEvent['data'] & { type: AmendmentEvent['type'] })[];
  retracted: boolean;
}

interface PairEntry {
  a: CountryCode;
  b: CountryCode;
  /** Reports and amendments, in log order. */
  log: PairLogEntry[];
  /** Latest `recordedAt` of the pair's events, epoch ms: a view known at or after it knows everything. */
  lastRecordedMs: number;
  /** The incidents as believed now, indexed for as-of views; built on first read, dropped on the pair's next event. */
  history?: RelationHistory;
  /** The incidents as believed now, by id, with their amendments; built on first read, dropped on the pair's next event. */
  incidents?: Map<string, RecordedIncident>;
  /** The pair's part of hash(); computed on demand, dropped on the pair's next event. */
  digest?: string;
}

export interface IncidentFilter {
  pair?: string;
  type?: IncidentType;
  /** Occurrence reference instants, epoch ms, inclusive. */
  fromMs?: number;
  toMs?: number;
  /** Position of the last incident of the previous page. */
  after?: string;
  limit: number;
}

/** Which history to look at: incidents occurred by `asOfMs`, recorded by `knownAtMs`, scored at `atMs`. */
export interface Perspective {
  atMs: number;
  atIso: string;
  asOfMs?: number;
  knownAtMs?: number;
}

export interface RelationFilter {
  country?: CountryCode;
  level?: string;
}

/**
 * In-memory read model of every pair, fed from the global log. Applying an event is O(1);
 * folds happen lazily per pair and are cached until the pair's next event.
 */
export class RelationsReadModel {
  private readonly pairs = new Map<string, PairEntry>();
  /** incidentId → pair key. */
  private readonly pairOfIncident = new Map<string, string>();
  /** Every report's log entry in log order, for listing with a position cursor. */
  private readonly reports: PairLogEntry[] = [];
  /** eventId → stream, so a reused event id is recognised whichever stream it went to. */
  private readonly streamOfEventId = new Map<string, string>();
  /** Every event applied, in log order (the order the runner applies them in): what a persisted copy holds. */
  private readonly applied: PairLogEntry[] = [];

  constructor(private readonly comparePositions: (a: string, b: string) => number) {}

  get incidentCount(): number {
    return this.reports.length;
  }

  get pairCount(): number {
    return this.pairs.size;
  }

  get eventCount(): number {
    return this.applied.length;
  }

  /** Applies one event of the log; returns the pair it touched, or null for events of other kinds. */
  apply(stored: StoredEvent): { pairKey: string; event: RelationEvent } | null {
    const event = asRelationEvent(stored);
    if (!event) return null;
    const key = isAmendment(event)
      ? this.pairOfIncident.get(event.data.incidentId)
      : pairKey(event.data.actor, event.data.target);
    if (!key) return null;
    let entry = this.pairs.get(key);
    if (!entry) {
      const [a, b] = key.split('-');
      entry = { a, b, log: [], lastRecordedMs: -Infinity, history: undefined, incidents: undefined, digest: undefined };
      this.pairs.set(key, entry);
    }
    const item: PairLogEntry = {
      event,
      recordedMs: Date.parse(event.data.recordedAt),
      eventId: stored.eventId,
      streamId: stored.streamId,
      revision: stored.revision,
      position: stored.position,
    };
    entry.log.push(item);
    entry.lastRecordedMs = Math.max(entry.lastRecordedMs, item.recordedMs);
    entry.history = undefined;
    entry.incidents = undefined;
    entry.digest = undefined;
    this.applied.push(item);
    this.streamOfEventId.set(stored.eventId, stored.streamId);
    if (!isAmendment(event)) {
      this.pairOfIncident.set(event.data.incidentId, key);
      this.reports.push(item);
    }
    return { pairKey: key, event };
  }

  incident(incidentId: string): RecordedIncident | undefined {
    const key = this.pairOfIncident.get(incidentId);
    return key ? this.incidentsOf(this.pairs.get(key)!).get(incidentId) : undefined;
  }

  /** Incidents in the order they were reported, retracted ones left out. */
  listIncidents(filter: IncidentFilter): { items: RecordedIncident[]; next: string | null } {
    const reports = filter.pair ? this.reportsOf(filter.pair) : this.reports;
    const items: RecordedIncident[] = [];
    for (let i = filter.after ? this.firstAfter(reports, filter.after) : 0; i < reports.length; i++) {
      const incident = this.incident(reports[i].event.data.incidentId);
      if (!incident || incident.retracted) continue;
      if (filter.type && incident.type !== filter.type) continue;
      if (filter.fromMs !== undefined && incident.atMs < filter.fromMs) continue;
      if (filter.toMs !== undefined && incident.atMs > filter.toMs) continue;
      if (items.length === filter.limit) return { items, next: items[items.length - 1].position };
      items.push(incident);
    }
    return { items, next: null };
  }

  /** The stream an event id was recorded in, if the read model has applied it. */
  streamOfEvent(eventId: string): string | undefined {
    return this.streamOfEventId.get(eventId);
  }

  /** Revision of the last event of the pair's stream that the read model has applied. */
  streamRevision(a: CountryCode, b: CountryCode): number | undefined {
    return this.pairs.get(pairKey(a, b))?.log.at(-1)?.revision;
  }

  relation(a: CountryCode, b: CountryCode, perspective: Perspective): RelationView | undefined {
    const entry = this.pairs.get(pairKey(a, b));
    if (!entry) return undefined;
    return describeRelationAt(this.snapshot(entry, perspective), perspective);
  }

  relations(filter: RelationFilter, perspective: Perspective): RelationView[] {
    const views: RelationView[] = [];
    for (const entry of this.pairs.values()) {
      if (filter.country && entry.a !== filter.country && entry.b !== filter.country) continue;
      const view = describeRelationAt(this.snapshot(entry, perspective), perspective);
      if (view.incidentCount === 0) continue;
      if (filter.level && view.escalation.level !== filter.level) continue;
      views.push(view);
    }
    return views.sort((x, y) => y.escalation.score - x.escalation.score || x.pair.join().localeCompare(y.pair.join()));
  }

  timeline(a: CountryCode, b: CountryCode, instants: number[], knownAtMs?: number): TimelinePoint[] | undefined {
    const entry = this.pairs.get(pairKey(a, b));
    if (!entry) return undefined;
    return relationTimeline(incidentsKnownAt(entry.log, knownAtMs), instants);
  }

  /**
   * A digest of everything the read model holds, independent of when and how it was built:
   * a live model and a fresh rebuild from the same log hash the same. Each pair's part is kept
   * until the pair's next event, so hashing again after a few events refolds only their pairs.
   */
  hash(): string {
    const digest = createHash('sha256');
    for (const key of [...this.pairs.keys()].sort()) digest.update(`${key}:${this.pairDigest(this.pairs.get(key)!)}\n`);
    return digest.digest('hex');
  }

  /** Every event applied, in log order: what a persisted copy needs to restore. */
  *entries(): Iterable<StoredEvent> {
    for (const item of this.applied) {
      yield {
        eventId: item.eventId,
        streamId: item.streamId,
        revision: item.revision,
        position: item.position,
        type: item.event.type,
        data: item.event.data as never,
        metadata: {},
      };
    }
  }

  private snapshot(entry: PairEntry, perspective: Perspective): RelationSnapshot {
    const { asOfMs, knownAtMs, atMs } = perspective;
    if (asOfMs === undefined && knownAtMs === undefined) return this.history(entry).asOf();
    // Known at or after the pair's last event is known now: the indexed history answers.
    if (knownAtMs === undefined || knownAtMs >= entry.lastRecordedMs) return this.history(entry).asOf(atMs);
    return relationAsOf(entry.a, entry.b, incidentsKnownAt(entry.log, knownAtMs), atMs);
  }

  /** The pair's events (position, id, type) and its folded state. */
  private pairDigest(entry: PairEntry): string {
    if (entry.digest) return entry.digest;
    const digest = createHash('sha256');
    for (const item of entry.log) digest.update(`|${item.position}|${item.eventId}|${item.event.type}`);
    // The folded state, from the pair's history when a read has built it; otherwise folded here and not kept.
    const state = entry.history ? entry.history.asOf().state : foldRelation(entry.a, entry.b, incidentsKnownAt(entry.log));
    digest.update(JSON.stringify(state));
    entry.digest = digest.digest('hex');
    return entry.digest;
  }

  private history(entry: PairEntry): RelationHistory {
    entry.history ??= new RelationHistory(entry.a, entry.b, incidentsKnownAt(entry.log));
    return entry.history;
  }

  private incidentsOf(entry: PairEntry): Map<string, RecordedIncident> {
    if (entry.incidents) return entry.incidents;
    const believed = incidentsKnownAt(entry.log);
    const incidents = new Map<string, RecordedIncident>();
    for (const item of entry.log) {
      const id = item.event.data.incidentId;
      if (!isAmendment(item.event)) {
        incidents.set(id, { ...address(item), type: item.event.type, data: item.event.data, atMs: 0, amendments: [], retracted: false });
      } else {
        const incident = incidents.get(id);
        if (!incident) continue;
        incident.amendments.push({ type: item.event.type, ...item.event.data } as RecordedIncident['amendments'][number]);
        if (item.event.type === 'IncidentRetracted') incident.retracted = true;
      }
    }
    for (const event of believed) {
      const incident = incidents.get(event.data.incidentId)!;
      incident.data = event.data;
    }
    for (const incident of incidents.values()) incident.atMs = inContext(incident).atMs;
    entry.incidents = incidents;
    return incidents;
  }

  private reportsOf(key: string): PairLogEntry[] {
    return this.pairs.get(key)?.log.filter((item) => !isAmendment(item.event)) ?? [];
  }

  /** Index of the first report strictly after `position` (reports are in log order). */
  private firstAfter(reports: { position: string }[], position: string): number {
    let lo = 0;
    let hi = reports.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.comparePositions(reports[mid].position, position) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function describeRelationAt(snapshot: RelationSnapshot, perspective: Perspective): RelationView {
  return describeRelation(snapshot.state, snapshot.scored, perspective.atMs, perspective.atIso);
}

function address(item: PairLogEntry): LogAddress {
  return { eventId: item.eventId, streamId: item.streamId, revision: item.revision, position: item.position };
}

function asRelationEvent(stored: StoredEvent): RelationEvent | null {
  if (isIncidentType(stored.type)) return { type: stored.type, data: stored.data as unknown as IncidentData } as IncidentEvent;
  if (stored.type === 'IncidentCorrected' || stored.type === 'IncidentRetracted') {
    return { type: stored.type, data: stored.data } as unknown as AmendmentEvent;
  }
  return null;
}
