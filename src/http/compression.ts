import compress from '@fastify/compress';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { constants, type BrotliOptions } from 'node:zlib';

/**
 * Below this many bytes a response goes as is: the encoding's own framing and the CPU spent
 * would buy next to nothing (a relation view is 1–6 KB, a list page tens of KB).
 */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/** What a response may be encoded with, the server's preference first. */
export const COMPRESSION_ENCODINGS = ['br', 'gzip'] as const;
export type CompressionEncoding = (typeof COMPRESSION_ENCODINGS)[number];

/** Brotli at quality 4 (the plugin's own default, named here so kept-encodings.ts compresses exactly as the plugin does). */
export const BROTLI_OPTIONS: BrotliOptions = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };

/**
 * br or gzip, whichever the client prefers, for JSON, problem+json and the dashboard's text
 * assets above the threshold. Brotli at quality 4 costs about what gzip does and saves more. The
 * event stream is never compressed (the plugin leaves text/event-stream alone, and the stream is
 * written on the raw socket anyway). Request bodies are not decompressed: writes are small JSON,
 * and inflating them would only open a way round the body limit. Kept answers carry their
 * compressed bytes with them (kept-encodings.ts), with the headers this plugin would give.
 */
export async function registerCompression(app: NestFastifyApplication): Promise<void> {
  await app.register(compress, {
    global: true,
    globalDecompression: false,
    threshold: COMPRESSION_THRESHOLD_BYTES,
    encodings: [...COMPRESSION_ENCODINGS],
    brotliOptions: BROTLI_OPTIONS,
  });
}
