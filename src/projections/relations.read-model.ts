import { createHash } from 'node:crypto';
import type { CountryCode } from '../domain/countries.js';
import { contributionOf, ESCALATION_LEVELS, explained, multiplierOf, type Contribution } from '../domain/escalation.js';
import type { TimelinePoint } from '../domain/relation-history.js';
import { type AmendmentEvent, type IncidentCorrected, type IncidentData, type IncidentDetails, type IncidentEvent } from '../domain/incident.js';
import { INCIDENT_CATALOG, INCIDENT_TYPES, type IncidentInContext, type IncidentType } from '../domain/incident-catalog.js';
import { parseOccurrence, referenceInstant, type Period } from '../domain/occurrence.js';
import { applyIncident } from '../domain/incident-effects.js';
import { noFacts } from '../domain/relation-facts.js';
import { changesFacts, countsByTypeOf, RelationIndex, type IncidentColumns } from '../domain/relation-index.js';
import { isRelationStreamId, pairKey, pairOf } from '../domain/relation-pair.js';
import { parseIsoInstant } from '../domain/iso-instant.js';
import { relationView, scoredIncident, type IncidentRef, type RelationState, type RelationView } from '../domain/relation-state.projection.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import { ChunkedColumn, Column, IncidentIdIndex, PositionColumn, StringPool } from './incident-table.js';

/** Version of the read model's code: bump it when folding changes, and persisted copies are rebuilt. */
export const READ_MODEL_VERSION = 4;

/** Where an event sits in the store. */
export interface LogAddress {
  eventId: string;
  streamId: string;
  revision: number;
  position: string;
}

/** An incident as currently believed: the original report with corrections applied. */
export interface RecordedIncident extends LogAddress {
  type: IncidentType;
  data: IncidentData;
  /** Reference instant of the occurrence, epoch ms. */
  atMs: number;
  amendments: (AmendmentEvent['data'] & { type: AmendmentEvent['type'] })[];
  retracted: boolean;
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

/** Reads up to `count` events of a stream from `revision` on: where the read model finds incidents' documents. */
export type EventReader = (streamId: string, revision: number, count: number) => Promise<StoredEvent[]>;

/** Revisions between two wanted reports up to which one read of the run beats two reads. */
const DOCUMENT_GAP = 16;

/** A correction or retraction, as the read side keeps it: what it computes with; the rest stays in the store. */
interface Amendment {
  row: number;
  type: AmendmentEvent['type'];
  recordedMs: number;
  position: string;
  revision: number;
  /** A correction's new date and details, which move the incident in time and change its weight or effect. */
  occurredOn?: string;
  details?: IncidentDetails;
}

/** What is believed of one incident at some instant of knowledge: its report with the corrections known by then. */
interface Belief {
  retracted: boolean;
  atMs: number;
  multiplier: number;
  occurredOn: string;
  /** For incidents whose type changes the facts or weighs by its details: what the effect and weight read. */
  effectData?: IncidentData;
}

/** A pair's believed incidents (rows, in report order) with their index; rows with amendments carry their belief. */
interface BelievedView {
  rows: Column<Uint32Array>;
  beliefs: Map<number, Belief>;
  index: RelationIndex;
}

interface PairEntry {
  a: CountryCode;
  b: CountryCode;
  /** "AZE-FRA" */
  key: string;
  streamId: string;
  /** Rows of the pair's reports, in log order. */
  reports: Column<Uint32Array>;
  /** Corrections and retractions, in log order. */
  amendments: Amendment[];
  lastRevision: number;
  /** Latest `recordedAt` of the pair's events, epoch ms: a view known at or after it knows everything. */
  lastRecordedMs: number;
  /** What is believed now, indexed; built on first read, grown by reports that happened last, dropped otherwise. */
  current?: BelievedView;
  /** The pair's part of hash(); dropped on the pair's next event. */
  digest?: string;
}

/** `flags` bit: the incident has corrections or a retraction. */
const FLAG_AMENDED = 1;
/** `flags` bit: the actor is the pair's second country (what facts need of incidents whose details are not kept). */
const FLAG_ACTOR_IS_B = 2;
/** `flags` bit: the incident answers one with corrections or a retraction, which may move when it counts from. */
const FLAG_CAUSE_AMENDED = 4;
const TYPE_ORDINALS = new Map<string, number>(INCIDENT_TYPES.map((type, i) => [type, i]));
/** Types whose weight depends on their details: the read side keeps those at hand. */
const WEIGHS_BY_DETAILS = INCIDENT_TYPES.map((type) => INCIDENT_CATALOG[type].magnitude !== undefined);
/** Types whose effect needs details the read side keeps only when they matter (a peace agreement): without them, no effect. */
const EFFECT_NEEDS_KEPT_DETAILS = INCIDENT_TYPES.map((type) => INCIDENT_CATALOG[type].effect !== undefined && INCIDENT_CATALOG[type].effectReadsDetails !== undefined);
/** Rank of each level, for ordering pairs: rupture first. */
const LEVEL_RANK = new Map<string, number>(ESCALATION_LEVELS.map((band, rank) => [band.level, rank]));
/** m_i of the types whose weight does not depend on their details. */
const FIXED_MULTIPLIER = INCIDENT_TYPES.map((type) => multiplierOf(type, { details: {} } as unknown as IncidentData));

/**
 * The read side of every pair, fed from the global log, held as columns of numbers (see
 * incident-table.ts: 56 bytes per incident, about 90 with the rest) with the documents left in
 * the event store and read back, a run of revisions at a time, for what a response shows
 * (summaries, sources). Applying an event is O(1); each pair's RelationIndex is built on its
 * first read and kept, growing with reports that happened last, so views as of any instant cost
 * O(log n) (relation-index.ts). Views of earlier knowledge (knownAt) index the pair for the query.
 *
 * Only the embedded store gives a cheap read by revision; on EventStoreDB each response reads its
 * documents over the network (a few runs per response).
 */
export class RelationsReadModel {
  private readonly ids: IncidentIdIndex;
  private readonly pairOfRow: ChunkedColumn<Uint16Array>;
  private readonly revision: ChunkedColumn<Uint32Array>;
  private readonly positions: PositionColumn;
  private readonly recordedMs: ChunkedColumn<Float64Array>;
  private readonly atMs: ChunkedColumn<Float64Array>;
  private readonly type: ChunkedColumn<Uint8Array>;
  private readonly occurredOn: ChunkedColumn<Uint32Array>;
  private readonly flags: ChunkedColumn<Uint8Array>;
  private readonly dates: StringPool;
  /** The actors, target and details of incidents whose type changes the facts or weighs by its details, by row. */
  private readonly effectData: Map<number, IncidentData>;
  private readonly amendmentsOf = new Map<number, Amendment[]>();
  /** The rows answering each row (a reciprocal expulsion, a summons in protest): they move when it does. */
  private readonly answersTo = new Map<number, number[]>();
  private readonly pairs: PairEntry[] = [];
  private readonly pairByStream = new Map<string, number>();
  private readonly pairByKey = new Map<string, number>();
  /** Event ids derived from an Idempotency-Key → stream, so a key reused for another pair is recognised. */
  private readonly streamOfKeyedEvent: Map<string, string>;
  private events = 0;
  /** Reused by hash() for each pair's reports. */
  private readonly digestScratch = new Uint32Array(6 * 4096);
  /** Parsed periods of the distinct dates, by their number in `dates`. */
  private readonly periods: Period[] = [];

