import { createHash, timingSafeEqual } from 'node:crypto';

/** What a key may do; each role includes the ones before it. */
export const ROLES = ['reader', 'reporter', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  /** Who holds the key: shown in logs and recorded with the events it writes. Never the secret. */
  name: string;
  role: Role;
  /** SHA-256 of the secret: the secret itself is not kept after start-up. */
  digest: Buffer;
}

/** Secrets shorter than this many bytes are refused: they could be guessed. */
export const MIN_SECRET_LENGTH = 16;
/** The names callers without a key carry (caller.ts): a key by that name would be mistaken for them in the log. */
const RESERVED_NAMES = ['anonymous', 'loopback'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** API_KEYS cannot be used as given; the message names the entry and what is wrong, never the secret. */
export class ApiKeysConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeysConfigError';
  }
}

export function roleIncludes(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

/**
 * Parses `API_KEYS`: comma-separated `name:role:secret` entries, e.g.
 * `alice:reporter:3f9a…,ops:admin:b71c…`. Blank or unset means no keys. The secret is everything
 * after the second colon (it may contain colons, not commas): 16 or more visible ASCII characters.
 */
export function parseApiKeys(value: string | undefined): ApiKey[] {
  if (value === undefined || value.trim() === '') return [];
  const keys: ApiKey[] = [];
  value.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const where = `API_KEYS entry ${index + 1}`;
    if (entry === '') throw new ApiKeysConfigError(`${where} is empty (two commas in a row, or a trailing comma?); expected name:role:secret`);
    const first = entry.indexOf(':');
    const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
    if (second < 0) {
      throw new ApiKeysConfigError(`${where} is not name:role:secret (found ${entry.split(':').length - 1} colon(s)); e.g. alice:reporter:<secret of ${MIN_SECRET_LENGTH}+ characters>`);
    }
    const name = entry.slice(0, first).trim();
    const role = entry.slice(first + 1, second).trim();
    const secret = entry.slice(second + 1).trim();
    if (!NAME.test(name)) {
      throw new ApiKeysConfigError(`${where}: the name ${JSON.stringify(name.slice(0, 64))} must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
    if (RESERVED_NAMES.includes(name.toLowerCase())) {
      throw new ApiKeysConfigError(`${where}: the name '${name}' is reserved (${RESERVED_NAMES.join(' and ')} name callers without a key)`);
    }
    if (keys.some((key) => key.name.toLowerCase() === name.toLowerCase())) throw new ApiKeysConfigError(`${where}: the name '${name}' is used twice`);
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ApiKeysConfigError(`${where} ('${name}'): the role ${JSON.stringify(role.slice(0, 20))} must be one of ${ROLES.join(', ')}`);
    }
    const unsendable = whyUnsendable(secret);
    if (unsendable) throw new ApiKeysConfigError(`${where} ('${name}'): the secret ${unsendable}, so no client could ever present this key; use e.g. openssl rand -hex 24`);
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ApiKeysConfigError(`${where} ('${name}'): the secret is ${secret.length} bytes; at least ${MIN_SECRET_LENGTH} are required (e.g. openssl rand -hex 24)`);
    }
    const digest = sha256(secret);
    const twin = keys.find((key) => timingSafeEqual(key.digest, digest));
    if (twin) throw new ApiKeysConfigError(`${where} ('${name}') has the same secret as '${twin.name}'; each key needs its own`);
    keys.push({ name, role: role as Role, digest });
  });
  return keys;
}

/**
 * The key whose secret is `presented`, or undefined. Both sides are compared as SHA-256 digests
 * with `timingSafeEqual`, and every key is compared, so neither the time taken nor an early exit
 * tells a caller how much of a secret, or how long a secret, it guessed right.
 */
export function findApiKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  const digest = sha256(presented);
  let found: ApiKey | undefined;
  for (const key of keys) {
    if (timingSafeEqual(key.digest, digest) && !found) found = key;
  }
  return found;
}

/**
 * Why a secret could never arrive in `Authorization: Bearer <secret>` (RFC 6750 tokens are visible
 * ASCII; the guard reads exactly that), or undefined when it could. Says where, never what.
 */
function whyUnsendable(secret: string): string | undefined {
  const at = (index: number) => `(character ${index + 1})`;
  let index = secret.search(/\s/);
  if (index >= 0) return `contains whitespace ${at(index)}`;
  index = secret.search(/[\x00-\x1f\x7f]/);
  if (index >= 0) return `contains a control character ${at(index)}`;
  index = secret.search(/[^\x21-\x7e]/);
  if (index >= 0) return `contains a non-ASCII character ${at(index)}`;
  return undefined;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
