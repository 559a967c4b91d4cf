import type { EncodedCopies } from '../http/kept-encodings.js';

/**
 * How long a current view (no asOf, no knownAt) may be answered again from its bytes. Its `at`
 * and figures are exact for the instant they state; over one second a score decays by under
 * 0.001 point (30-day half-life), so an analyst asking twice in a second sees nothing move that
 * a fresh computation would have moved. docs/read-performance.md gives the whole rule.
 */
export const CURRENT_VIEW_REUSE_MS = 1_000;

export const JSON_TYPE = 'application/json; charset=utf-8';
/** How long a view of a settled past may be kept without asking: a day bounds what a rebuild or a new scoring rule leaves stale. */
export const SETTLED_CACHE_CONTROL = 'max-age=86400, immutable';
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

export type HeaderList = ReadonlyArray<readonly [string, string]>;

/**
 * One relation view as it was answered, with what tells whether it still holds. It holds while
 * the pair's stream is at `revision` (any event for the pair — report, late report, correction,
 * retraction, corroboration, confirmation — moves it) and the clock reads within
 * [`heldFromMs`, `staleAtMs`): for a current view, at most CURRENT_VIEW_REUSE_MS and never past
 * the moment an incident comes due; for a view fixed at an instant (asOf/knownAt), from the
 * start of its asOf (before it, the question is a forecast and refused) for ever.
 */
export interface KeptView {
  readonly revision: number;
  readonly etag: string;
  /** The view's JSON, and its length in bytes (what Content-Length says). */
  readonly body: string;
  readonly bytes: number;
  /** The body compressed, per encoding asked for so far (encoded-copies.ts). */
  readonly encoded: EncodedCopies;
  readonly heldFromMs: number;
  readonly staleAtMs: number;
  /** From this instant on (knownAt, and asOf if given, in the past) the view is cached as immutable. */
  readonly settledAfterMs: number;
  /** 200 and 304 headers, before and after the view is settled: worked out once, sent many times. */
  readonly headers: { readonly ok: HeaderList; readonly notModified: HeaderList; readonly okSettled: HeaderList; readonly notModifiedSettled: HeaderList };
}

export function keptView(fields: Omit<KeptView, 'headers' | 'encoded'>): KeptView {
  const headersFor = (cacheControl: string) => {
    const notModified: HeaderList = [['etag', fields.etag], ['cache-control', cacheControl]];
    return { notModified, ok: [...notModified, ['content-type', JSON_TYPE]] as HeaderList };
  };
  const revalidated = headersFor(REVALIDATE_CACHE_CONTROL);
  const settled = headersFor(SETTLED_CACHE_CONTROL);
  return { ...fields, encoded: {}, headers: { ok: revalidated.ok, notModified: revalidated.notModified, okSettled: settled.ok, notModifiedSettled: settled.notModified } };
}

/** Whether `kept` still answers for the pair at `revision` when the clock reads `nowMs`. */
export function holds(kept: KeptView, revision: number, nowMs: number): boolean {
  return kept.revision === revision && nowMs >= kept.heldFromMs && nowMs < kept.staleAtMs;
}
