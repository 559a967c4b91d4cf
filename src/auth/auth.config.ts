import { BlockList, isIP } from 'node:net';
import { ApiKeysConfigError, parseApiKeys, type ApiKey } from './api-keys.js';

/** Who may call what; see docs/guarantees.md, "Who may do what". */
export interface AuthConfig {
  /** Configured API keys; none = writes are accepted from loopback callers only. */
  keys: ApiKey[];
  /** Whether reading also needs a key (role reader or above). Needs keys. */
  readsRequireKey: boolean;
}

export const AUTH_CONFIG = Symbol('AuthConfig');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** No keys: reads for everyone, writes (and admin) for callers on this machine. */
export const LOOPBACK_ONLY: AuthConfig = { keys: [], readsRequireKey: false };

export function authConfigFromEnv(env: NodeJS.ProcessEnv): AuthConfig {
  const keys = parseApiKeys(env.API_KEYS);
  const readsRequireKey = parseBoolean('READS_REQUIRE_KEY', env.READS_REQUIRE_KEY);
  if (readsRequireKey && keys.length === 0) {
    throw new ApiKeysConfigError('READS_REQUIRE_KEY=true needs at least one key in API_KEYS (role reader or above), or nobody could read');
  }
  return { keys, readsRequireKey };
}

/** The server refuses to start as configured. */
export class UnsafeExposureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeExposureError';
  }
}

/**
 * Run before listening: without keys only loopback callers may write, which protects nothing once
 * the server is reachable from other machines, so binding elsewhere without keys is refused.
 * Returns the line to log about how writes are authorised.
 */
export function checkExposure(host: string, auth: AuthConfig): string {
  if (auth.keys.length > 0) {
    const byRole = auth.keys.map((key) => `${key.name} (${key.role})`).join(', ');
    return `Access: ${auth.keys.length} API key(s): ${byRole}; reads ${auth.readsRequireKey ? 'need a key' : 'are public'}`;
  }
  if (!isLoopbackHost(host)) {
    throw new UnsafeExposureError(
      `Refusing to listen on HOST=${host} without API keys: anyone who can reach it could record incidents. ` +
        'Set API_KEYS (e.g. API_KEYS="ops:admin:<secret of 16+ characters>"; see docs/guarantees.md) or bind to 127.0.0.1.',
    );
  }
  return 'Access: no API_KEYS configured — accepting writes only from loopback (this machine); reads are public';
}

/** Whether binding to `host` keeps the server reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || isLoopbackAddress(bare);
}

/** 127.0.0.0/8 and ::1, also IPv4 loopback written as IPv6 (::ffff:127.0.0.1). */
/** Answers per address: BlockList.check builds a SocketAddress each time (~10 µs), on every request's guard. */
const loopbackAnswers = new Map<string, boolean>();

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  let loopback = loopbackAnswers.get(address);
  if (loopback === undefined) {
    if (loopbackAnswers.size >= 1024) loopbackAnswers.clear();
    const family = isIP(address);
    loopback = family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
    loopbackAnswers.set(address, loopback);
  }
  return loopback;
}

function parseBoolean(name: string, value: string | undefined): boolean {
  const normalised = value?.trim().toLowerCase();
  if (normalised === undefined || normalised === '' || normalised === 'false' || normalised === '0') return false;
  if (normalised === 'true' || normalised === '1') return true;
  throw new ApiKeysConfigError(`${name} must be true or false, got '${value}'`);
}
