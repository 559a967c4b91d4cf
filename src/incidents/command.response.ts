import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from './command-outcome.js';

/**
 * The 201 body of a write: what was recorded. A replay (a retry under the same Idempotency-Key)
 * gets the same body, marked by the `Idempotent-Replayed: true` header.
 */
export function commandResponse(outcome: CommandOutcome, reply: FastifyReply) {
  const { replayed, metadata: _metadata, ...recorded } = outcome;
  if (replayed) reply.header('idempotent-replayed', 'true');
  return recorded;
}
