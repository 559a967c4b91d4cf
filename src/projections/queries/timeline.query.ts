import type { CountryCode } from '../../domain/countries.js';
import type { EvidenceFilter } from '../../domain/evidence-weight.js';
import type { TimelinePoint } from '../../domain/timeline.js';
import type { ReadSide } from '../read-side.js';

/** Score and level at each instant (sorted), with the incidents arriving at each (of those passing `evidence`). */
export async function timelineOf(side: ReadSide, a: CountryCode, b: CountryCode, instants: readonly number[], knownAtMs?: number, evidence?: EvidenceFilter): Promise<TimelinePoint[] | undefined> {
  const entry = side.rows.pair(a, b);
  if (!entry) return undefined;
  const view = side.beliefs.view(entry, knownAtMs, evidence);
  let arrived = 0;
  const scores = view.index.scoresAt(instants);
  const points = instants.map((atMs, p) => {
    const { score, level } = scores[p];
    const occurred = view.index.occurredBy(atMs);
    const incidents = view.index.sortedBetween(arrived, occurred);
    arrived = occurred;
    return { atMs, score, level, incidents };
  });
  const rows = points.flatMap((point) => point.incidents.map((i) => view.rows.data[i]));
  const documents = await side.documents.of(rows, knownAtMs);
  let next = 0;
  return points.map(({ incidents, ...point }) => ({ ...point, incidents: incidents.map(() => documents[next++].believed) }));
}
