import { ApiKeysConfigError, findApiKey, parseApiKeys, roleIncludes } from '../../src/auth/api-keys.js';
import { authConfigFromEnv, checkExposure, isLoopbackAddress, isLoopbackHost, UnsafeExposureError } from '../../src/auth/auth.config.js';

const ALICE = 'alice-secret-0123456789';
const OPS = 'ops-secret-abcdefghijkl';

describe('parsing API_KEYS', () => {
  it('reads name:role:secret entries separated by commas, tolerating spaces', () => {
    const keys = parseApiKeys(` alice:reporter:${ALICE} , ops:admin:${OPS},viewer:reader:${'r'.repeat(16)}`);

    expect(keys.map(({ name, role }) => ({ name, role }))).toEqual([
      { name: 'alice', role: 'reporter' },
      { name: 'ops', role: 'admin' },
      { name: 'viewer', role: 'reader' },
    ]);
  });

  it('keeps a digest of each secret, never the secret itself', () => {
    const [key] = parseApiKeys(`alice:reporter:${ALICE}`);

    expect(JSON.stringify(key)).not.toContain(ALICE);
    expect(key.digest).toHaveLength(32);
  });

  it('takes everything after the second colon as the secret, colons included', () => {
    const keys = parseApiKeys('alice:reporter:with:colons:inside:it');

    expect(findApiKey(keys, 'with:colons:inside:it')?.name).toBe('alice');
  });

  it.each([undefined, '', '   '])('treats %j as no keys', (value) => {
    expect(parseApiKeys(value)).toEqual([]);
  });

  it.each([
    ['a bare secret', 'change-me', /entry 1 is not name:role:secret/],
    ['a missing role', `alice:${ALICE}`, /entry 1 is not name:role:secret/],
    ['an unknown role', `alice:writer:${ALICE}`, /entry 1 \('alice'\): the role "writer" must be one of reader, reporter, admin/],
    ['a short secret', 'alice:reporter:short-secret', /the secret is 12 bytes; at least 16 are required/],
    ['a secret with spaces (never sendable)', 'bob:admin:correct horse battery staple', /entry 1 \('bob'\): the secret contains whitespace \(character 8\), so no client could ever present this key/],
    ['a secret with a tab', 'bob:admin:0123456789\tabcdefgh', /entry 1 \('bob'\): the secret contains whitespace \(character 11\)/],
    ['a secret with a control character', 'bob:admin:0123456789\u0007abcdefgh', /entry 1 \('bob'\): the secret contains a control character \(character 11\)/],
    ['a secret of 8 emoji (16 UTF-16 units)', `bob:admin:${'🔑'.repeat(8)}`, /entry 1 \('bob'\): the secret contains a non-ASCII character \(character 1\)/],
    ['a secret with an accented letter', 'bob:admin:clé-0123456789abcdef', /the secret contains a non-ASCII character \(character 3\)/],
    ['the reserved name anonymous', `anonymous:admin:${OPS}`, /entry 1: the name 'anonymous' is reserved/],
    ['a reserved name in other case', `Loopback:admin:${OPS}`, /the name 'Loopback' is reserved/],
    ['a name repeated in other case', `alice:reporter:${ALICE},ALICE:admin:${OPS}`, /entry 2: the name 'ALICE' is used twice/],
    ['an empty entry', `alice:reporter:${ALICE},,ops:admin:${OPS}`, /entry 2 is empty/],
    ['a trailing comma', `alice:reporter:${ALICE},`, /entry 2 is empty/],
    ['a name with spaces', `al ice:reporter:${ALICE}`, /the name "al ice" must be/],
    ['an empty name', `:reporter:${ALICE}`, /the name "" must be/],
    ['a duplicate name', `alice:reporter:${ALICE},alice:admin:${OPS}`, /entry 2: the name 'alice' is used twice/],
    ['a shared secret', `alice:reporter:${ALICE},bob:reporter:${ALICE}`, /entry 2 \('bob'\) has the same secret as 'alice'/],
    ['the reserved name loopback', `loopback:admin:${OPS}`, /the name 'loopback' is reserved/],
  ])('rejects %s with a message naming the entry', (_case, value, message) => {
    expect(() => parseApiKeys(value)).toThrow(ApiKeysConfigError);
    expect(() => parseApiKeys(value)).toThrow(message);
  });

  it('never puts a secret into an error message', () => {
    const attempts = [`alice:writer:${ALICE}`, `alice:reporter:${ALICE},bob:reporter:${ALICE}`, 'alice:reporter:tooShortSecret', `alice:reporter:${ALICE} tooShortSecret`];
    for (const value of attempts) {
      try {
        parseApiKeys(value);
        throw new Error('expected a rejection');
      } catch (error) {
        expect((error as Error).message).not.toContain(ALICE);
        expect((error as Error).message).not.toContain('tooShortSecret');
      }
    }
  });
});