  constructor(
    private readonly comparePositions: (a: string, b: string) => number,
    private readonly readEvents: EventReader,
    saved?: ReadModelParts,
  ) {
    this.ids = new IncidentIdIndex(saved?.ids);
    // 249 countries make at most 30,876 pairs.
    this.pairOfRow = saved ? ChunkedColumn.from(Uint16Array, saved.pairOfRow) : new ChunkedColumn(Uint16Array);
    this.revision = saved ? ChunkedColumn.from(Uint32Array, saved.revision) : new ChunkedColumn(Uint32Array);
    this.positions = saved ? PositionColumn.fromSnapshot(saved.positions) : new PositionColumn();
    this.recordedMs = saved ? ChunkedColumn.from(Float64Array, saved.recordedMs) : new ChunkedColumn(Float64Array);
    this.atMs = saved ? ChunkedColumn.from(Float64Array, saved.atMs) : new ChunkedColumn(Float64Array);
    this.type = saved ? ChunkedColumn.from(Uint8Array, saved.type) : new ChunkedColumn(Uint8Array);
    this.occurredOn = saved ? ChunkedColumn.from(Uint32Array, saved.occurredOn) : new ChunkedColumn(Uint32Array);
    this.flags = saved ? ChunkedColumn.from(Uint8Array, saved.flags) : new ChunkedColumn(Uint8Array);
    this.dates = new StringPool(saved?.dates);
    this.effectData = new Map(saved?.effectData);
    for (const [row, data] of this.effectData) if (data.inResponseTo !== undefined) this.noteAnswer(row, data.inResponseTo);
    this.streamOfKeyedEvent = new Map(saved?.streamOfKeyedEvent);
    this.events = saved?.events ?? 0;
    for (const pair of saved?.pairs ?? []) {
      const entry: PairEntry = { ...pair, key: pairKey(pair.a, pair.b), reports: Column.from(Uint32Array, pair.reports) };
      this.addPair(entry);
      for (const amendment of entry.amendments) this.noteAmendment(amendment);
    }
  }

  get incidentCount(): number {
    return this.type.length;
  }

