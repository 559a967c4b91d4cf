import { createHash } from 'node:crypto';
import { validationProblem } from './problem.js';

/**
 * The strong entity tag of a pair's current state: the revision of its stream's last event.
 * It changes whenever anything is recorded for the pair, and only then.
 */
export function revisionETag(revision: number): string {
  return `"${revision}"`;
}

/** What an If-Match header asks of the pair's stream: to exist (`*`), or to be at one of these revisions. */
export type RevisionPrecondition = 'stream_exists' | number[];

const ENTITY_TAG = /\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/y;
const REVISION = /^(0|[1-9]\d{0,14})$/;

/**
 * Parses If-Match (RFC 9110 §13.1.1): `*`, or a list of entity tags compared strongly, so weak
 * tags and tags this server never issued are kept out and can only fail. Undefined when absent.
 */
export function parseIfMatch(header: string | string[] | undefined): RevisionPrecondition | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return 'stream_exists';
  if (value === '') throw validationProblem([{ field: 'If-Match', message: 'must not be empty' }]);
  const revisions: number[] = [];
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < value.length) {
    const start = ENTITY_TAG.lastIndex;
    const match = ENTITY_TAG.exec(value);
    if (!match || ENTITY_TAG.lastIndex === start) {
      throw validationProblem([{ field: 'If-Match', message: 'must be * or entity tags in double quotes, e.g. "3" as sent in the ETag of GET /relations/{a}/{b}' }]);
    }
    if (!match[1] && REVISION.test(match[2])) revisions.push(Number(match[2]));
  }
  return revisions;
}

/**
 * The strong entity tag of a view of the past (asOf and/or knownAt): the pair's revision and the
 * two inputs, so it changes when anything is recorded for the pair or the question changes.
 * Not a bare revision, so If-Match (which wants one) can never accept it: a view of the past is
 * not something to write against.
 */
export function timeTravelETag(revision: number, asOf: string | undefined, knownAt: string | undefined): string {
  return questionETag(revision, `${asOf ?? ''}|${knownAt ?? ''}`);
}

/** The strong entity tag of an answer that depends on the pair's revision and on the question (its inputs as one text) alone. */
export function questionETag(revision: number, question: string): string {
  return `"${revision}-${createHash('sha1').update(question).digest('base64url').slice(0, 16)}"`;
}

/**
 * Whether If-None-Match (RFC 9110 §13.1.2) names this tag: `*`, or any tag in the list compared
 * weakly (W/ prefixes ignored), as the RFC asks for GET.
 */
export function noneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
