import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

/** An answer as it came over the wire: headers flattened, the body not decoded. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** The bytes as they came over the wire, not decoded. */
  body: Buffer;
}

/** A GET through node:http, sending only the headers given and decoding nothing (fetch would ask for gzip and decode it). */
export function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: response.statusCode!, headers: flat, body: Buffer.concat(chunks) });
      });
    }).on('error', reject);
  });
}

/** The body as text, decompressed as its Content-Encoding says. */
export function decoded(response: RawResponse): string {
  const encoding = response.headers['content-encoding'];
  const bytes = encoding === 'gzip' ? gunzipSync(response.body) : encoding === 'br' ? brotliDecompressSync(response.body) : response.body;
  return bytes.toString('utf8');
}

/** Accept-Encoding headers a client sends, and the encoding the server should pick for each (br preferred). */
export const ACCEPT_ENCODINGS = [
  { acceptEncoding: 'gzip', expected: 'gzip' },
  { acceptEncoding: 'br', expected: 'br' },
  // fetch's and browsers' header: br preferred by the server
  { acceptEncoding: 'gzip, deflate, br', expected: 'br' },
  { acceptEncoding: 'br;q=0.5, gzip', expected: 'gzip' },
  { acceptEncoding: '*', expected: 'gzip' },
];
