import type { CountryCode } from '../domain/countries.js';
import type { CountryPair } from '../domain/relation-pair.js';
import type { RelationView } from '../domain/relation-view.js';
import type { EvidenceFilter } from '../domain/evidence-weight.js';
import { fieldReaderOf, type FieldReader } from '../event-store/event-fields.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import { Beliefs } from './beliefs.js';
import { IncidentDirectory } from './incident-directory.js';
import { IncidentDocuments, type EventReader } from './incident-documents.js';
import { IncidentRows, type ReadModelParts } from './incident-rows.js';
import { KeptEarliestIncidents } from './kept-earliest-incidents.js';
import { KeptMonthOpenings, type MonthOpening } from './kept-month-openings.js';
import { KeptNextIncident } from './kept-next-incident.js';
import { PairRankings, type RankingAheadPass } from './pair-rankings.js';
import { incidentById, type RecordedIncident } from './queries/incident.query.js';
import { incidentsPage, type IncidentFilter } from './queries/incidents-page.query.js';
import { pairIndex, type PairIndex } from './queries/pair-index.query.js';
import { pairsHeld } from './queries/pairs.query.js';
import { firstIncidentAt, relationList, type RelationFilter } from './queries/relation-list.query.js';
import { relationPage, scoresAt, type PageRequest, type RelationPage } from './queries/relation-page.query.js';
import { relationSweep, type RelationSweep } from './queries/relation-sweep.query.js';
import { relationFigures, relationOf } from './queries/relation-view.query.js';
import { timelineOf, timelineSweep, type ListedTimelinePoint, type TimelineListing, type TimelineSweep } from './queries/timeline.query.js';
import { ReadModelHash } from './read-model-hash.js';
import type { Perspective, ReadSide } from './read-side.js';
import { RelationsProjection } from './relations.projection.js';

export type { EventReader } from './incident-documents.js';
export type { ReadModelParts } from './incident-rows.js';
export type { LogAddress } from './log-address.js';
export type { RankingAheadPass } from './pair-rankings.js';
export type { RecordedIncident } from './queries/incident.query.js';
export type { IncidentFilter } from './queries/incidents-page.query.js';
export type { RelationFilter } from './queries/relation-list.query.js';
export type { PageRequest, RelationPage } from './queries/relation-page.query.js';
export type { RelationSweep } from './queries/relation-sweep.query.js';
export type { TimelineSweep } from './queries/timeline.query.js';
export type { Perspective } from './read-side.js';
export { READ_MODEL_VERSION } from './relations.projection.js';

/**
 * The read side of every pair, fed from the global log, as one object for the runner and the
 * controllers: the storage (incident-rows.ts), the projection that applies events to it, what is
 * believed of it (beliefs.ts), the documents in the store, one module per query (queries/), the
 * integrity hash and the directory the write side asks. It wires them and says nothing itself.
 */
export class RelationsReadModel {
  /** Which stream an incident or a keyed event belongs to: what the write side looks up. */
  readonly directory: IncidentDirectory;
  private readonly rows: IncidentRows;
  private readonly projection: RelationsProjection;
  private readonly side: ReadSide;
  private readonly integrity: ReadModelHash;

  /** `readFields` reads only some fields of events (a long timeline's headlines); by default `readEvents`' whole events, picked. */
  constructor(comparePositions: (a: string, b: string) => number, readEvents: EventReader, saved?: ReadModelParts, readFields: FieldReader = fieldReaderOf({ readStream: readEvents })) {
    this.rows = new IncidentRows(saved);
    const beliefs = new Beliefs(this.rows);
    this.projection = new RelationsProjection(this.rows, beliefs);
    this.side = {
      rows: this.rows,
      beliefs,
      documents: new IncidentDocuments(this.rows, beliefs, readEvents, readFields),
      rankings: new PairRankings(this.rows, beliefs),
      earliest: new KeptEarliestIncidents(this.rows),
      nextIncident: new KeptNextIncident(this.rows, beliefs),
      monthOpenings: new KeptMonthOpenings(this.rows),
      comparePositions,
    };
    this.integrity = new ReadModelHash(this.rows, beliefs);
    this.directory = new IncidentDirectory(this.rows);
  }

  get incidentCount(): number {
    return this.rows.count;
  }

  get pairCount(): number {
    return this.rows.pairs.length;
  }

  get eventCount(): number {
    return this.rows.events;
  }

  /** Applies one event of the log; returns the pair it touched ("AZE-FRA"), or null for events of other kinds. */
  apply(stored: StoredEvent): string | null {
    return this.projection.apply(stored);
  }

  /** The pair ("AZE-FRA") an incident belongs to. */
  pairOf(incidentId: string): string | undefined {
    return this.directory.pairOfIncident(incidentId);
  }

  /** The stream an event written under an Idempotency-Key was recorded in, if the read model has applied it. */
  streamOfEvent(eventId: string): string | undefined {
    return this.directory.streamOfEvent(eventId);
  }

