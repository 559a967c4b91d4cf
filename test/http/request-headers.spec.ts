import { appOptionsFromEnv, DEFAULT_READS_PER_MINUTE, DEFAULT_WRITES_PER_MINUTE, listenAddressFromEnv } from '../../src/config.js';
import { parseIfMatch } from '../../src/http/entity-tags.js';
import { parseCorsOrigins } from '../../src/http/http-hardening.js';
import { ProblemException } from '../../src/http/problem.js';
import { isJsonContentType } from '../../src/http/request-gate.js';
import { parseTrustProxy } from '../../src/http/trust-proxy.js';
import { idempotencyKeyOf, requestFingerprint } from '../../src/incidents/http-command-runner.js';

describe('If-Match', () => {
  it('is absent when not sent', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it('* asks only that the relation exists', () => {
    expect(parseIfMatch(' * ')).toBe('stream_exists');
  });

  it('reads the revisions of strong tags, in a list too', () => {
    expect(parseIfMatch('"3"')).toEqual([3]);
    expect(parseIfMatch('"3", "7" ,"12"')).toEqual([3, 7, 12]);
  });

  it('keeps weak and foreign tags out, so they can only fail (strong comparison)', () => {
    expect(parseIfMatch('W/"3"')).toEqual([]);
    expect(parseIfMatch('"abc", "03", W/"4", "5"')).toEqual([5]);
  });

  it.each(['3', '"3', '', 'W/3', '"3" "4"'])('rejects the malformed %j with a 400 that shows the expected form', (header) => {
    expect(() => parseIfMatch(header)).toThrow(ProblemException);
    try {
      parseIfMatch(header);
    } catch (error) {
      expect((error as ProblemException).problem.status).toBe(400);
      expect((error as ProblemException).problem.errors?.[0].field).toBe('If-Match');
    }
  });
});

describe('Idempotency-Key', () => {
  it('is read as a structured-field string, escapes included', () => {
    expect(idempotencyKeyOf('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(idempotencyKeyOf('"a \\"quoted\\" key"')).toBe('a "quoted" key');
  });

  it('is also accepted bare, as many clients send it', () => {
    expect(idempotencyKeyOf('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
  });

  it.each([['empty quotes', '""'], ['spaces unquoted', 'two words'], ['too long', `"${'k'.repeat(256)}"`], ['non-ASCII', '"clé"']])('rejects %s with a 400', (_case, header) => {
    expect(() => idempotencyKeyOf(header)).toThrow(ProblemException);
  });

  it('rejects a key sent twice', () => {
    expect(() => idempotencyKeyOf(['"a"', '"b"'])).toThrow(/must be sent once/);
  });
});

describe('the request fingerprint', () => {
  it('is the same for the same body serialised differently', () => {
    const a = requestFingerprint({ url: '/incidents', body: { type: 'Accusation', sources: [{ publisher: 'X', url: 'https://x.example' }] } });
    const b = requestFingerprint({ url: '/incidents', body: { sources: [{ url: 'https://x.example', publisher: 'X' }], type: 'Accusation' } });

    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when a value, the order of a list, or the path differs', () => {
    const base = requestFingerprint({ url: '/incidents', body: { summary: 'a', sources: [1, 2] } });

    expect(requestFingerprint({ url: '/incidents', body: { summary: 'b', sources: [1, 2] } })).not.toBe(base);
    expect(requestFingerprint({ url: '/incidents', body: { summary: 'a', sources: [2, 1] } })).not.toBe(base);
    expect(requestFingerprint({ url: '/incidents/x/correction', body: { summary: 'a', sources: [1, 2] } })).not.toBe(base);
  });
});

describe('limits from the environment', () => {
  const sqlite = { DATA_DIR: '/tmp/demarche-config-test' };

  it('defaults to generous per-address limits, a 30 s request timeout and no CORS origin', () => {
    const options = appOptionsFromEnv(sqlite);

    expect(options.rateLimit).toEqual({ writesPerMinute: DEFAULT_WRITES_PER_MINUTE, readsPerMinute: DEFAULT_READS_PER_MINUTE });
    expect(options.requestTimeoutMs).toBe(30_000);
    expect(options.corsOrigins).toEqual([]);
    expect(options.auth).toEqual({ keys: [], readsRequireKey: false });
  });

  it('reads RATE_LIMIT_PER_MINUTE, READ_RATE_LIMIT_PER_MINUTE, REQUEST_TIMEOUT_MS and CORS_ORIGINS', () => {
    const options = appOptionsFromEnv({
      ...sqlite,
      RATE_LIMIT_PER_MINUTE: '60',
      READ_RATE_LIMIT_PER_MINUTE: '1200',
      REQUEST_TIMEOUT_MS: '5000',
      CORS_ORIGINS: 'https://a.example, https://b.example:8443',
    });

    expect(options.rateLimit).toEqual({ writesPerMinute: 60, readsPerMinute: 1200 });
    expect(options.requestTimeoutMs).toBe(5000);
    expect(options.corsOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
  });

  it.each(['0', '-5', 'ten', '1.5'])('refuses RATE_LIMIT_PER_MINUTE=%s', (value) => {
    expect(() => appOptionsFromEnv({ ...sqlite, RATE_LIMIT_PER_MINUTE: value })).toThrow(/RATE_LIMIT_PER_MINUTE must be a positive whole number/);
  });

  it.each([['*', /'\*' would let any web page/], ['https://a.example/', /not an origin/], ['a.example', /not an origin/], ['ftp://a.example', /not an origin/]])(
    'refuses CORS_ORIGINS=%s',
    (value, message) => {
      expect(() => parseCorsOrigins(value)).toThrow(message);
    },
  );
});

describe('TRUST_PROXY', () => {
  const keyed = { DATA_DIR: '/tmp/demarche-config-test', API_KEYS: 'ops:admin:ops-secret-0123456789abc' };

  it('reads addresses, CIDR blocks and proxy-addr range names', () => {
    expect(appOptionsFromEnv({ ...keyed, TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,::1,fd00::/8,loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback']);
    expect(appOptionsFromEnv(keyed).trustProxy).toEqual([]);
  });

  it('is refused without API keys: writes without keys never come through a proxy', () => {
    expect(() => appOptionsFromEnv({ DATA_DIR: '/tmp/demarche-config-test', TRUST_PROXY: '10.0.0.5' })).toThrow(/^TRUST_PROXY needs API_KEYS/);
  });

  it.each([
    ['true', /would trust every client's X-Forwarded-For/],
    ['*', /would trust every client's X-Forwarded-For/],
    ['10.0.0.0/33', /is not an IP address, a CIDR block/],
    ['proxy.example', /is not an IP address, a CIDR block/],
    ['10.0.0.1/8/1', /is not an IP address/],
  ])('refuses TRUST_PROXY=%s', (value, message) => {
    expect(() => parseTrustProxy(value)).toThrow(message);
  });
});

describe('PORT and HOST', () => {
  it('default to 3000 on 127.0.0.1', () => {
    expect(listenAddressFromEnv({})).toEqual({ port: 3000, host: '127.0.0.1' });
    expect(listenAddressFromEnv({ PORT: '0', HOST: '::1' })).toEqual({ port: 0, host: '::1' });
  });

  it.each(['abc', '-1', '65536', '3000.5', '0x10'])('refuses PORT=%s naming the setting', (value) => {
    expect(() => listenAddressFromEnv({ PORT: value })).toThrow(`PORT must be a whole number from 0 to 65535, got '${value}'`);
  });
});

describe('the JSON content type writes must carry', () => {
  it.each(['application/json', 'Application/JSON', 'application/json; charset=utf-8', ' application/json ;charset=UTF-8'])('accepts %j', (value) => {
    expect(isJsonContentType(value)).toBe(true);
  });

  it.each([undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/problem+json', 'application/jsonx', 'text/json'])('refuses %j', (value) => {
    expect(isJsonContentType(value)).toBe(false);
  });
});
