import ipaddr from 'ipaddr.js';

/**
 * Where webhooks may go. A watch's URL is chosen by whoever holds a reporter key, and the server
 * sends to it: without limits a watch could make the server reach its own admin routes, a
 * database on the private network or a cloud metadata service. So: https to public addresses
 * only, unless the operator opens loopback (tests, a local receiver) or private networks.
 * The check runs on the URL when the watch is created and again on the address each delivery
 * actually connects to (webhook-sender.ts), so a name that later resolves inward is refused too.
 */
export interface WebhookUrlPolicy {
  /** Allow 127.0.0.0/8, ::1 and `localhost`, over http as well as https (WEBHOOK_ALLOW_LOOPBACK=true). */
  allowLoopback: boolean;
  /** Allow private, unique-local, carrier-grade NAT and link-local ranges (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true). */
  allowPrivateNetworks: boolean;
}

export const STRICT_WEBHOOK_POLICY: WebhookUrlPolicy = { allowLoopback: false, allowPrivateNetworks: false };

/** Ranges (as ipaddr.js names them) that private networks open: link-local holds the metadata address 169.254.169.254. */
const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'carrierGradeNat', 'linkLocal']);

/** Why a URL may not receive webhooks, or undefined when it may (the address is checked again at delivery). */
export function webhookUrlViolation(value: string, policy: WebhookUrlPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not carry a #fragment';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopbackName = host === 'localhost' || host.endsWith('.localhost');
  const literal = ipaddr.isValid(host) ? ipaddr.process(host) : undefined;
  const isLoopback = loopbackName || literal?.range() === 'loopback';
  if (url.protocol === 'http:') {
    if (!isLoopback) return 'must use https (http is allowed only to loopback, when the server is configured for it)';
    if (!policy.allowLoopback) return 'must use https; http to loopback is not enabled on this server (WEBHOOK_ALLOW_LOOPBACK)';
  } else if (url.protocol !== 'https:') {
    return 'must use https';
  }
  if (loopbackName) return policy.allowLoopback ? undefined : 'must not point at this machine (localhost)';
  if (literal) return addressViolation(literal.toString(), policy);
  if (!host.includes('.')) return 'must name a public host (a fully qualified name or an address)';
  return undefined;
}

/** Why the server may not connect to this address, or undefined when it may. */
export function addressViolation(address: string, policy: WebhookUrlPolicy): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = ipaddr.process(address).range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback') return policy.allowLoopback ? undefined : `must not point at this machine (${address}, loopback)`;
  if (PRIVATE_RANGES.has(range)) {
    return policy.allowPrivateNetworks ? undefined : `must not point into a private network (${address}, ${range}; WEBHOOK_ALLOW_PRIVATE_NETWORKS)`;
  }
  return `must not point at a ${range} address (${address})`;
}
