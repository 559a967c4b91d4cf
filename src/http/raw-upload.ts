import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemException } from './problem.js';

/**
 * The one route whose body is a file rather than JSON: an event-data upload. Its body is never
 * parsed by Fastify — the parser below leaves the stream unread — so the handler can stream it to
 * disk under its own size limit instead of holding it in memory.
 */
export const RAW_UPLOAD_ROUTE = { method: 'POST', url: '/admin/imports' } as const;

/** What an upload may say it is; the content decides the format (src/import/formats/detect-format.ts). */
export const UPLOAD_MEDIA_TYPES = ['application/octet-stream', 'application/gzip', 'application/zip', 'text/plain', 'text/tab-separated-values'] as const;

export function isRawUploadRoute(request: FastifyRequest): boolean {
  return request.method === RAW_UPLOAD_ROUTE.method && request.routeOptions.url === RAW_UPLOAD_ROUTE.url;
}

export function isUploadMediaType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const semicolon = header.indexOf(';');
  const type = (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  return (UPLOAD_MEDIA_TYPES as readonly string[]).includes(type);
}

/**
 * Lets upload media types through Fastify's content-type check without reading the body. Only the
 * upload route is ever reached with them: the request gate answers 415 to them everywhere else.
 */
export function registerRawUploadParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser([...UPLOAD_MEDIA_TYPES], (_request, _payload, done) => done(null, undefined));
}

/**
 * Streams the request's body into `file`, refusing (413) a declared or actual size above
 * `limitBytes`; a refused or broken upload leaves no file behind. Answers the bytes written.
 * A body over the limit is still read to its end, and dropped: destroying the request instead
 * would reset the connection, and the client would never see the 413.
 */
export async function saveRequestBody(request: FastifyRequest, file: string, limitBytes: number): Promise<number> {
  const declared = Number(request.headers['content-length']);
  let overLimit = Number.isFinite(declared) && declared > limitBytes;
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      received += chunk.length;
      if (received > limitBytes) overLimit = true;
      callback(null, overLimit ? undefined : chunk);
    },
  });
  try {
    await pipeline(request.raw, limit, createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    await unlink(file).catch(() => undefined);
    throw new ProblemException({ status: 400, detail: `The upload was cut off: ${(error as Error).message}` });
  }
  if (overLimit || received === 0) await unlink(file).catch(() => undefined);
  if (overLimit) throw tooLarge(limitBytes);
  if (received === 0) {
    throw new ProblemException({ status: 400, detail: 'The upload is empty; send the event file as the request body', errors: [{ field: 'body', message: 'must not be empty' }] });
  }
  return received;
}

function tooLarge(limitBytes: number): ProblemException {
  return new ProblemException({
    type: 'https://demarche.dev/problems/payload-too-large',
    title: 'Payload too large',
    status: 413,
    detail: `An uploaded event file may have at most ${limitBytes} bytes (IMPORT_UPLOAD_LIMIT_MB); import a larger one with npm run import, or send it compressed (.gz, .zip)`,
    errors: [{ field: 'body', message: `must be at most ${limitBytes} bytes` }],
  });
}
