import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressViolation, type WebhookUrlPolicy } from './webhook-url-policy.js';

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** What one attempt came to: the receiver's status, or why no status came back. */
export type PostResult = { status: number } | { error: string };

/** Bytes of a receiver's answer read at most: only its status matters. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * POSTs one webhook. The connection's own DNS lookup is checked against the policy, so the
 * address checked is the address connected to: a name that resolves to a private address (or
 * starts to, between creation and delivery) is refused before a byte is sent. Redirects are not
 * followed (a 3xx is a failure): following one would leave the checked address behind.
 */
export function postWebhook(post: WebhookPost, policy: WebhookUrlPolicy): Promise<PostResult> {
  const url = new URL(post.url);
  // An address in the URL is connected to without a lookup: checked here (the policy may have changed since the watch was made).
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const refused = isIP(host) ? addressViolation(host, policy) : undefined;
  if (refused) return Promise.resolve({ error: `webhook URL ${refused}` });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
        lookup: guardedLookup(policy),
        timeout: post.timeoutMs,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('close', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('error', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${post.timeoutMs} ms`)));
    request.on('error', (error) => resolve({ error: error.message.split('\n')[0] }));
    request.end(post.body);
  });
}

/** dns.lookup, refusing addresses the policy forbids (literal addresses go through it too). */
function guardedLookup(policy: WebhookUrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((entry) => addressViolation(entry.address, policy)).find((reason) => reason !== undefined);
      if (refused) return callback(Object.assign(new Error(`webhook URL ${refused}`), { code: 'EWEBHOOKREFUSED' }), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
