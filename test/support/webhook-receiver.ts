import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status this receiver answered. */
  answered: number;
}

/** A real local HTTP server standing in for an analyst's webhook endpoint: records every POST, answers `answer()`'s status. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The status of the next answer; default 204. */
  answer: () => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: Partial<WebhookReceiver> & { received: ReceivedWebhook[]; answer: () => number } = { received: [], answer: () => 204 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answered = receiver.answer();
      receiver.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hooks/demarche`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver as WebhookReceiver;
}
