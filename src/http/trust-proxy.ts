import { isIP } from 'node:net';

/** proxy-addr's names for address ranges, which Fastify's trustProxy understands. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `TRUST_PROXY`: the addresses or CIDR blocks of the reverse proxies in front of this server,
 * comma-separated (`10.0.0.5, 10.1.0.0/16`), or proxy-addr's names `loopback`, `linklocal`,
 * `uniquelocal`. Requests from them have their client address taken from `X-Forwarded-For`, so
 * the rate limit counts clients, not the proxy. `true` or `*` is refused: trusting every hop lets
 * any client write its own X-Forwarded-For and slip out of its rate limit.
 */
export function parseTrustProxy(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((raw) => {
    const entry = raw.trim();
    if (RANGE_NAMES.includes(entry) || isAddressOrBlock(entry)) return entry;
    if (['true', '*', '1'].includes(entry.toLowerCase())) {
      throw new Error(`TRUST_PROXY=${entry} would trust every client's X-Forwarded-For; list the proxies' addresses or CIDR blocks, e.g. TRUST_PROXY=10.0.0.5,10.1.0.0/16`);
    }
    throw new Error(`TRUST_PROXY: ${JSON.stringify(entry.slice(0, 60))} is not an IP address, a CIDR block (10.1.0.0/16) or one of ${RANGE_NAMES.join(', ')}`);
  });
}

function isAddressOrBlock(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
