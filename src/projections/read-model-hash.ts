import { createHash } from 'node:crypto';
import { INCIDENT_TYPES } from '../domain/incident-types.js';
import { applyIncident } from '../domain/incident-effects.js';
import { noFacts } from '../domain/relation-facts.js';
import { changesFacts, countsByTypeOf } from '../domain/relation-index.js';
import type { RelationState } from '../domain/relation-view.js';
import type { Beliefs } from './beliefs.js';
import type { IncidentRows, PairEntry } from './incident-rows.js';

/**
 * A digest of everything the read model holds, independent of when and how it was built: a live
 * model and a fresh rebuild from the same log hash the same. Each pair's part is kept until the
 * pair's next event, so hashing again after a few events refolds only their pairs.
 */
export class ReadModelHash {
  /** Each pair's part, with the revision it was taken at. */
  private readonly digests = new Map<PairEntry, { revision: number; digest: string }>();
  /** Reused for each pair's reports. */
  private readonly scratch = new Uint32Array(6 * 4096);

  constructor(
    private readonly rows: IncidentRows,
    private readonly beliefs: Beliefs,
  ) {}

  hash(): string {
    const digest = createHash('sha256');
    const keyed = this.rows.pairs.map((entry) => [entry.key, entry] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    for (const [key, entry] of keyed) digest.update(`${key}:${this.pairDigest(entry)}\n`);
    return digest.digest('hex');
  }

  /** The pair's events (position, type) and its folded state. */
  private pairDigest(entry: PairEntry): string {
    const kept = this.digests.get(entry);
    if (kept?.revision === entry.lastRevision) return kept.digest;
    const { ids, positions, columns } = this.rows;
    const digest = createHash('sha256');
    // The reports as numbers (position, id words, type), a scratch buffer at a time: nothing per incident to collect.
    const scratch = this.scratch;
    let filled = 0;
    for (let i = 0; i < entry.reports.length; i++) {
      const row = entry.reports.data[i];
      const position = positions.numberAt(row);
      if (position === undefined) digest.update(`|${positions.get(row)}`);
      scratch[filled] = position ?? 0;
      ids.copyWords(row, scratch, filled + 1);
      scratch[filled + 5] = columns.type.get(row);
      filled += 6;
      if (filled === scratch.length) {
        digest.update(scratch);
        filled = 0;
      }
    }
    digest.update(scratch.subarray(0, filled));
    for (const amendment of entry.amendments) digest.update(`|${amendment.position}|${amendment.type}|${ids.idOf(amendment.row)}`);
    for (let i = 0; i < entry.reports.length; i++) {
      const evidence = this.rows.evidence.get(entry.reports.data[i]);
      if (evidence) {
        const { publishers, publishersSinceMs, importedRows, confirmedMs } = evidence;
        digest.update(`|${ids.idOf(entry.reports.data[i])}:${publishers.join(',')}:${publishersSinceMs.join(',')}:${importedRows.join(',')}:${confirmedMs ?? ''}`);
      }
    }
    digest.update(JSON.stringify(this.stateNow(entry)));
    const result = digest.digest('hex');
    this.digests.set(entry, { revision: entry.lastRevision, digest: result });
    return result;
  }

  /**
   * The pair's state now, folded without indexing the pair (so hashing every pair keeps and
   * churns nothing); equal to the index's stateAsOf(Infinity).
   */
  private stateNow(entry: PairEntry): RelationState {
    const { rows, beliefs } = this.beliefs.believedRows(entry);
    const incidents = this.beliefs.columnsOf(rows, beliefs);
    const counts = new Array<number>(INCIDENT_TYPES.length).fill(0);
    const factual: number[] = [];
    let first = -1;
    let last = -1;
    for (let i = 0; i < rows.length; i++) {
      const atMs = incidents.atMs(i);
      const type = incidents.type(i);
      counts[this.rows.columns.type.get(rows.data[i])]++;
      // Occurrence order, ties in report order: the first is the earliest, the last the latest reported of the latest.
      if (first < 0 || atMs < incidents.atMs(first)) first = i;
      if (last < 0 || atMs >= incidents.atMs(last)) last = i;
      if (changesFacts(type) && incidents.changesFacts!(i)) factual.push(i);
    }
    factual.sort((x, y) => incidents.atMs(x) - incidents.atMs(y) || x - y);
    return {
      pair: [entry.a, entry.b],
      facts: factual.reduce((facts, i) => applyIncident(facts, incidents.inContext(i)), noFacts),
      countsByType: countsByTypeOf(counts),
      firstIncident: first < 0 ? null : this.beliefs.refOf(beliefs, rows.data[first]),
      lastIncident: last < 0 ? null : this.beliefs.refOf(beliefs, rows.data[last]),
      incidentCount: rows.length,
    };
  }
}