  /** Revision of the last event of the pair's stream that the read model has applied. */
  streamRevision(a: CountryCode, b: CountryCode): number | undefined {
    return this.rows.pair(a, b)?.lastRevision;
  }

  /** As currently believed, or as believed at `knownAtMs` (undefined if reported after). */
  incident(incidentId: string, knownAtMs?: number): Promise<RecordedIncident | undefined> {
    return incidentById(this.side, incidentId, knownAtMs);
  }

  /** Whether the incident's evidence, as known now, passes `filter` (false for an unknown incident). */
  passesEvidence(incidentId: string, filter: EvidenceFilter): boolean {
    const row = this.rows.ids.get(incidentId);
    return row !== undefined && this.side.beliefs.passes(row, filter);
  }

  /** Incidents in the order they were reported, retracted ones left out. */
  listIncidents(filter: IncidentFilter): Promise<{ items: RecordedIncident[]; next: string | null }> {
    return incidentsPage(this.side, filter);
  }

  relation(a: CountryCode, b: CountryCode, perspective: Perspective): Promise<RelationView | undefined> {
    return relationOf(this.side, a, b, perspective);
  }

  /** The relation without its top contributors: what a live update shows, computed synchronously. */
  relationFigures(a: CountryCode, b: CountryCode, perspective: Perspective): RelationView | undefined {
    return relationFigures(this.side, a, b, perspective);
  }

  relations(filter: RelationFilter, perspective: Perspective): Promise<RelationView[]> {
    return relationList(this.side, filter, perspective);
  }

  /** One page of relations(), in the same order, with only the page described in full. */
  relationPage(filter: RelationFilter, perspective: Perspective, page: PageRequest): Promise<RelationPage> {
    return relationPage(this.side, filter, perspective, page);
  }

  /** Reference instant of the first incident of any pair, as believed now, after `atMs` (Infinity when none): what a kept answer of now over several pairs may not outlive. */
  nextIncidentAfter(atMs: number): number {
    return this.side.nextIncident.after(atMs);
  }

  /** A pass ranking the pairs from `perspective` again, if its kept ranking is read and will not hold `leadMs` from now (pair-rankings.ts); undefined otherwise. */
  rankingAhead(perspective: Perspective, leadMs: number): RankingAheadPass | undefined {
    return this.side.rankings.beginAhead(perspective, leadMs);
  }

  /** The opening of the month under way (months.query.ts), kept until the log advances or an incident of the month comes due. */
  keptMonthOpening(a: CountryCode, b: CountryCode, perspective: Perspective, monthStartMs: number, to: number, open: () => MonthOpening): MonthOpening {
    return this.side.monthOpenings.of(a, b, perspective, monthStartMs, to, open);
  }

  /** Every pair of relations() (or one page of relationPage()), in the same order, described one at a time as they are read: for answers too long to build whole. */
  relationSweep(filter: RelationFilter, perspective: Perspective, page?: PageRequest): RelationSweep {
    return relationSweep(this.side, filter, perspective, page);
  }

  /** The pair's score at each instant: a sparkline. */
  scoresAt(a: CountryCode, b: CountryCode, instants: readonly number[], knownAtMs?: number, evidence?: EvidenceFilter): number[] | undefined {
    return scoresAt(this.side, a, b, instants, knownAtMs, evidence);
  }

  pairIndex(a: CountryCode, b: CountryCode, knownAtMs?: number, evidence?: EvidenceFilter): PairIndex | undefined {
    return pairIndex(this.side, a, b, knownAtMs, evidence);
  }

  /** The pairs held, or those of `country`. */
  pairs(country?: CountryCode): CountryPair[] {
    return pairsHeld(this.side, country);
  }

  firstIncidentAt(country?: CountryCode, knownAtMs?: number): number | undefined {
    return firstIncidentAt(this.side, country, knownAtMs);
  }

  timeline(a: CountryCode, b: CountryCode, instants: readonly number[], knownAtMs?: number, evidence?: EvidenceFilter, listing?: TimelineListing): Promise<ListedTimelinePoint[] | undefined> {
    return timelineOf(this.side, a, b, instants, knownAtMs, evidence, listing);
  }

  /** The same points as `timeline`, their documents read as they are taken: for a listing too long to build whole. */
  timelineSweep(a: CountryCode, b: CountryCode, instants: readonly number[], knownAtMs?: number, evidence?: EvidenceFilter, listing?: TimelineListing): TimelineSweep | undefined {
    return timelineSweep(this.side, a, b, instants, knownAtMs, evidence, listing);
  }

  hash(): string {
    return this.integrity.hash();
  }

  /** Everything needed to restore this model without the log up to its checkpoint (see ProjectionRunner). */
  toParts(): ReadModelParts {
    return this.rows.toParts();
  }
}
