import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/** An answer, or the lack of one, as the fuzzer sees it. */
export interface FuzzAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection without answering, or did not answer in time. */
  noAnswer?: string;
}

/**
 * Sends a request with node:http, which accepts any method token, header and body (unlike fetch,
 * which refuses TRACE, CONNECT, Host…). An endless response (the SSE stream) is cut after its
 * headers; its body is then the first chunk, if any.
 */
export function sendHttp(
  base: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs = 10_000,
): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: FuzzAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const outgoing = { ...headers };
    if (body !== undefined) outgoing['content-length'] = String(body.length);
    const req = httpRequest({ host: base.hostname, port: Number(base.port), method, path, headers: outgoing, setHost: !('host' in headers), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const flat = flatten(res.headers);
      if (/^text\/event-stream/.test(flat['content-type'] ?? '')) {
        // Endless by design: the status and headers are what is checked.
        res.once('data', (chunk: Buffer) => {
          finish({ status: res.statusCode!, headers: flat, body: chunk.toString('latin1') });
          req.destroy();
        });
        setTimeout(() => {
          finish({ status: res.statusCode!, headers: flat, body: '' });
          req.destroy();
        }, 200);
        return;
      }
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish({ status: res.statusCode!, headers: flat, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => finish({ status: res.statusCode!, headers: flat, body: Buffer.concat(chunks).toString('utf8'), noAnswer: `response broke off: ${error.message}` }));
    });
    req.on('error', (error) => finish({ status: 0, headers: {}, body: '', noAnswer: error.message }));
    const timer = setTimeout(() => {
      finish({ status: 0, headers: {}, body: '', noAnswer: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.end(body);
  });
}

/**
 * Writes `bytes` as they are on a fresh connection and reads the answer until the server closes
 * it (the fuzzer always sends `Connection: close` on this path, or the request is broken HTTP).
 */
export function sendRaw(base: URL, bytes: Buffer, timeoutMs = 10_000): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    const socket = connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks)));
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // Enough to judge once one whole response has arrived; a keep-alive server would not close.
      const parsed = parseResponse(Buffer.concat(chunks));
      if (!parsed.noAnswer && parsed.complete) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    const timer = setTimeout(finish, timeoutMs);
    socket.write(bytes);
  });
}

function parseResponse(raw: Buffer): FuzzAnswer & { complete?: boolean } {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', noAnswer: raw.length === 0 ? 'connection closed without an answer' : `incomplete answer: ${JSON.stringify(text.slice(0, 200))}` };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  let complete = false;
  if (headers['transfer-encoding']?.includes('chunked')) {
    const decoded = decodeChunked(body);
    complete = decoded.complete;
    body = decoded.body;
  } else if (headers['content-length'] !== undefined) {
    complete = body.length >= Number(headers['content-length']);
    body = body.subarray(0, Number(headers['content-length']));
  }
  return { status, headers, body: body.toString('utf8'), complete };
}

function decodeChunked(raw: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}