describe('matching a presented secret', () => {
  const keys = parseApiKeys(`alice:reporter:${ALICE},ops:admin:${OPS}`);

  it('finds the key whose secret it is', () => {
    expect(findApiKey(keys, ALICE)?.name).toBe('alice');
    expect(findApiKey(keys, OPS)?.name).toBe('ops');
  });

  it.each([['a wrong secret', 'not-the-secret-at-all'], ['a prefix', ALICE.slice(0, -1)], ['a longer string', `${ALICE}x`], ['nothing', '']])(
    'finds nothing for %s',
    (_case, presented) => {
      expect(findApiKey(keys, presented)).toBeUndefined();
    },
  );
});

describe('roles', () => {
  it('admin includes reporter includes reader, and not the other way round', () => {
    expect(roleIncludes('admin', 'reporter')).toBe(true);
    expect(roleIncludes('admin', 'reader')).toBe(true);
    expect(roleIncludes('reporter', 'reader')).toBe(true);
    expect(roleIncludes('reporter', 'admin')).toBe(false);
    expect(roleIncludes('reader', 'reporter')).toBe(false);
  });
});

describe('auth configuration from the environment', () => {
  it('reads API_KEYS and READS_REQUIRE_KEY', () => {
    const config = authConfigFromEnv({ API_KEYS: `alice:reader:${ALICE}`, READS_REQUIRE_KEY: 'true' });

    expect(config.keys.map((key) => key.name)).toEqual(['alice']);
    expect(config.readsRequireKey).toBe(true);
  });

  it('refuses READS_REQUIRE_KEY=true without keys: nobody could read', () => {
    expect(() => authConfigFromEnv({ READS_REQUIRE_KEY: 'true' })).toThrow(/needs at least one key in API_KEYS/);
  });

  it('refuses a READS_REQUIRE_KEY that is not a boolean', () => {
    expect(() => authConfigFromEnv({ API_KEYS: `alice:reader:${ALICE}`, READS_REQUIRE_KEY: 'yes please' })).toThrow(/must be true or false/);
  });
});

describe('the start-up exposure check', () => {
  const noKeys = { keys: [], readsRequireKey: false };

  it.each(['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2'])('lets a keyless server listen on %s, saying writes are loopback-only', (host) => {
    expect(checkExposure(host, noKeys)).toMatch(/accepting writes only from loopback/);
  });

  it.each(['0.0.0.0', '::', '192.0.2.10', 'demarche.example'])('refuses a keyless server on %s, saying what to set', (host) => {
    expect(() => checkExposure(host, noKeys)).toThrow(UnsafeExposureError);
    expect(() => checkExposure(host, noKeys)).toThrow(/without API keys.*Set API_KEYS/);
  });

  it('lets a server with keys listen anywhere, listing key names and roles but no secret', () => {
    const line = checkExposure('0.0.0.0', { keys: parseApiKeys(`ops:admin:${OPS}`), readsRequireKey: false });

    expect(line).toContain('ops (admin)');
    expect(line).not.toContain(OPS);
  });

  it('knows loopback addresses in their usual spellings', () => {
    expect(['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '192.0.2.2', '::', '::2', 'fd00::1', '::ffff:10.0.0.1', '', undefined].some(isLoopbackAddress)).toBe(false);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
  });
});
