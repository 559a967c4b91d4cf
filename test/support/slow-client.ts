import { request as httpRequest, type IncomingMessage } from 'node:http';

/** A GET whose response is handed over unread: the caller decides when to read it (backpressure specs). */
export function getUnread(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (response) => {
      response.pause();
      resolve(response);
    })
      .on('error', reject)
      .end();
  });
}

/**
 * Waits, the response unread, until the server stops doing the work `count` counts (it has filled
 * the socket's buffers and waits for the client): `count` unchanged over 400 ms. Returns the count then.
 */
export async function workDoneWhileUnread(count: () => number): Promise<number> {
  let seen = -1;
  while (seen !== count()) {
    seen = count();
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  return seen;
}

/** Reads the whole body slowly, a piece at a time with a pause after each, as a slow client would. */
export async function readSlowly(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    response.pause();
    setTimeout(() => response.resume(), 1);
  });
  response.resume();
  await new Promise((resolve) => response.on('end', resolve));
  return Buffer.concat(chunks);
}
