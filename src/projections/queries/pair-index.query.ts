import type { CountryCode } from '../../domain/countries.js';
import type { IncidentType } from '../../domain/incident-types.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import type { RelationIndex } from '../../domain/relation-index.js';
import type { ReadSide } from '../read-side.js';

/** A pair's believed incidents indexed by occurrence, with the type of each by its index in the order given. */
export interface PairIndex {
  index: RelationIndex;
  typeOf(i: number): IncidentType;
}

/** The pair's believed incidents at `knownAtMs` (those passing `evidence`): what queries over a pair's history read (see months.query.ts). */
export function pairIndex(side: ReadSide, a: CountryCode, b: CountryCode, knownAtMs?: number, evidence?: EvidenceFilter): PairIndex | undefined {
  const entry = side.rows.pair(a, b);
  if (!entry) return undefined;
  const { index, rows } = side.beliefs.view(entry, knownAtMs, evidence);
  return { index, typeOf: (i) => side.beliefs.typeOf(rows.data[i]) };
}