  get pairCount(): number {
    return this.pairs.length;
  }

  get eventCount(): number {
    return this.events;
  }

  /** Applies one event of the log; returns the pair it touched ("AZE-FRA"), or null for events of other kinds. */
  apply(stored: StoredEvent): string | null {
    // A store may be shared with other tools: only the pair streams are Demarche's, whatever an event is called.
    if (!isRelationStreamId(stored.streamId)) return null;
    const ordinal = TYPE_ORDINALS.get(stored.type);
    if (ordinal !== undefined) return this.applyReport(stored, ordinal);
    if (stored.type === 'IncidentCorrected' || stored.type === 'IncidentRetracted') return this.applyAmendment(stored);
    return null;
  }

  /** The pair ("AZE-FRA") an incident belongs to. */
  pairOf(incidentId: string): string | undefined {
    const row = this.ids.get(incidentId);
    return row === undefined ? undefined : this.pairs[this.pairOfRow.get(row)].key;
  }

  async incident(incidentId: string): Promise<RecordedIncident | undefined> {
    const row = this.ids.get(incidentId);
    return row === undefined ? undefined : (await this.recorded([row]))[0];
  }

  /** Incidents in the order they were reported, retracted ones left out. */
  async listIncidents(filter: IncidentFilter): Promise<{ items: RecordedIncident[]; next: string | null }> {
    let rows: Uint32Array | undefined;
    if (filter.pair !== undefined) {
      const n = this.pairByKey.get(filter.pair);
      rows = n === undefined ? new Uint32Array(0) : this.pairs[n].reports.data.subarray(0, this.pairs[n].reports.length);
    }
    const count = rows ? rows.length : this.type.length;
    const rowAt = (i: number) => (rows ? rows[i] : i);
    const matching: number[] = [];
    let next: string | null = null;
    for (let i = filter.after ? this.firstAfter(count, rowAt, filter.after) : 0; i < count; i++) {
      const row = rowAt(i);
      const belief = this.belief(row);
      if (belief.retracted) continue;
      if (filter.type !== undefined && INCIDENT_TYPES[this.type.get(row)] !== filter.type) continue;
      if (filter.fromMs !== undefined && belief.atMs < filter.fromMs) continue;
      if (filter.toMs !== undefined && belief.atMs > filter.toMs) continue;
      if (matching.length === filter.limit) {
        next = this.positions.get(matching[matching.length - 1]);
        break;
      }
      matching.push(row);
    }
    return { items: await this.recorded(matching), next };
  }

  /** The stream an event written under an Idempotency-Key was recorded in, if the read model has applied it. */
  streamOfEvent(eventId: string): string | undefined {
    return this.streamOfKeyedEvent.get(eventId);
  }

  /** Revision of the last event of the pair's stream that the read model has applied. */
  streamRevision(a: CountryCode, b: CountryCode): number | undefined {
    return this.entry(a, b)?.lastRevision;
  }

  async relation(a: CountryCode, b: CountryCode, perspective: Perspective): Promise<RelationView | undefined> {
    const entry = this.entry(a, b);
    return entry ? this.describe(entry, perspective) : undefined;
  }

  /**
   * The relation without its top contributors (which are read from the store): what a live
   * update shows, computed synchronously as the event is applied.
   */
  relationFigures(a: CountryCode, b: CountryCode, perspective: Perspective): RelationView | undefined {
    const entry = this.entry(a, b);
    if (!entry) return undefined;
    const { view, state, figures } = this.figures(entry, perspective);
    return relationView(state, explained(figures, view.index.conditionsAt(perspective.atMs), []), perspective.atIso);
  }

  async relations(filter: RelationFilter, perspective: Perspective): Promise<RelationView[]> {
    const views: RelationView[] = [];
    const latestAt = new Map<RelationView, number>();
    for (const entry of this.pairs) {
      if (filter.country && entry.a !== filter.country && entry.b !== filter.country) continue;
      const view = await this.describe(entry, perspective);
      if (view.incidentCount === 0) continue;
      if (filter.level && view.escalation.level !== filter.level) continue;
      views.push(view);
      latestAt.set(view, this.believedView(entry, perspective.knownAtMs).index.latestBy(perspective.atMs));
    }
    // Level first (the bands an analyst reads), then score, then the pair that moved last.
    return views.sort(
      (x, y) =>
        LEVEL_RANK.get(y.escalation.level)! - LEVEL_RANK.get(x.escalation.level)! ||
        y.escalation.score - x.escalation.score ||
        (latestAt.get(y) ?? -Infinity) - (latestAt.get(x) ?? -Infinity) ||
        x.pair.join().localeCompare(y.pair.join()),
    );
  }

