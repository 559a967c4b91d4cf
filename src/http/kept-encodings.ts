import negotiate from '@fastify/accept-negotiator';
import type { IncomingHttpHeaders } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import { BROTLI_OPTIONS, COMPRESSION_ENCODINGS, COMPRESSION_THRESHOLD_BYTES, type CompressionEncoding } from './compression.js';

/**
 * A kept answer's compressed bytes, by encoding, made on the first request that asks for each.
 * A kept page of 124 KB was gzipped again on every request by @fastify/compress (fetch and
 * browsers send Accept-Encoding); now once per kept answer and encoding (docs/page-latency.md).
 */
export type EncodedCopies = Readonly<Partial<Record<CompressionEncoding, Buffer>>>;

/** One kept answer's bytes in the encoding a request asked for. */
export interface EncodedBody {
  readonly encoding: CompressionEncoding;
  readonly body: Buffer;
}

/** `*` (no preference) and x-gzip stand for gzip, as @fastify/compress reads them (RFC 7230 §4.2.3). */
const GZIP_ALIAS = /\*|x-gzip/gu;
const SUPPORTED = [...COMPRESSION_ENCODINGS];

/**
 * The encoding @fastify/compress would give a JSON answer of `bytes` for this request, or
 * undefined when it would send it as is: under the threshold, no Accept-Encoding, only identity
 * or encodings not offered, or the x-no-compression header. Same negotiator, same reading.
 */
export function negotiatedEncoding(headers: IncomingHttpHeaders, bytes: number): CompressionEncoding | undefined {
  const accepted = headers['accept-encoding'];
  if (accepted === undefined || bytes < COMPRESSION_THRESHOLD_BYTES || headers['x-no-compression'] !== undefined) return undefined;
  return negotiate(accepted.toLowerCase().replace(GZIP_ALIAS, 'gzip'), SUPPORTED) ?? undefined;
}

/** `body` compressed as the plugin compresses it (zlib's defaults for gzip, brotli at its quality). */
export function compressed(body: string, encoding: CompressionEncoding): Buffer {
  return encoding === 'br' ? brotliCompressSync(body, BROTLI_OPTIONS) : gzipSync(body);
}

/** The bytes the copies hold, counted toward a cache's byte limit beside the JSON they encode. */
export function encodedBytes(copies: EncodedCopies): number {
  let bytes = 0;
  for (const encoding of COMPRESSION_ENCODINGS) bytes += copies[encoding]?.length ?? 0;
  return bytes;
}

/**
 * Puts on `reply` the headers @fastify/compress gives a compressed answer (Vary, with any Vary
 * already there such as CORS's Origin; Content-Encoding; Content-Length), so the plugin leaves it
 * alone, and returns the bytes to send.
 */
export function sendEncoded(reply: FastifyReply, encoded: EncodedBody): Buffer {
  const vary = reply.getHeader('vary');
  if (vary === undefined) reply.header('vary', 'accept-encoding');
  else {
    const values = (Array.isArray(vary) ? vary : [String(vary)]).map(String);
    if (!values.some((value) => value.includes('accept-encoding'))) reply.header('vary', values.concat('accept-encoding').join(', '));
  }
  reply.header('content-encoding', encoded.encoding);
  reply.header('content-length', encoded.body.length);
  return encoded.body;
}
