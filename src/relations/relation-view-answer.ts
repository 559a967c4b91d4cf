import type { Clock } from '../clock.js';
import type { CountryCode } from '../domain/countries.js';
import type { RelationResponse } from '../docs/responses/relation.responses.js';
import { noneMatchHits, revisionETag, timeTravelETag } from '../http/entity-tags.js';
import { monthSoFar } from '../projections/queries/months.query.js';
import type { RelationsReadModel } from '../projections/relations.read-model.js';
import { perspectiveOf, type Perspective, type TimeTravel } from '../time/perspective.js';
import { evidenceFilterOf } from './evidence-query.js';
import { withNames } from './named-view.js';
import { SerialisedViews } from './serialised-views.js';

export const JSON_TYPE = 'application/json; charset=utf-8';
/** How long a view of a settled past may be kept without asking: a day bounds what a rebuild or a new scoring rule leaves stale. */
const SETTLED_MAX_AGE_S = 86_400;

/**
 * What GET /relations/{a}/{b} answers, worked out once for both paths that serve it: Nest's
 * controller and the Fastify-level fast path (relation-view-fast-path.ts). Headers in the order
 * they are set; a body already serialised (a view of the past, kept) is sent as JSON text.
 */
export type RelationViewAnswer =
  | { status: 304; headers: Array<[string, string]> }
  | { status: 200; headers: Array<[string, string]>; body: RelationResponse | string }
  | { status: 404 };

/** A validated question about a pair: when (asOf, knownAt) and which incidents count (provenance, minSources). */
export interface RelationViewQuestion extends TimeTravel {
  readonly provenance?: string;
  readonly minSources?: number;
}

/** The pair's view (already checked to be two countries) for a validated question, with its ETag and Cache-Control. */
export class RelationViewAnswers {
  private readonly serialised = new SerialisedViews();

  constructor(private readonly clock: Clock) {}

  async answer(readModel: RelationsReadModel, a: CountryCode, b: CountryCode, travel: RelationViewQuestion, ifNoneMatch: string | string[] | undefined): Promise<RelationViewAnswer> {
    const perspective: Perspective = { ...perspectiveOf(travel, this.clock), evidence: evidenceFilterOf(travel) };
    const revision = readModel.streamRevision(a, b);
    const travelling = travel.asOf !== undefined || travel.knownAt !== undefined;
    const headers: Array<[string, string]> = [];
    if (revision !== undefined) {
      const etag = travelling ? timeTravelETag(revision, travel.asOf, travel.knownAt) : revisionETag(revision);
      headers.push(['etag', etag], ['cache-control', cacheControlOf(perspective, this.clock.now().getTime())]);
      if (noneMatchHits(ifNoneMatch, etag)) return { status: 304, headers };
    }
    // A view with asOf or knownAt is fixed at its instant: the same revision and inputs (filters included) give the same bytes.
    const filters = `${travel.provenance ?? ''}|${travel.minSources ?? ''}`;
    const key = travelling && revision !== undefined ? `${[a, b].sort().join('-')}|${revision}|${travel.asOf ?? ''}|${travel.knownAt ?? ''}|${filters}` : undefined;
    const cached = key === undefined ? undefined : this.serialised.get(readModel, key);
    if (cached !== undefined) return { status: 200, headers: [...headers, ['content-type', JSON_TYPE]], body: cached };
    const view = await readModel.relation(a, b, perspective);
    if (!view) return { status: 404 };
    const first = readModel.pairIndex(a, b, perspective.knownAtMs)?.index.earliest();
    const body: RelationResponse = {
      ...withNames(view),
      thisMonth: monthSoFar(readModel, a, b, perspective) ?? null,
      // The pair's first incident as known: what an asOf before it is offered instead.
      firstIncidentOn: first === undefined || first === Infinity ? null : new Date(first).toISOString().slice(0, 10),
      asOf: travel.asOf ?? null,
      knownAt: travel.knownAt ?? null,
    };
    if (key === undefined) return { status: 200, headers, body };
    const serialised = JSON.stringify(body);
    this.serialised.set(readModel, key, serialised);
    return { status: 200, headers: [...headers, ['content-type', JSON_TYPE]], body: serialised };
  }
}

/**
 * A view whose knownAt (and asOf, when given) lie in the past cannot change: nothing recorded
 * from now on is known at that instant. Anything else is revalidated on every use.
 */
function cacheControlOf(perspective: Perspective, nowMs: number): string {
  const settled = perspective.knownAtMs !== undefined && perspective.knownAtMs < nowMs && perspective.atMs < nowMs;
  return settled ? `max-age=${SETTLED_MAX_AGE_S}, immutable` : 'no-cache';
}
