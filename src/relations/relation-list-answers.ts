import type { Clock } from '../clock.js';
import { parseOccurrence } from '../domain/occurrence.js';
import { encodedBytes, type EncodedBody, type EncodedCopies } from '../http/kept-encodings.js';
import type { RelationsReadModel } from '../projections/relations.read-model.js';
import type { Perspective } from '../time/perspective.js';
import type { ListRelationsQuery } from './list-relations.query.js';
import { encodedCopy } from './encoded-copies.js';
import { CURRENT_VIEW_REUSE_MS } from './relation-view-kept.js';
import { SerialisedViews } from './serialised-views.js';

/** One list as answered (JSON), with what tells whether it still holds. */
interface KeptList {
  readonly body: string;
  readonly bytes: number;
  /** The body compressed, per encoding asked for so far (encoded-copies.ts). */
  readonly encoded: EncodedCopies;
  /** Events the read model had applied: any later one, on any pair, may change a pair's figures or the order. */
  readonly events: number;
  readonly heldFromMs: number;
  readonly staleAtMs: number;
}

/**
 * `GET /relations` (a page or every pair) as JSON text, kept by question under the rule of the
 * relation views (relation-view-kept.ts), with the log as a whole standing in for the pair's
 * stream: a list holds while the read model has applied no further event (a report, correction,
 * retraction, corroboration or confirmation on any pair may move any item or the order). A list
 * of now holds for CURRENT_VIEW_REUSE_MS from its instant and never past an incident coming due;
 * a list at a fixed instant (asOf/knownAt) from the start of its asOf on (before it, asOf is a
 * forecast and refused). Lists over half a
 * megabyte (every pair of a large store) are not kept: they would push out everything else.
 */
export class RelationListAnswers {
  private readonly lists = new SerialisedViews<KeptList>((list) => list.bytes + encodedBytes(list.encoded) + 256);

  constructor(private readonly clock: Clock) {}

  /**
   * The kept JSON answering `query` (and its length in bytes), or undefined. With `encodingOf`
   * (which encoding the request gets for a body of so many bytes, if any), also the body in that
   * encoding, compressed once and kept beside the JSON.
   */
  kept(readModel: RelationsReadModel, query: ListRelationsQuery, encodingOf?: (bytes: number) => EncodedBody['encoding'] | undefined): (Pick<KeptList, 'body' | 'bytes'> & { encoded?: EncodedBody }) | undefined {
    const key = keyOf(query);
    const kept = this.lists.get(readModel, key);
    const nowMs = this.clock.now().getTime();
    if (kept === undefined || kept.events !== readModel.eventCount || nowMs < kept.heldFromMs || nowMs >= kept.staleAtMs) return undefined;
    const encoding = encodingOf?.(kept.bytes);
    const answer = { body: kept.body, bytes: kept.bytes };
    return encoding === undefined ? answer : { ...answer, encoded: encodedCopy(this.lists, readModel, key, kept, encoding) };
  }

  /** Bytes the kept lists hold, their compressed copies included. */
  get bytes(): number {
    return this.lists.bytes;
  }

  /** Keeps `body`, the JSON of the list answered for `query` from `perspective` (worked out when `events` had been applied), and returns it. */
  keep(readModel: RelationsReadModel, query: ListRelationsQuery, perspective: Perspective, events: number, body: string): string {
    const travelling = query.asOf !== undefined || query.knownAt !== undefined;
    const held = travelling ? { heldFromMs: query.asOf === undefined ? -Infinity : parseOccurrence(query.asOf).startMs, staleAtMs: Infinity } : heldWhileCurrent(readModel, perspective);
    this.lists.set(readModel, keyOf(query), { body, bytes: Buffer.byteLength(body), encoded: {}, events, ...held });
    return body;
  }
}

/** Every parameter that shapes a JSON list (minPosition only waits; format and Accept choose CSV, which is not kept). */
function keyOf(query: ListRelationsQuery): string {
  const { asOf, knownAt, country, level, limit, offset, provenance, minSources } = query;
  return [asOf, knownAt, country, level, limit, offset, provenance, minSources].map((value) => value ?? '').join('|');
}

/** A list of now holds for a second, and never past the first incident of any pair coming due (which would add to a score). */
function heldWhileCurrent(readModel: RelationsReadModel, perspective: Perspective): Pick<KeptList, 'heldFromMs' | 'staleAtMs'> {
  // Every incident, whatever the evidence filter: an earlier bound, never a later one; the read model keeps it per log position.
  const due = readModel.nextIncidentAfter(perspective.atMs);
  return { heldFromMs: perspective.atMs, staleAtMs: Math.min(perspective.atMs + CURRENT_VIEW_REUSE_MS, due) };
}
