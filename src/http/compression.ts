import compress from '@fastify/compress';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Below this many bytes a response goes as is: the encoding's own framing and the CPU spent
 * would buy next to nothing (a relation view is 1–6 KB, a list page tens of KB).
 */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * br or gzip, whichever the client prefers, for JSON, problem+json and the dashboard's text
 * assets above the threshold. Brotli at quality 4 (the plugin's default) costs about what gzip
 * does and saves more. The event stream is never compressed (the plugin leaves
 * text/event-stream alone, and the stream is written on the raw socket anyway). Request bodies are
 * not decompressed: writes are small JSON, and inflating them would only open a way round the body limit.
 */
export async function registerCompression(app: NestFastifyApplication): Promise<void> {
  await app.register(compress, { global: true, globalDecompression: false, threshold: COMPRESSION_THRESHOLD_BYTES, encodings: ['br', 'gzip'] });
}
