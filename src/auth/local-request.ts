import type { FastifyRequest } from 'fastify';
import { isLoopbackAddress, isLoopbackHost } from './auth.config.js';

/**
 * Headers proxies, load balancers and CDNs add. Without API keys a request carrying any of them
 * came through something that relays other machines' requests, even if its socket is local.
 */
export const PROXY_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-real-ip',
  'via',
  'true-client-ip',
  'cf-connecting-ip',
  'x-client-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
] as const;

/**
 * Why a request does not count as coming from this machine, or undefined when it does: the
 * socket is loopback, no proxy forwarded it, and the Host header names this machine.
 */
export function notLocalBecause(request: FastifyRequest): string | undefined {
  if (!isLoopbackAddress(request.socket.remoteAddress)) return 'this request came from another address';
  const forwarded = PROXY_HEADERS.find((name) => request.headers[name] !== undefined);
  if (forwarded) return `this request was forwarded by a proxy (${forwarded} header)`;
  if (!isLocalHostHeader(request.headers.host)) return 'this request names another host in its Host header';
  return undefined;
}

/** Answers per Host header value (a handful of distinct values in practice; bounded anyway). */
const localHostHeaders = new Map<string, boolean>();

/**
 * Whether the Host header names this machine (localhost, *.localhost, a loopback address). A page
 * on another site whose name was made to resolve to 127.0.0.1 (DNS rebinding) sends its own name.
 */
export function isLocalHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  let local = localHostHeaders.get(host);
  if (local === undefined) {
    if (localHostHeaders.size >= 1024) localHostHeaders.clear();
    local = parseLocalHostHeader(host);
    localHostHeaders.set(host, local);
  }
  return local;
}

function parseLocalHostHeader(host: string): boolean {
  try {
    const { hostname } = new URL(`http://${host}`);
    return hostname === 'localhost' || hostname.endsWith('.localhost') || isLoopbackHost(hostname);
  } catch {
    return false;
  }
}