  /**
   * The pair's believed incidents at `knownAtMs`, indexed by occurrence, with the type of each (by
   * its index in the index's order given): what queries over a pair's history read (see relation-months.ts).
   */
  pairIndex(a: CountryCode, b: CountryCode, knownAtMs?: number): { index: RelationIndex; typeOf(i: number): IncidentType } | undefined {
    const entry = this.entry(a, b);
    if (!entry) return undefined;
    const { index, rows } = this.believedView(entry, knownAtMs);
    return { index, typeOf: (i) => INCIDENT_TYPES[this.type.get(rows.data[i])] };
  }

  /** Reference instant of the earliest incident believed at `knownAtMs` among the pairs with `country` (all pairs by default). */
  firstIncidentAt(country?: CountryCode, knownAtMs?: number): number | undefined {
    let first: number | undefined;
    for (const entry of this.pairs) {
      if (country && entry.a !== country && entry.b !== country) continue;
      const { index } = this.believedView(entry, knownAtMs);
      if (index.size > 0 && (first === undefined || index.earliest() < first)) first = index.earliest();
    }
    return first;
  }

  /** Score and level at each instant (sorted), with the incidents arriving at each. */
  async timeline(a: CountryCode, b: CountryCode, instants: readonly number[], knownAtMs?: number): Promise<TimelinePoint[] | undefined> {
    const entry = this.entry(a, b);
    if (!entry) return undefined;
    const view = this.believedView(entry, knownAtMs);
    let arrived = 0;
    const points = instants.map((atMs) => {
      const { score, level } = view.index.escalationAt(atMs);
      const occurred = view.index.occurredBy(atMs);
      const incidents = view.index.sortedBetween(arrived, occurred);
      arrived = occurred;
      return { atMs, score, level, incidents };
    });
    const events = await this.believedEvents(view, points.flatMap((point) => point.incidents.map((i) => view.rows.data[i])), knownAtMs);
    let next = 0;
    return points.map(({ incidents, ...point }) => ({ ...point, incidents: incidents.map(() => events[next++]) }));
  }

