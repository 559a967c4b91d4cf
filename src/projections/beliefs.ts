import { multiplierOf } from '../domain/escalation.js';
import { evidenceWeight, passesEvidenceFilter, type EvidenceFilter, type EvidenceStanding } from '../domain/evidence-weight.js';
import { amended } from '../domain/incident-effects.js';
import type { AmendmentEvent, IncidentData, IncidentEvent } from '../domain/incident.js';
import { goldsteinOf, INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import { INCIDENT_TYPES, type IncidentType } from '../domain/incident-types.js';
import type { IncidentInContext } from '../domain/incident.js';
import { parseOccurrence, referenceInstant } from '../domain/occurrence.js';
import { RelationIndex, type IncidentColumns } from '../domain/relation-index.js';
import type { IncidentRef } from '../domain/relation-view.js';
import { Column } from '../domain/growable-column.js';
import { FLAG_ACTOR_IS_B, FLAG_AMENDED, FLAG_CAUSE_AMENDED, FLAG_IMPORTED, type Amendment, type IncidentRows, type PairEntry } from './incident-rows.js';

/** What is believed of one incident at some instant of knowledge: its report with the corrections known by then. */
export interface Belief {
  retracted: boolean;
  atMs: number;
  multiplier: number;
  goldstein: number;
  occurredOn: string;
  /** For incidents whose type changes the facts or weighs by its details: what the effect and weight read. */
  effectData?: IncidentData;
}

/** A pair's believed incidents (rows, in report order) with their index; rows with amendments carry their belief. */
export interface BelievedView {
  rows: Column<Uint32Array>;
  beliefs: Map<number, Belief>;
  index: RelationIndex;
}

/** What is believed now of a pair, and how much of the pair it has seen (to grow it or drop it). */
interface CurrentView {
  view: BelievedView;
  reportsSeen: number;
  amendmentsSeen: number;
}

/** Types whose weight depends on their details: the read side keeps those at hand. */
export const WEIGHS_BY_DETAILS = INCIDENT_TYPES.map((type) => INCIDENT_CATALOG[type].magnitude !== undefined || INCIDENT_CATALOG[type].goldsteinOf !== undefined);
/** Types whose effect needs details the read side keeps only when they matter (a peace agreement): without them, no effect. */
const EFFECT_NEEDS_KEPT_DETAILS = INCIDENT_TYPES.map((type) => INCIDENT_CATALOG[type].effect !== undefined && INCIDENT_CATALOG[type].effectReadsDetails !== undefined);
/** m_i of the types whose weight does not depend on their details. */
const FIXED_MULTIPLIER = INCIDENT_TYPES.map((type) => multiplierOf(type, { details: {} } as unknown as IncidentData));
/** The Goldstein weight of the types whose weight does not depend on their details. */
const FIXED_GOLDSTEIN = INCIDENT_TYPES.map((type) => INCIDENT_CATALOG[type].goldstein);
/** What amendmentsKnownAt says of an incident without any: one array for all of them, frozen so that none is added to it. */
const NONE_RECORDED: readonly Amendment[] = Object.freeze([]);

/**
 * What is currently believed — or was believed at an earlier instant of knowledge (knownAt) — of
 * the stored incidents: corrections applied, retractions honoured, answers moved with what they
 * answer. What is believed now of each pair is indexed on its first read and kept, grown by
 * reports that happened last and rebuilt after anything else; views of earlier knowledge index
 * the pair for the query (one pass over it).
 */
export class Beliefs {
  private readonly current = new Map<PairEntry, CurrentView>();

  constructor(private readonly rows: IncidentRows) {}

  typeOf(row: number): IncidentType {
    return INCIDENT_TYPES[this.rows.columns.type.get(row)];
  }

  /** m_i of the escalation score, as first reported. */
  multiplierOf(row: number): number {
    const ordinal = this.rows.columns.type.get(row);
    return WEIGHS_BY_DETAILS[ordinal] ? multiplierOf(INCIDENT_TYPES[ordinal], this.rows.effectData.get(row)!) : FIXED_MULTIPLIER[ordinal];
  }

  /** The Goldstein weight, as first reported (a CAMEO category type's from its code). */
  goldsteinOf(row: number): number {
    const ordinal = this.rows.columns.type.get(row);
    return WEIGHS_BY_DETAILS[ordinal] ? goldsteinOf(INCIDENT_TYPES[ordinal], this.rows.effectData.get(row)!.details) : FIXED_GOLDSTEIN[ordinal];
  }

  /**
   * Reference instant of the incident `causeRow` as believed at `knownAtMs` (undefined once
   * retracted): an answer to it counts no earlier (occurrence.ts).
   */
  causeAtMs(causeRow: number, knownAtMs = Infinity): number | undefined {
    if (!this.rows.isAmended(causeRow)) return this.rows.columns.atMs.get(causeRow);
    const cause = this.belief(causeRow, knownAtMs);
    return cause.retracted ? undefined : cause.atMs;
  }

  /** What is believed of `row` once everything recorded by `knownAtMs` is known. */
  belief(row: number, knownAtMs = Infinity): Belief {
    const { columns, dates, effectData } = this.rows;
    const type = this.typeOf(row);
    const flags = columns.flags.get(row);
    const original: Belief = {
      retracted: false,
      atMs: columns.atMs.get(row),
      multiplier: this.multiplierOf(row),
      goldstein: this.goldsteinOf(row),
      occurredOn: dates.get(columns.occurredOn.get(row)),
      effectData: effectData.get(row),
    };
    if ((flags & (FLAG_AMENDED | FLAG_CAUSE_AMENDED)) === 0) return original;
    const causeRow = this.causeRowOf(row);
    const causeAtMs = causeRow === undefined ? undefined : this.causeAtMs(causeRow, knownAtMs);
    if ((flags & FLAG_CAUSE_AMENDED) !== 0) {
      original.atMs = referenceInstant(this.rows.periodOf(columns.occurredOn.get(row)), columns.recordedMs.get(row), causeAtMs);
    }
    if ((flags & FLAG_AMENDED) === 0) return original;
    let belief = original;
    for (const amendment of this.rows.amendmentsOf.get(row) ?? []) {
      if (amendment.recordedMs > knownAtMs || belief.retracted) continue;
      if (amendment.type === 'IncidentRetracted') {
        belief = { ...belief, retracted: true };
        continue;
      }
      const { occurredOn, details } = amendment;
      belief = {
        retracted: false,
        occurredOn: occurredOn ?? belief.occurredOn,
        atMs: occurredOn !== undefined ? referenceInstant(parseOccurrence(occurredOn), columns.recordedMs.get(row), causeAtMs) : belief.atMs,
        multiplier: details !== undefined ? multiplierOf(type, { details } as IncidentData) : belief.multiplier,
        goldstein: details !== undefined ? goldsteinOf(type, details) : belief.goldstein,
        // A correction may give an effect details it reads (a peace agreement): from then on they are kept.
        effectData: details !== undefined && INCIDENT_CATALOG[type].effect !== undefined ? { ...(belief.effectData ?? this.whoDidWhat(row)), details } : belief.effectData,
      };
    }
    return belief;
  }

  /**
   * Where the incident's standing comes from and how many independent sources it has, counting
   * only what was recorded by `knownAtMs`: a later corroboration or confirmation is not known before it.
   */
  standingOf(row: number, knownAtMs = Infinity): EvidenceStanding {
    const imported = (this.rows.columns.flags.get(row) & FLAG_IMPORTED) !== 0;
    const evidence = this.rows.evidence.get(row);
    // An imported incident's own publisher is in its evidence; an analyst's report's own sources are only counted.
    let independentSources = imported ? 0 : this.rows.columns.sources.get(row);
    for (const sinceMs of evidence?.publishersSinceMs ?? []) if (sinceMs <= knownAtMs) independentSources++;
    if (!imported) return { provenance: 'analyst', independentSources };
    const confirmed = evidence?.confirmedMs !== undefined && evidence.confirmedMs <= knownAtMs;
    return { provenance: confirmed ? 'confirmed' : 'imported', independentSources };
  }

  /** e_i: how much of its weight the incident's evidence known by `knownAtMs` gives it (1 for an analyst's report). */
  evidenceWeightOf(row: number, knownAtMs = Infinity): number {
    if ((this.rows.columns.flags.get(row) & FLAG_IMPORTED) === 0) return 1;
    return evidenceWeight(this.standingOf(row, knownAtMs));
  }

  /** Whether a view filtered by `filter` scores the incident, by its evidence known at `knownAtMs`. */
  passes(row: number, filter: EvidenceFilter | undefined, knownAtMs = Infinity): boolean {
    return filter === undefined || passesEvidenceFilter(this.standingOf(row, knownAtMs), filter);
  }

  /** Drops the pair's kept current view (an incident's evidence changed its weight): the next read indexes it anew. */
  forget(entry: PairEntry): void {
    this.current.delete(entry);
  }

  /** The amendments of `row` recorded by `knownAtMs`, in log order. */
  amendmentsKnownAt(row: number, knownAtMs = Infinity): readonly Amendment[] {
    const recorded = this.rows.amendmentsOf.get(row);
    // Most incidents have none: no array of their own (a timeline listing 30,000 made two each).
    return recorded === undefined ? NONE_RECORDED : recorded.filter((amendment) => amendment.recordedMs <= knownAtMs);
  }

  /** The report as believed after `amendments` (read from the store): up to a retraction, the data it had then. */
  static believedReport(report: IncidentEvent, amendments: readonly AmendmentEvent[]): IncidentEvent {
    let believed = report;
    for (const amendment of amendments) {
      const next = amended(believed, amendment);
      if (!next) break;
      believed = next;
    }
    return believed;
  }

  /**
   * The pair's believed incidents at `knownAtMs`, indexed; with `filter`, only the incidents
   * whose evidence passes it (indexed for the query, never kept).
   */
  view(entry: PairEntry, knownAtMs?: number, filter?: EvidenceFilter): BelievedView {
    const now = (knownAtMs === undefined || knownAtMs >= entry.lastRecordedMs) && filter === undefined;
    if (now) {
      const kept = this.current.get(entry);
      if (kept && this.grown(entry, kept)) return kept.view;
    }
    const { rows, beliefs } = this.believedRows(entry, knownAtMs, filter);
    const view: BelievedView = { rows, beliefs, index: RelationIndex.build(entry.a, entry.b, this.columnsOf(rows, beliefs, now ? undefined : knownAtMs)) };
    if (now) this.current.set(entry, { view, reportsSeen: entry.reports.length, amendmentsSeen: entry.amendments.length });
    return view;
  }

  /**
   * The pair's reports recorded by `knownAtMs`, not retracted by then and passing `filter`, in
   * report order, with the beliefs of amended ones.
   */
  believedRows(entry: PairEntry, knownAtMs?: number, filter?: EvidenceFilter): { rows: Column<Uint32Array>; beliefs: Map<number, Belief> } {
    const rows = new Column(Uint32Array);
    const beliefs = new Map<number, Belief>();
    const reports = entry.reports.data;
    for (let i = 0; i < entry.reports.length; i++) {
      const row = reports[i];
      if (this.rows.columns.recordedMs.get(row) > (knownAtMs ?? Infinity)) continue;
      if (!this.passes(row, filter, knownAtMs)) continue;
      if (this.rows.isAmended(row)) {
        const belief = this.belief(row, knownAtMs);
        if (belief.retracted) continue;
        beliefs.set(row, belief);
      }
      rows.push(row);
    }
    // Kept with the pair's view for as long as the pair is read: without the doubling's slack.
    rows.trim();
    return { rows, beliefs };
  }

  /** The believed rows as the RelationIndex reads them, each weighed by its evidence known at `knownAtMs`. */
  columnsOf(rows: Column<Uint32Array>, beliefs: Map<number, Belief>, knownAtMs?: number): IncidentColumns {
    const row = (i: number) => rows.data[i];
    const { columns, effectData } = this.rows;
    return {
      get length() {
        return rows.length;
      },
      atMs: (i) => beliefs.get(row(i))?.atMs ?? columns.atMs.get(row(i)),
      type: (i) => this.typeOf(row(i)),
      multiplier: (i) => (beliefs.get(row(i))?.multiplier ?? this.multiplierOf(row(i))) * this.evidenceWeightOf(row(i), knownAtMs),
      goldstein: (i) => beliefs.get(row(i))?.goldstein ?? this.goldsteinOf(row(i)),
      changesFacts: (i) => {
        const r = row(i);
        return !EFFECT_NEEDS_KEPT_DETAILS[columns.type.get(r)] || (beliefs.get(r)?.effectData ?? effectData.get(r)) !== undefined;
      },
      inContext: (i): IncidentInContext => {
        const r = row(i);
        const belief = beliefs.get(r);
        return { type: this.typeOf(r), data: belief?.effectData ?? effectData.get(r) ?? this.whoDidWhat(r), atMs: belief?.atMs ?? columns.atMs.get(r) };
      },
    };
  }

  /** How a state names the incident of `row`, as believed in `view`. */
  refOf(beliefs: Map<number, Belief>, row: number): IncidentRef {
    const belief = beliefs.get(row);
    const { columns, dates, ids } = this.rows;
    return {
      incidentId: ids.idOf(row),
      type: this.typeOf(row),
      occurredOn: belief?.occurredOn ?? dates.get(columns.occurredOn.get(row)),
      atMs: belief?.atMs ?? columns.atMs.get(row),
    };
  }

  /**
   * Brings a kept view up to the pair's rows: reports that happened no earlier than every one
   * indexed are appended (what a live pair mostly gets); false when it must be rebuilt instead.
   */
  private grown(entry: PairEntry, kept: CurrentView): boolean {
    if (kept.amendmentsSeen !== entry.amendments.length) return false;
    const { view } = kept;
    for (; kept.reportsSeen < entry.reports.length; kept.reportsSeen++) {
      view.rows.push(entry.reports.data[kept.reportsSeen]);
      if (!view.index.append(view.rows.length - 1)) return false;
    }
    return true;
  }

  /** What the effect of an incident whose details are not kept reads: who did it to whom. */
  private whoDidWhat(row: number): IncidentData {
    const { a, b } = this.rows.pairOfRow(row);
    const actorIsB = (this.rows.columns.flags.get(row) & FLAG_ACTOR_IS_B) !== 0;
    return { incidentId: this.rows.ids.idOf(row), actor: actorIsB ? b : a, target: actorIsB ? a : b, details: {} } as unknown as IncidentData;
  }

  /** The row of the incident `row` answers, if any. */
  private causeRowOf(row: number): number | undefined {
    const cause = this.rows.effectData.get(row)?.inResponseTo;
    return cause === undefined ? undefined : this.rows.ids.get(cause);
  }
}
