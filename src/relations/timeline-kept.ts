import type { Clock } from '../clock.js';
import { compressed, encodedBytes, type EncodedBody, type EncodedCopies } from '../http/kept-encodings.js';
import type { RelationsReadModel } from '../projections/relations.read-model.js';
import { endOf } from '../time/perspective.js';
import { encodedCopy } from './encoded-copies.js';
import { SerialisedViews } from './serialised-views.js';

/** What shapes a timeline's JSON answer: the query as validated (format aside: a CSV is never kept). */
export interface TimelineQuestion {
  from?: string;
  to?: string;
  interval?: string;
  knownAt?: string;
  incidents?: string;
  provenance?: string;
  minSources?: number;
}

/** A timeline's JSON as answered, with what tells whether it still holds. */
export interface KeptTimeline {
  /** The pair's stream revision it was worked out at: any event of the pair (report, correction, retraction…) moves it. */
  readonly revision: number;
  /** The end of its span (or of its knownAt, if later): before that instant (a clock set back) the question is worked out again. */
  readonly heldFromMs: number;
  readonly body: string;
  readonly bytes: number;
  readonly encoded: EncodedCopies;
}

/** A timeline's JSON, and its bytes in the encoding the request gets (undefined: sent as is). */
export interface TimelineJson {
  readonly body: string;
  readonly encoded?: EncodedBody;
}

/**
 * Timelines of the past answered again from their bytes, as an as-of view is (docs/kept-answers.md):
 * a span that ended before now, with no knownAt or one already past, says the same until the
 * pair's stream moves. A chart reloading a year, or a dashboard polling it, then costs a lookup
 * instead of 366 points, a thousand documents, a JSON.stringify and a compression. A span reaching
 * into the present is worked out afresh each time: its last points are forecasts of decay.
 */
export class KeptTimelines {
  private readonly kept = new SerialisedViews<KeptTimeline>((timeline) => timeline.bytes + encodedBytes(timeline.encoded) + 256);

  constructor(private readonly clock: Clock) {}

  /** The key of a question whose answer may be kept: a span and knownAt both ended before now; undefined otherwise. */
  keyOf(a: string, b: string, question: TimelineQuestion): string | undefined {
    const heldFromMs = this.heldFrom(question);
    if (heldFromMs === undefined) return undefined;
    const { from, to, interval, knownAt, incidents, provenance, minSources } = question;
    return [a, b, from, to, interval, knownAt, incidents, provenance, minSources].map((part) => part ?? '').join('|');
  }

  /** The kept answer for `key` if it holds for the pair at `revision`, in the encoding `encodingOf` picks for its length. */
  answer(readModel: RelationsReadModel, key: string, revision: number, encodingOf: (bytes: number) => EncodedBody['encoding'] | undefined): TimelineJson | undefined {
    const kept = this.kept.get(readModel, key);
    if (kept === undefined || kept.revision !== revision || this.clock.now().getTime() < kept.heldFromMs) return undefined;
    const encoding = encodingOf(kept.bytes);
    return { body: kept.body, ...(encoding === undefined ? {} : { encoded: encodedCopy(this.kept, readModel, key, kept, encoding) }) };
  }

  /** Keeps `json` (worked out at `revision`) under `key`, with its compressed copy if one was made. */
  keep(readModel: RelationsReadModel, key: string, question: TimelineQuestion, revision: number, json: TimelineJson & { bytes: number }): void {
    const heldFromMs = this.heldFrom(question);
    if (heldFromMs === undefined) return;
    const encoded: EncodedCopies = json.encoded === undefined ? {} : { [json.encoded.encoding]: json.encoded.body };
    const kept: KeptTimeline = { revision, heldFromMs, body: json.body, bytes: json.bytes, encoded };
    if (this.kept.fits(kept)) this.kept.set(readModel, key, kept);
  }

  /** Bytes the kept timelines hold, their compressed copies included. */
  get bytes(): number {
    return this.kept.bytes;
  }

  /** The last instant the answer depends on, when it is already past: the span's end, or knownAt's if later. */
  private heldFrom({ to, knownAt }: TimelineQuestion): number | undefined {
    if (to === undefined) return undefined;
    const heldFromMs = Math.max(endOf(to), knownAt === undefined ? -Infinity : endOf(knownAt));
    return heldFromMs < this.clock.now().getTime() ? heldFromMs : undefined;
  }
}

/** `body` with its bytes in the encoding `encodingOf` picks, compressed now in one call (the plugin streams a large body through zlib in pieces). */
export function timelineJson(body: string, encodingOf: (bytes: number) => EncodedBody['encoding'] | undefined): TimelineJson & { bytes: number } {
  const bytes = Buffer.byteLength(body);
  const encoding = encodingOf(bytes);
  return { body, bytes, ...(encoding === undefined ? {} : { encoded: { encoding, body: compressed(body, encoding) } }) };
}
