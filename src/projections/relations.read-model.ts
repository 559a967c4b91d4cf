import type { CountryCode } from '../domain/countries.js';
import type { ScoredIncident } from '../domain/escalation.js';
import type { IncidentData, IncidentEvent } from '../domain/incident.js';
import { isIncidentType, type IncidentType } from '../domain/incident-catalog.js';
import { inContext } from '../domain/relation.decider.js';
import { pairKey } from '../domain/relation-pair.js';
import {
  describeRelation,
  foldRelation,
  scoredIncident,
  type RelationState,
  type RelationView,
} from '../domain/relation-state.projection.js';
import type { StoredEvent } from '../event-store/event-store.port.js';

/** An incident as the read side knows it: the event and where it sits in the log. */
export interface RecordedIncident {
  eventId: string;
  streamId: string;
  revision: number;
  position: string;
  type: IncidentType;
  data: IncidentData;
  /** Reference instant of the occurrence, epoch ms. */
  atMs: number;
}

interface PairEntry {
  a: CountryCode;
  b: CountryCode;
  /** In log order. */
  incidents: RecordedIncident[];
  /** The fold of `incidents` in occurrence order; dropped whenever an incident arrives. */
  folded?: { state: RelationState; scored: ScoredIncident[] };
}

export interface IncidentFilter {
  pair?: string;
  type?: IncidentType;
  /** Occurrence instants, epoch ms, inclusive. */
  fromMs?: number;
  toMs?: number;
  /** Position of the last incident of the previous page. */
  after?: string;
  limit: number;
}

export interface RelationFilter {
  country?: CountryCode;
  level?: string;
}

/**
 * In-memory read model of every pair's incidents, fed from the global log. Relation states are
 * folded lazily per pair and cached until the pair's next incident, so applying an event is O(1).
 */
export class RelationsReadModel {
  private readonly pairs = new Map<string, PairEntry>();
  private readonly byIncidentId = new Map<string, RecordedIncident>();
  /** Every incident in log order, for listing with a position cursor. */
  private readonly log: RecordedIncident[] = [];

  constructor(private readonly comparePositions: (a: string, b: string) => number) {}

  get incidentCount(): number {
    return this.log.length;
  }

  get pairCount(): number {
    return this.pairs.size;
  }

  /** Returns the incident when the event was one, else null (other event types are ignored). */
  apply(event: StoredEvent): RecordedIncident | null {
    if (!isIncidentType(event.type)) return null;
    const incidentEvent = { type: event.type, data: event.data as unknown as IncidentData };
    const incident: RecordedIncident = {
      eventId: event.eventId,
      streamId: event.streamId,
      revision: event.revision,
      position: event.position,
      type: incidentEvent.type,
      data: incidentEvent.data,
      atMs: inContext(incidentEvent).atMs,
    };
    const key = pairKey(incident.data.actor, incident.data.target);
    let entry = this.pairs.get(key);
    if (!entry) {
      const [a, b] = key.split('-');
      entry = { a, b, incidents: [] };
      this.pairs.set(key, entry);
    }
    entry.incidents.push(incident);
    entry.folded = undefined;
    this.byIncidentId.set(incident.data.incidentId, incident);
    this.log.push(incident);
    return incident;
  }

  incident(incidentId: string): RecordedIncident | undefined {
    return this.byIncidentId.get(incidentId);
  }

  listIncidents(filter: IncidentFilter): { items: RecordedIncident[]; next: string | null } {
    const source = filter.pair ? (this.pairs.get(filter.pair)?.incidents ?? []) : this.log;
    const items: RecordedIncident[] = [];
    for (let i = filter.after ? this.firstAfter(source, filter.after) : 0; i < source.length; i++) {
      const incident = source[i];
      if (filter.type && incident.type !== filter.type) continue;
      if (filter.fromMs !== undefined && incident.atMs < filter.fromMs) continue;
      if (filter.toMs !== undefined && incident.atMs > filter.toMs) continue;
      if (items.length === filter.limit) return { items, next: items[items.length - 1].position };
      items.push(incident);
    }
    return { items, next: null };
  }

  relation(a: CountryCode, b: CountryCode, atMs: number, atIso: string): RelationView | undefined {
    const entry = this.pairs.get(pairKey(a, b));
    return entry ? this.describe(entry, atMs, atIso) : undefined;
  }

  relations(filter: RelationFilter, atMs: number, atIso: string): RelationView[] {
    const views: RelationView[] = [];
    for (const entry of this.pairs.values()) {
      if (filter.country && entry.a !== filter.country && entry.b !== filter.country) continue;
      const view = this.describe(entry, atMs, atIso);
      if (filter.level && view.escalation.level !== filter.level) continue;
      views.push(view);
    }
    return views.sort((x, y) => y.escalation.score - x.escalation.score || x.pair.join().localeCompare(y.pair.join()));
  }

  private describe(entry: PairEntry, atMs: number, atIso: string): RelationView {
    if (!entry.folded) {
      const events: IncidentEvent[] = entry.incidents.map(({ type, data }) => ({ type, data }));
      entry.folded = { state: foldRelation(entry.a, entry.b, events), scored: events.map(scoredIncident) };
    }
    return describeRelation(entry.folded.state, entry.folded.scored, atMs, atIso);
  }

  /** Index of the first incident strictly after `position` (incidents are in log order). */
  private firstAfter(incidents: RecordedIncident[], position: string): number {
    let lo = 0;
    let hi = incidents.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.comparePositions(incidents[mid].position, position) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