  /**
   * A digest of everything the read model holds, independent of when and how it was built:
   * a live model and a fresh rebuild from the same log hash the same. Each pair's part is kept
   * until the pair's next event, so hashing again after a few events refolds only their pairs.
   */
  hash(): string {
    const digest = createHash('sha256');
    const keyed = this.pairs.map((entry) => [entry.key, entry] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    for (const [key, entry] of keyed) digest.update(`${key}:${this.pairDigest(entry)}\n`);
    return digest.digest('hex');
  }

  /** Everything needed to restore this model without the log up to its checkpoint (see ProjectionRunner). */
  toParts(): ReadModelParts {
    return {
      ids: this.ids.toSnapshot(),
      pairOfRow: this.pairOfRow.toArray(),
      revision: this.revision.toArray(),
      positions: this.positions.toSnapshot(),
      recordedMs: this.recordedMs.toArray(),
      atMs: this.atMs.toArray(),
      type: this.type.toArray(),
      occurredOn: this.occurredOn.toArray(),
      flags: this.flags.toArray(),
      dates: this.dates.toSnapshot(),
      effectData: [...this.effectData],
      streamOfKeyedEvent: [...this.streamOfKeyedEvent],
      events: this.events,
      pairs: this.pairs.map(({ a, b, streamId, reports, amendments, lastRevision, lastRecordedMs }) => ({
        a,
        b,
        streamId,
        reports: reports.toArray(),
        amendments,
        lastRevision,
        lastRecordedMs,
      })),
    };
  }

  private applyReport(stored: StoredEvent, ordinal: number): string {
    const data = stored.data as unknown as IncidentData;
    let n = this.pairByStream.get(stored.streamId);
    if (n === undefined) {
      const [a, b] = pairOf(data.actor, data.target);
      n = this.addPair({ a, b, key: pairKey(a, b), streamId: stored.streamId, reports: new Column(Uint32Array), amendments: [], lastRevision: -1, lastRecordedMs: -Infinity });
    }
    const entry = this.pairs[n];
    const row = this.type.length;
    const recordedMs = parseIsoInstant(data.recordedAt);
    this.ids.add(data.incidentId);
    this.pairOfRow.push(n);
    this.revision.push(stored.revision);
    this.positions.push(stored.position);
    this.recordedMs.push(recordedMs);
    const date = this.dates.intern(data.occurredOn);
    const causeRow = data.inResponseTo === undefined ? undefined : this.ids.get(data.inResponseTo);
    this.atMs.push(referenceInstant(this.periodOf(date), recordedMs, causeRow === undefined ? undefined : this.causeAtMs(causeRow)));
    this.occurredOn.push(date);
    const causeAmended = causeRow !== undefined && (this.flags.get(causeRow) & (FLAG_AMENDED | FLAG_CAUSE_AMENDED)) !== 0;
    this.flags.push((data.actor === entry.b ? FLAG_ACTOR_IS_B : 0) | (causeAmended ? FLAG_CAUSE_AMENDED : 0));
    this.type.push(ordinal);
    // What the effect on the facts or the weight reads, and what an answer answers; the rest stays in the store.
    if (WEIGHS_BY_DETAILS[ordinal] || data.inResponseTo !== undefined || INCIDENT_CATALOG[INCIDENT_TYPES[ordinal]].effectReadsDetails?.(data)) {
      const { incidentId, actor, target, details, inResponseTo } = data;
      this.effectData.set(row, { incidentId, actor, target, details, ...(inResponseTo !== undefined ? { inResponseTo } : {}) } as IncidentData);
      if (inResponseTo !== undefined) this.noteAnswer(row, inResponseTo);
    }
    entry.reports.push(row);
    this.noteEvent(entry, stored, recordedMs);
    const current = entry.current;
    if (current) {
      current.rows.push(row);
      if (!current.index.append(current.rows.length - 1)) entry.current = undefined;
    }
    return entry.key;
  }

  private applyAmendment(stored: StoredEvent): string | null {
    const event = { type: stored.type, data: stored.data } as unknown as AmendmentEvent;
    const row = this.ids.get(event.data.incidentId);
    if (row === undefined) return null;
    const entry = this.pairs[this.pairOfRow.get(row)];
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
    this.noteAmendment(amendment);
    this.noteEvent(entry, stored, recordedMs);
    entry.current = undefined;
    return entry.key;
  }

  private noteEvent(entry: PairEntry, stored: StoredEvent, recordedMs: number): void {
    this.events++;
    entry.lastRevision = stored.revision;
    entry.lastRecordedMs = Math.max(entry.lastRecordedMs, recordedMs);
    entry.digest = undefined;
    if (stored.metadata?.idempotencyKey !== undefined) this.streamOfKeyedEvent.set(stored.eventId, stored.streamId);
  }

  private noteAmendment(amendment: Amendment): void {
    const list = this.amendmentsOf.get(amendment.row);
    if (list) list.push(amendment);
    else this.amendmentsOf.set(amendment.row, [amendment]);
    this.flags.set(amendment.row, this.flags.get(amendment.row) | FLAG_AMENDED);
    this.flagAnswers(amendment.row);
  }

  /** Answers to an amended incident (and answers to them) may count from another instant now: they are read through belief(). */
  private flagAnswers(row: number): void {
    for (const answer of this.answersTo.get(row) ?? []) {
      if ((this.flags.get(answer) & FLAG_CAUSE_AMENDED) !== 0) continue;
      this.flags.set(answer, this.flags.get(answer) | FLAG_CAUSE_AMENDED);
      this.flagAnswers(answer);
    }
  }

  private noteAnswer(row: number, causeId: string): void {
    const cause = this.ids.get(causeId);
    if (cause === undefined) return;
    const answers = this.answersTo.get(cause);
    if (answers) answers.push(row);
    else this.answersTo.set(cause, [row]);
  }

  private addPair(entry: PairEntry): number {
    const n = this.pairs.length;
    this.pairs.push(entry);
    this.pairByStream.set(entry.streamId, n);
    this.pairByKey.set(entry.key, n);
    return n;
  }

  private entry(a: CountryCode, b: CountryCode): PairEntry | undefined {
    const n = this.pairByKey.get(pairKey(a, b));
    return n === undefined ? undefined : this.pairs[n];
  }


  /** The period a reported date names (parsed once per distinct date). */
  private periodOf(date: number): Period {
    let period = this.periods[date];
    if (!period) {
      const { startMs, endMs } = parseOccurrence(this.dates.get(date));
      period = this.periods[date] = { startMs, endMs };
    }
    return period;
  }

  /** m_i of the escalation score, as first reported. */
  private multiplierOf(row: number): number {
    const ordinal = this.type.get(row);
    return WEIGHS_BY_DETAILS[ordinal] ? multiplierOf(INCIDENT_TYPES[ordinal], this.effectData.get(row)!) : FIXED_MULTIPLIER[ordinal];
  }

  /**
   * Reference instant of the incident `causeRow` as believed at `knownAtMs` (undefined once
   * retracted): an answer to it counts no earlier (occurrence.ts).
   */
  private causeAtMs(causeRow: number, knownAtMs = Infinity): number | undefined {
    if ((this.flags.get(causeRow) & (FLAG_AMENDED | FLAG_CAUSE_AMENDED)) === 0) return this.atMs.get(causeRow);
    const cause = this.belief(causeRow, knownAtMs);
    return cause.retracted ? undefined : cause.atMs;
  }

  /** The row of the incident `row` answers, if any. */
  private causeRowOf(row: number): number | undefined {
    const cause = this.effectData.get(row)?.inResponseTo;
    return cause === undefined ? undefined : this.ids.get(cause);
  }

  /** What is believed of `row` once everything recorded by `knownAtMs` is known. */
  private belief(row: number, knownAtMs = Infinity): Belief {
    const type = INCIDENT_TYPES[this.type.get(row)];
    const flags = this.flags.get(row);
    const original: Belief = {
      retracted: false,
      atMs: this.atMs.get(row),
      multiplier: this.multiplierOf(row),
      occurredOn: this.dates.get(this.occurredOn.get(row)),
      effectData: this.effectData.get(row),
    };
    if ((flags & (FLAG_AMENDED | FLAG_CAUSE_AMENDED)) === 0) return original;
    const causeRow = this.causeRowOf(row);
    const causeAtMs = causeRow === undefined ? undefined : this.causeAtMs(causeRow, knownAtMs);
    if ((flags & FLAG_CAUSE_AMENDED) !== 0) {
      original.atMs = referenceInstant(this.periodOf(this.occurredOn.get(row)), this.recordedMs.get(row), causeAtMs);
    }
    if ((flags & FLAG_AMENDED) === 0) return original;
    let belief = original;
    for (const amendment of this.amendmentsOf.get(row) ?? []) {
      if (amendment.recordedMs > knownAtMs || belief.retracted) continue;
      if (amendment.type === 'IncidentRetracted') {
        belief = { ...belief, retracted: true };
        continue;
      }
      const { occurredOn, details } = amendment;
      belief = {
        retracted: false,
        occurredOn: occurredOn ?? belief.occurredOn,
        atMs: occurredOn !== undefined ? referenceInstant(parseOccurrence(occurredOn), this.recordedMs.get(row), causeAtMs) : belief.atMs,
        multiplier: details !== undefined ? multiplierOf(type, { details } as IncidentData) : belief.multiplier,
        // A correction may give an effect details it reads (a peace agreement): from then on they are kept.
        effectData: details !== undefined && INCIDENT_CATALOG[type].effect !== undefined ? { ...(belief.effectData ?? this.whoDidWhat(row)), details } : belief.effectData,
      };
    }
    return belief;
  }

  /**
   * The pair's believed incidents at `knownAtMs`, indexed. What is believed now is kept on the
   * entry; a view of earlier knowledge is built for the query (one pass over the pair).
   */
  private believedView(entry: PairEntry, knownAtMs?: number): BelievedView {
    const now = knownAtMs === undefined || knownAtMs >= entry.lastRecordedMs;
    if (now && entry.current) return entry.current;
    const { rows, beliefs } = this.believedRows(entry, knownAtMs);
    const view: BelievedView = { rows, beliefs, index: RelationIndex.build(entry.a, entry.b, this.columnsOf(rows, beliefs)) };
    if (now) entry.current = view;
    return view;
  }

  /** The pair's reports recorded by `knownAtMs` and not retracted by then, in report order, with the beliefs of amended ones. */
  private believedRows(entry: PairEntry, knownAtMs?: number): { rows: Column<Uint32Array>; beliefs: Map<number, Belief> } {
    const rows = new Column(Uint32Array);
    const beliefs = new Map<number, Belief>();
    const reports = entry.reports.data;
    for (let i = 0; i < entry.reports.length; i++) {
      const row = reports[i];
      if (this.recordedMs.get(row) > (knownAtMs ?? Infinity)) continue;
      if ((this.flags.get(row) & (FLAG_AMENDED | FLAG_CAUSE_AMENDED)) !== 0) {
        const belief = this.belief(row, knownAtMs);
        if (belief.retracted) continue;
        beliefs.set(row, belief);
      }
      rows.push(row);
    }
    return { rows, beliefs };
  }

  /**
   * The pair's state now, folded without indexing the pair (what hash() digests, so hashing every
   * pair keeps and churns nothing); equal to the index's stateAsOf(Infinity).
   */
  private stateNow(entry: PairEntry): RelationState {
    const { rows, beliefs } = this.believedRows(entry);
    const incidents = this.columnsOf(rows, beliefs);
    const counts = new Array<number>(INCIDENT_TYPES.length).fill(0);
    const factual: number[] = [];
    let first = -1;
    let last = -1;
    for (let i = 0; i < rows.length; i++) {
      const atMs = incidents.atMs(i);
      const type = incidents.type(i);
      counts[this.type.get(rows.data[i])]++;
      // Occurrence order, ties in report order: the first is the earliest, the last the latest reported of the latest.
      if (first < 0 || atMs < incidents.atMs(first)) first = i;
      if (last < 0 || atMs >= incidents.atMs(last)) last = i;
      if (changesFacts(type) && incidents.changesFacts!(i)) factual.push(i);
    }
    factual.sort((x, y) => incidents.atMs(x) - incidents.atMs(y) || x - y);
    const view = { beliefs } as BelievedView;
    return {
      pair: [entry.a, entry.b],
      facts: factual.reduce((facts, i) => applyIncident(facts, incidents.inContext(i)), noFacts),
      countsByType: countsByTypeOf(counts),
      firstIncident: first < 0 ? null : this.refOf(view, rows.data[first]),
      lastIncident: last < 0 ? null : this.refOf(view, rows.data[last]),
      incidentCount: rows.length,
    };
  }

  private columnsOf(rows: Column<Uint32Array>, beliefs: Map<number, Belief>): IncidentColumns {
    const row = (i: number) => rows.data[i];
    return {
      get length() {
        return rows.length;
      },
      atMs: (i) => beliefs.get(row(i))?.atMs ?? this.atMs.get(row(i)),
      type: (i) => INCIDENT_TYPES[this.type.get(row(i))],
      multiplier: (i) => beliefs.get(row(i))?.multiplier ?? this.multiplierOf(row(i)),
      changesFacts: (i) => {
        const r = row(i);
        return !EFFECT_NEEDS_KEPT_DETAILS[this.type.get(r)] || (beliefs.get(r)?.effectData ?? this.effectData.get(r)) !== undefined;
      },
      inContext: (i): IncidentInContext => {
        const r = row(i);
        const belief = beliefs.get(r);
        return { type: INCIDENT_TYPES[this.type.get(r)], data: belief?.effectData ?? this.effectData.get(r) ?? this.whoDidWhat(r), atMs: belief?.atMs ?? this.atMs.get(r) };
      },
    };
  }

  private figures(entry: PairEntry, perspective: Perspective) {
    const { asOfMs, knownAtMs, atMs } = perspective;
    const view = this.believedView(entry, knownAtMs);
    // Without asOf/knownAt the state holds every incident; with either, those occurred by the instant of the view.
    const stateAt = asOfMs === undefined && knownAtMs === undefined ? Infinity : atMs;
    const state = view.index.stateAsOf(stateAt, (i) => this.refOf(view, view.rows.data[i]));
    return { view, state, figures: view.index.escalationAt(atMs) };
  }

  private async describe(entry: PairEntry, perspective: Perspective): Promise<RelationView> {
    const { knownAtMs, atMs, atIso } = perspective;
    const { view, state, figures } = this.figures(entry, perspective);
    const ranked = view.index.topContributorsAt(atMs).map(({ index }) => index);
    const rows = ranked.map((index) => view.rows.data[index]);
    const events = await this.believedEvents(view, rows, knownAtMs);
    // Each incident where the index counts it (an answer no earlier than what it answers).
    const topContributors: Contribution[] = events.map((event, i) => contributionOf({ ...scoredIncident(event), atMs: this.columnsOf(view.rows, view.beliefs).atMs(ranked[i]) }, atMs));
    return relationView(state, explained(figures, view.index.conditionsAt(atMs), topContributors), atIso);
  }

  /** What the effect of an incident whose details are not kept reads: who did it to whom. */
  private whoDidWhat(row: number): IncidentData {
    const { a, b } = this.pairs[this.pairOfRow.get(row)];
    const actorIsB = (this.flags.get(row) & FLAG_ACTOR_IS_B) !== 0;
    return { incidentId: this.ids.idOf(row), actor: actorIsB ? b : a, target: actorIsB ? a : b, details: {} } as unknown as IncidentData;
  }

  private refOf(view: BelievedView, row: number): IncidentRef {
    const belief = view.beliefs.get(row);
    return {
      incidentId: this.ids.idOf(row),
      type: INCIDENT_TYPES[this.type.get(row)],
      occurredOn: belief?.occurredOn ?? this.dates.get(this.occurredOn.get(row)),
      atMs: belief?.atMs ?? this.atMs.get(row),
    };
  }

  /** The incidents' reports with the corrections known at `knownAtMs` applied, read from the store. */
  private async believedEvents(view: BelievedView, rows: readonly number[], knownAtMs?: number): Promise<IncidentEvent[]> {
    const documents = await this.documents(rows);
    return Promise.all(rows.map(async (row, i) => ({ type: INCIDENT_TYPES[this.type.get(row)], data: await this.believedData(row, documents[i], knownAtMs) })));
  }

  private async recorded(rows: readonly number[]): Promise<RecordedIncident[]> {
    const documents = await this.documents(rows);
    return Promise.all(rows.map((row, i) => this.recordedOne(row, documents[i])));
  }

  private async recordedOne(row: number, stored: StoredEvent): Promise<RecordedIncident> {
    const belief = this.belief(row);
    return {
      eventId: stored.eventId,
      streamId: stored.streamId,
      revision: stored.revision,
      position: stored.position,
      type: INCIDENT_TYPES[this.type.get(row)],
      data: await this.believedData(row, stored),
      atMs: belief.atMs,
      amendments: (await Promise.all((this.amendmentsOf.get(row) ?? []).map((amendment) => this.amendmentDocument(amendment)))).map(
        ({ type, data }) => ({ type, ...data }) as RecordedIncident['amendments'][number],
      ),
      retracted: belief.retracted,
    };
  }

  /** The report's data with the corrections recorded by `knownAtMs` applied (read from the store). */
  private async believedData(row: number, report: StoredEvent, knownAtMs = Infinity): Promise<IncidentData> {
    let data = report.data as unknown as IncidentData;
    for (const amendment of this.amendmentsOf.get(row) ?? []) {
      if (amendment.recordedMs > knownAtMs) continue;
      if (amendment.type === 'IncidentRetracted') break;
      const { data: correction } = await this.amendmentDocument(amendment);
      data = { ...data, ...(correction as IncidentCorrected['data']).changes };
    }
    return data;
  }

  private async amendmentDocument(amendment: Amendment): Promise<AmendmentEvent> {
    const streamId = this.pairs[this.pairOfRow.get(amendment.row)].streamId;
    const [stored] = await this.readEvents(streamId, amendment.revision, 1);
    if (!stored) throw new Error(`the amendment at revision ${amendment.revision} of ${streamId} is not in the store`);
    return { type: stored.type, data: stored.data } as unknown as AmendmentEvent;
  }

  /**
   * The reports of `rows`, read from the store a run of nearby revisions of a stream at a time
   * (a timeline's incidents are mostly consecutive in their stream), in the order of `rows`.
   */
  private async documents(rows: readonly number[]): Promise<StoredEvent[]> {
    const order = rows.map((row, i) => ({ row, i, pair: this.pairOfRow.get(row), revision: this.revision.get(row) }));
    order.sort((x, y) => x.pair - y.pair || x.revision - y.revision);
    const documents: StoredEvent[] = new Array(rows.length);
    const reads: Promise<void>[] = [];
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      while (end < order.length && order[end].pair === order[start].pair && order[end].revision - order[end - 1].revision <= DOCUMENT_GAP) end++;
      const run = order.slice(start, end);
      const { streamId } = this.pairs[run[0].pair];
      const first = run[0].revision;
      reads.push(
        this.readEvents(streamId, first, run[run.length - 1].revision - first + 1).then((events) => {
          for (const { row, i, revision } of run) {
            const stored = events[revision - first];
            if (stored?.revision !== revision) throw new Error(`incident ${this.ids.idOf(row)} is not at revision ${revision} of ${streamId}`);
            documents[i] = stored;
          }
        }),
      );
      start = end;
    }
    await Promise.all(reads);
    return documents;
  }

