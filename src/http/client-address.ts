import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { LruMap } from 'toad-cache';

/** IPv6 addresses whose keys are kept worked out; a dual-stack listener sees every IPv4 client as one (`::ffff:…`). */
const IPV6_KEYS_KEPT = 1_024;
const ipv6Keys = new LruMap<string>(IPV6_KEYS_KEPT);

/**
 * The key of the request's client (`addressKey` of the socket's address, or with TRUST_PROXY of
 * the proxy's client). A client that reset the connection before its request got here has no
 * address any more; those share one key rather than failing the request.
 */
export function clientKey(request: FastifyRequest): string {
  let ip: string | undefined;
  try {
    ip = request.ip;
  } catch {
    ip = undefined; // proxy-addr reading a socket that is already gone
  }
  return ip ? addressKey(ip) : 'gone';
}

/**
 * The key the per-client limits count an address under (the rate limit, the live streams' cap per
 * client): an IPv4 address as it is; an IPv4 address mapped into IPv6 (`::ffff:203.0.113.7`, what
 * a listener on `::` sees) as that IPv4 address; any other IPv6 address by its /64, the block one
 * subscriber usually holds, so a client cannot step out of its limit by changing the low bits.
 * Text that is not an address is its own key, lower-cased.
 */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  let key = ipv6Keys.get(address);
  if (key === undefined) {
    key = ipv6Key(address);
    ipv6Keys.set(address, key);
  }
  return key;
}

function ipv6Key(address: string): string {
  if (!ipaddr.IPv6.isValid(address)) return address.toLowerCase();
  const parsed = ipaddr.IPv6.parse(address);
  if (parsed.isIPv4MappedAddress()) return parsed.toIPv4Address().toString();
  const [a, b, c, d] = parsed.parts;
  return new ipaddr.IPv6([a, b, c, d, 0, 0, 0, 0]).toString();
}
