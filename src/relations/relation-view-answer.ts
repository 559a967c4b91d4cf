import type { Clock } from '../clock.js';
import type { CountryCode } from '../domain/countries.js';
import { parseOccurrence } from '../domain/occurrence.js';
import type { RelationResponse } from '../docs/responses/relation.responses.js';
import { encodedBytes, type EncodedBody } from '../http/kept-encodings.js';
import { noneMatchHits, revisionETag, timeTravelETag } from '../http/entity-tags.js';
import { monthSoFar } from '../projections/queries/months.query.js';
import type { RelationsReadModel } from '../projections/relations.read-model.js';
import { perspectiveOf, type Perspective, type TimeTravel } from '../time/perspective.js';
import { encodedCopy } from './encoded-copies.js';
import { evidenceFilterOf } from './evidence-query.js';
import { withNames } from './named-view.js';
import { CURRENT_VIEW_REUSE_MS, holds, keptView, REVALIDATE_CACHE_CONTROL, SETTLED_CACHE_CONTROL, type HeaderList, type KeptView } from './relation-view-kept.js';
import { SerialisedViews } from './serialised-views.js';

export { JSON_TYPE } from './relation-view-kept.js';

/**
 * What GET /relations/{a}/{b} answers, worked out once for both paths that serve it: Nest's
 * controller and the Fastify-level fast path (relation-view-fast-path.ts). Headers in the order
 * they are set; the body is the view's JSON, already serialised (content-type among the headers).
 */
export type RelationViewAnswer = ServedRelationView | { status: 404 };
/** An answer with a status line and headers to send: a 304 or the view. */
export type ServedRelationView = { status: 304; headers: HeaderList } | { status: 200; headers: HeaderList; body: string; bytes: number; encoded?: EncodedBody };

/** A validated question about a pair: when (asOf, knownAt) and which incidents count (provenance, minSources). */
export interface RelationViewQuestion extends TimeTravel {
  readonly provenance?: string;
  readonly minSources?: number;
}

/**
 * The pair's view (already checked to be two countries) for a validated question, with its ETag
 * and Cache-Control. Every view answered is kept serialised (relation-view-kept.ts says for how
 * long), so a question asked again costs a lookup, not a description and a JSON.stringify.
 */
export class RelationViewAnswers {
  private readonly kept = new SerialisedViews<KeptView>((view) => view.bytes + encodedBytes(view.encoded) + 256);

  constructor(private readonly clock: Clock) {}

  /**
   * The answer from a kept view, without computing anything; undefined when none holds (then ask
   * `answer`). With `encodingOf` (which encoding the request gets for a body of so many bytes, if
   * any), also the body in that encoding, compressed once and kept beside the JSON.
   */
  keptAnswer(
    readModel: RelationsReadModel,
    a: CountryCode,
    b: CountryCode,
    question: RelationViewQuestion,
    ifNoneMatch: string | string[] | undefined,
    encodingOf?: (bytes: number) => EncodedBody['encoding'] | undefined,
  ): ServedRelationView | undefined {
    const revision = readModel.streamRevision(a, b);
    if (revision === undefined) return undefined;
    const key = keyOf(a, b, question);
    const kept = this.kept.get(readModel, key);
    const nowMs = this.clock.now().getTime();
    if (kept === undefined || !holds(kept, revision, nowMs)) return undefined;
    const settled = nowMs > kept.settledAfterMs;
    if (ifNoneMatch !== undefined && noneMatchHits(ifNoneMatch, kept.etag)) {
      return { status: 304, headers: settled ? kept.headers.notModifiedSettled : kept.headers.notModified };
    }
    const answer = { status: 200, headers: settled ? kept.headers.okSettled : kept.headers.ok, body: kept.body, bytes: kept.bytes } as const;
    const encoding = encodingOf?.(kept.bytes);
    return encoding === undefined ? answer : { ...answer, encoded: encodedCopy(this.kept, readModel, key, kept, encoding) };
  }

