import { createHmac, randomBytes } from 'node:crypto';

/** The header a receiver checks: `sha256=` and the hex HMAC-SHA256 of the exact body bytes, keyed by the watch's secret. */
export const SIGNATURE_HEADER = 'x-demarche-signature';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A fresh per-watch secret: 32 random bytes, shown once when the watch is created. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
