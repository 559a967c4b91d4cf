import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { wantsCsv } from '../export/csv.js';
import type { RelationsReadModel } from '../projections/relations.read-model.js';
import type { RelationListAnswers } from './relation-list-answers.js';
import type { ListRelationsQuery } from './list-relations.query.js';
import { JSON_TYPE, type ServedRelationView } from './relation-view-answer.js';
import type { HeaderList } from './relation-view-kept.js';

const LIST_HEADERS: HeaderList = [['content-type', JSON_TYPE]];
/** The question a bare `GET /relations` asks: every pair, now. */
const EVERY_PAIR_NOW = {} as ListRelationsQuery;

/**
 * The onRequest hook for a bare `GET /relations` (every pair, now, as JSON) answered from the list
 * Nest's controller kept less than a second ago (relation-list-answers.ts), without Nest's router,
 * guard and validation pipe. Only a question with no query at all (nothing to validate), no
 * Authorization header (installed only while reads need no key) and an Accept that does not ask
 * for CSV; anything else, and a list not kept, goes on to Nest, which works it out and keeps it.
 */
export function relationListFastPath(
  sources: () => { lists: RelationListAnswers; readModel: RelationsReadModel },
  send: (request: FastifyRequest, reply: FastifyReply, answer: ServedRelationView) => void,
) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (request.method !== 'GET' || request.headers.authorization !== undefined || !isEmpty(request.query) || wantsCsv(undefined, request.headers.accept)) return done();
    const { lists, readModel } = sources();
    const kept = lists.kept(readModel, EVERY_PAIR_NOW);
    if (kept === undefined) return done();
    send(request, reply, { status: 200, headers: LIST_HEADERS, body: kept.body, bytes: kept.bytes });
  };
}

function isEmpty(query: unknown): boolean {
  if (query === null || typeof query !== 'object') return true;
  for (const _ in query) return false;
  return true;
}