  /** The pair's events (position, type) and its folded state. */
  private pairDigest(entry: PairEntry): string {
    if (entry.digest) return entry.digest;
    const digest = createHash('sha256');
    // The reports as numbers (position, id words, type), a scratch buffer at a time: nothing per incident to collect.
    const scratch = this.digestScratch;
    let filled = 0;
    for (let i = 0; i < entry.reports.length; i++) {
      const row = entry.reports.data[i];
      const position = this.positions.numberAt(row);
      if (position === undefined) digest.update(`|${this.positions.get(row)}`);
      scratch[filled] = position ?? 0;
      this.ids.copyWords(row, scratch, filled + 1);
      scratch[filled + 5] = this.type.get(row);
      filled += 6;
      if (filled === scratch.length) {
        digest.update(scratch);
        filled = 0;
      }
    }
    digest.update(scratch.subarray(0, filled));
    for (const amendment of entry.amendments) digest.update(`|${amendment.position}|${amendment.type}|${this.ids.idOf(amendment.row)}`);
    digest.update(JSON.stringify(this.stateNow(entry)));
    entry.digest = digest.digest('hex');
    return entry.digest;
  }

  /** Index (into a list of `count` rows in log order) of the first row strictly after `position`. */
  private firstAfter(count: number, rowAt: (i: number) => number, position: string): number {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.comparePositions(this.positions.get(rowAt(mid)), position) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A RelationsReadModel as plain data and typed arrays: what its snapshot holds. */
export interface ReadModelParts {
  ids: ReturnType<IncidentIdIndex['toSnapshot']>;
  pairOfRow: Uint16Array;
  revision: Uint32Array;
  positions: Uint32Array | string[];
  recordedMs: Float64Array;
  atMs: Float64Array;
  type: Uint8Array;
  occurredOn: Uint32Array;
  flags: Uint8Array;
  dates: string[];
  effectData: [number, IncidentData][];
  streamOfKeyedEvent: [string, string][];
  events: number;
  pairs: { a: CountryCode; b: CountryCode; streamId: string; reports: Uint32Array; amendments: Amendment[]; lastRevision: number; lastRecordedMs: number }[];
}
