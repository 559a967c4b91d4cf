import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v5 as uuidv5 } from 'uuid';
import { ANONYMOUS } from '../auth/caller.js';
import { EventIdConflictError, type JsonObject } from '../event-store/event-store.port.js';
import { parseIfMatch, revisionETag } from '../http/entity-tags.js';
import { ProblemException, validationProblem } from '../http/problem.js';
import { RevisionPreconditionFailed, type CommandOptions, type CommandOutcome } from './command-outcome.js';
import type { AddressedCommand } from './incident-commands.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from './projection-progress.port.js';
import { RelationCommandHandler } from './relation-command-handler.js';

/** Namespace of event ids derived from Idempotency-Keys (UUID v5 of caller, route and key). */
const IDEMPOTENCY_NAMESPACE = '0e3c8f51-6a2b-4d7e-9b14-5f0c2a9d8e63';
const MAX_KEY_LENGTH = 255;
/** An sf-string (RFC 8941), as the Idempotency-Key draft specifies: "…" with \" and \\ escapes. */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
/** What many clients send instead: the bare key. */
const BARE_KEY = /^[\x21-\x7e]+$/;
/** How long a 201 waits for the read side to show the write (read-your-writes). */
const READ_YOUR_WRITES_MS = 2_000;

/**
 * Runs a write command with what its HTTP request asks for:
 *
 * - `Idempotency-Key` (IETF httpapi draft): the key, scoped to the caller and the route, becomes
 *   the event id (UUID v5), so the store records the command at most once, durably and in the
 *   same transaction as the event; the key, the caller and a SHA-256 fingerprint of the request
 *   are stored in the event's metadata. A retry with the same request gets the first outcome
 *   (`replayed`); the same key with another request is 422; while the first is running, 409.
 * - `If-Match`: the pair's stream must still be at the revision the caller saw (else 412).
 * - The caller's identity is recorded with every event (`recordedBy`).
 * - Read-your-writes: the answer waits (up to 2 s) until the read side has applied the event.
 *
 * `address` builds the command from the request body; it runs after the headers are checked.
 */
@Injectable()
export class HttpCommandRunner {
  /** Event ids of keyed commands executing in this process. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly handler: RelationCommandHandler,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
  ) {}

  /** `route` names the endpoint, e.g. `POST /incidents`: one key may be used once per route. */
  async run(route: string, request: FastifyRequest, address: () => AddressedCommand): Promise<CommandOutcome> {
    const command = (options: CommandOptions) => this.execute(address, options);
    const caller = request.caller ?? ANONYMOUS;
    const key = idempotencyKeyOf(request.headers['idempotency-key']);
    const expectedRevision = parseIfMatch(request.headers['if-match']);
    const metadata: JsonObject = { recordedBy: caller.id };
    if (key === undefined) return withPreconditionProblem(command({ metadata, ...(expectedRevision !== undefined ? { expectedRevision } : {}) }));

    const eventId = uuidv5(JSON.stringify([caller.id, route, key]), IDEMPOTENCY_NAMESPACE);
    const fingerprint = requestFingerprint(request);
    if (this.inFlight.has(eventId)) {
      throw new ProblemException(
        {
          type: 'https://demarche.dev/problems/idempotency-key-in-flight',
          title: 'A request with this Idempotency-Key is still being processed',
          status: 409,
          detail: `The request first sent with Idempotency-Key ${JSON.stringify(key)} has not finished; retry shortly to get its outcome`,
        },
        { 'retry-after': '1' },
      );
    }
    this.inFlight.add(eventId);
    try {
      const outcome = await withPreconditionProblem(command({
        eventId,
        metadata: { ...metadata, idempotencyKey: key, requestFingerprint: fingerprint },
        ...(expectedRevision !== undefined ? { expectedRevision } : {}),
      }));
      if (outcome.replayed && outcome.metadata.requestFingerprint !== fingerprint) throw keyReused(key);
      return outcome;
    } catch (error) {
      // The key's event id is in another pair's stream: the first request named another pair.
      if (error instanceof EventIdConflictError) throw keyReused(key);
      throw error;
    } finally {
      this.inFlight.delete(eventId);
    }
  }

  private async execute(address: () => AddressedCommand, options: CommandOptions): Promise<CommandOutcome> {
    const { streamId, command } = address();
    const outcome = await this.handler.handle(streamId, command, options);
    await this.progress.waitFor(outcome.position, READ_YOUR_WRITES_MS);
    return outcome;
  }
}

/** If-Match failed: 412, saying where the pair stands now so the client can look again and decide. */
async function withPreconditionProblem(outcome: Promise<CommandOutcome>): Promise<CommandOutcome> {
  try {
    return await outcome;
  } catch (error) {
    if (!(error instanceof RevisionPreconditionFailed)) throw error;
    const relation = `/relations/${error.streamId.replace(/^relation-/, '').replace('-', '/')}`;
    const now = error.currentRevision === null ? 'has no incidents yet' : `is at ETag ${revisionETag(error.currentRevision)}`;
    throw new ProblemException({
      type: 'https://demarche.dev/problems/precondition-failed',
      title: 'The relation has changed',
      status: 412,
      detail: `If-Match does not match: the relation ${now}; GET ${relation} and decide again`,
      currentVersion: error.currentRevision,
      currentETag: error.currentRevision === null ? null : revisionETag(error.currentRevision),
      relation,
    });
  }
}

function keyReused(key: string): ProblemException {
  return new ProblemException({
    type: 'https://demarche.dev/problems/idempotency-key-reused',
    title: 'The Idempotency-Key was used for another request',
    status: 422,
    detail: `Idempotency-Key ${JSON.stringify(key)} was already used with a different request (body or URL); use a new key for a new request`,
  });
}

/** The key from its header, or undefined when there is none; 400 when it is malformed. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const invalid = (message: string) => validationProblem([{ field: 'Idempotency-Key', message }]);
  if (Array.isArray(header)) throw invalid('must be sent once');
  const value = header.trim();
  const quoted = SF_STRING.exec(value);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : BARE_KEY.test(value) ? value : undefined;
  if (key === undefined) throw invalid('must be a quoted string such as "4c6f…" (or a bare key of visible ASCII characters without spaces)');
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw invalid(`must be 1 to ${MAX_KEY_LENGTH} characters`);
  return key;
}

/**
 * SHA-256 over the request's path and its JSON body with object keys sorted, so a retry that
 * serialises the same body differently (key order, whitespace) is still the same request.
 */
export function requestFingerprint(request: Pick<FastifyRequest, 'url' | 'body'>): string {
  const path = request.url.split('?')[0];
  return createHash('sha256').update(canonicalJson({ path, body: request.body ?? null })).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