  /** Bytes the kept views hold, their compressed copies included. */
  get bytes(): number {
    return this.kept.bytes;
  }

  async answer(readModel: RelationsReadModel, a: CountryCode, b: CountryCode, question: RelationViewQuestion, ifNoneMatch: string | string[] | undefined): Promise<RelationViewAnswer> {
    const known = this.keptAnswer(readModel, a, b, question, ifNoneMatch);
    if (known !== undefined) return known;
    const perspective: Perspective = { ...perspectiveOf(question, this.clock), evidence: evidenceFilterOf(question) };
    const nowMs = this.clock.now().getTime();
    const revision = readModel.streamRevision(a, b);
    const travelling = question.asOf !== undefined || question.knownAt !== undefined;
    const settledAfterMs = perspective.knownAtMs === undefined ? Infinity : Math.max(perspective.knownAtMs, perspective.atMs);
    if (revision === undefined) return { status: 404 };
    const etag = travelling ? timeTravelETag(revision, question.asOf, question.knownAt) : revisionETag(revision);
    // Before the view is computed: a client holding the current copy costs no description.
    if (noneMatchHits(ifNoneMatch, etag)) {
      return { status: 304, headers: [['etag', etag], ['cache-control', nowMs > settledAfterMs ? SETTLED_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL]] };
    }
    const view = await readModel.relation(a, b, perspective);
    if (!view) return { status: 404 };
    const first = readModel.pairIndex(a, b, perspective.knownAtMs)?.index.earliest();
    const body: RelationResponse = {
      ...withNames(view),
      thisMonth: monthSoFar(readModel, a, b, perspective) ?? null,
      // The pair's first incident as known: what an asOf before it is offered instead.
      firstIncidentOn: first === undefined || first === Infinity ? null : new Date(first).toISOString().slice(0, 10),
      asOf: question.asOf ?? null,
      knownAt: question.knownAt ?? null,
    };
    const kept = keptView({
      revision,
      etag,
      ...serialised(body),
      ...(travelling ? heldWhileFixed(question) : heldWhileCurrent(readModel, a, b, perspective)),
      settledAfterMs,
    });
    this.kept.set(readModel, keyOf(a, b, question), kept);
    return { status: 200, headers: nowMs > settledAfterMs ? kept.headers.okSettled : kept.headers.ok, body: kept.body, bytes: kept.bytes };
  }
}

/** The view's JSON as Fastify's serialiser would have written it, with its length in bytes (what Content-Length says). */
function serialised(view: RelationResponse): Pick<KeptView, 'body' | 'bytes'> {
  const body = JSON.stringify(view);
  return { body, bytes: Buffer.byteLength(body) };
}

/** One key per question as asked (the order of the pair included: the answer names the pair as asked). */
function keyOf(a: string, b: string, question: RelationViewQuestion): string {
  return `${a}|${b}|${question.asOf ?? ''}|${question.knownAt ?? ''}|${question.provenance ?? ''}|${question.minSources ?? ''}`;
}

/** A view fixed at an instant holds from the start of its asOf (before it the question is refused as a forecast). */
function heldWhileFixed(question: RelationViewQuestion): Pick<KeptView, 'heldFromMs' | 'staleAtMs'> {
  return { heldFromMs: question.asOf === undefined ? -Infinity : parseOccurrence(question.asOf).startMs, staleAtMs: Infinity };
}

/** A current view holds for CURRENT_VIEW_REUSE_MS from its instant, and never past an incident of the pair coming due. */
function heldWhileCurrent(readModel: RelationsReadModel, a: CountryCode, b: CountryCode, perspective: Perspective): Pick<KeptView, 'heldFromMs' | 'staleAtMs'> {
  // Every incident of the pair, whatever the evidence filter: an earlier bound, never a later one, from the index of now that is kept.
  const due = readModel.pairIndex(a, b)?.index.nextAfter(perspective.atMs) ?? Infinity;
  return { heldFromMs: perspective.atMs, staleAtMs: Math.min(perspective.atMs + CURRENT_VIEW_REUSE_MS, due) };
}
