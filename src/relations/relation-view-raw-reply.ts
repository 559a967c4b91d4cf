import type { FastifyReply, FastifyRequest } from 'fastify';
import { COMPRESSION_THRESHOLD_BYTES } from '../http/compression.js';
import { sendEncoded } from '../http/kept-encodings.js';
import type { ServedRelationView } from './relation-view-answer.js';

/**
 * Whether a relation view may be written straight to Node's response, past Fastify's onSend
 * hooks and its send bookkeeping: only when those hooks would leave it as it is. That is when
 * compression would not touch it (no Accept-Encoding at all, or a body under the threshold, as
 * @fastify/compress decides) or the answer carries its kept compressed bytes (kept-encodings.ts,
 * sent with the headers the plugin would add), and no earlier hook left headers on Fastify's reply rather than on
 * Node's response — only @fastify/cors does, so not when CORS_ORIGINS is set. The security
 * headers are left to the global onSend hook or to this writer (security-headers.ts `deferTo`).
 */
function writesRaw(request: FastifyRequest, answer: ServedRelationView, corsConfigured: boolean): boolean {
  if (corsConfigured) return false;
  return answer.status === 304 || answer.encoded !== undefined || request.headers['accept-encoding'] === undefined || answer.bytes < COMPRESSION_THRESHOLD_BYTES;
}

/** Sends a relation view or list: on the raw response when nothing after would change it (`writesRaw`), else through Fastify's send. */
export function sendServed(request: FastifyRequest, reply: FastifyReply, answer: ServedRelationView, corsConfigured: boolean, securityHeaders: readonly string[]): void {
  if (writesRaw(request, answer, corsConfigured)) writeRaw(reply, answer, securityHeaders);
  else sendThroughFastify(reply, answer);
}

/** The answer on the reply: its headers, then the kept text (compression, if any, in the route's onSend). */
function sendThroughFastify(reply: FastifyReply, answer: ServedRelationView): void {
  for (const [name, value] of answer.headers) reply.header(name, value);
  if (answer.status === 304) reply.code(304).send();
  else reply.send(answer.encoded === undefined ? answer.body : sendEncoded(reply, answer.encoded));
}

/**
 * The answer as Fastify would have written it (the security headers, then the same status,
 * headers and bytes, with Content-Length; none on a 304), on the raw response, in one
 * `writeHead` with a flat list: Node validates each header once there, where a `setHeader` per
 * header also copied each into its header map first (docs/read-performance.md, fifth pass).
 * The reply is hijacked, so Fastify sends nothing more; its onResponse hooks do not run (Nest's
 * only one does nothing without middleware).
 */
function writeRaw(reply: FastifyReply, answer: ServedRelationView, securityHeaders: readonly string[]): void {
  reply.hijack();
  const headers = securityHeaders.slice();
  for (const [name, value] of answer.headers) headers.push(name, value);
  if (answer.status === 304) {
    reply.raw.writeHead(304, headers).end();
    return;
  }
  if (answer.encoded !== undefined) {
    // As @fastify/compress leaves a compressed answer: Vary (no CORS here, so no other), Content-Encoding, then the length sent.
    headers.push('vary', 'accept-encoding', 'content-encoding', answer.encoded.encoding, 'content-length', String(answer.encoded.body.length));
    reply.raw.writeHead(answer.status, headers).end(answer.encoded.body);
    return;
  }
  headers.push('content-length', String(answer.bytes));
  reply.raw.writeHead(answer.status, headers).end(answer.body);
}
