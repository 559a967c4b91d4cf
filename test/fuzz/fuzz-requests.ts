import { validateHeaderName, validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import countries from 'i18n-iso-countries';
import { acceptableText, hostileText, ODD_NUMERALS, PROTOTYPE_KEYS, type Lines } from './fuzz-input-classes.js';

/**
 * Generated requests for the HTTP fuzz spec: valid reports and amendments now and then, and
 * otherwise everything a careless or hostile client might send — malformed and mistyped JSON,
 * prototype-pollution keys at any depth, deep nesting, huge strings and arrays on both sides of
 * 64 KiB, wrong content types, impossible dates and country codes, odd Idempotency-Key, If-Match
 * and Authorization values, random headers, methods, paths and query strings on every route, and
 * bytes that are not valid HTTP at all.
 */

/** The apps under test: `open` has no API keys (writes from loopback), `keyed` has keys and READS_REQUIRE_KEY. */
export type AppName = 'open' | 'keyed';

export const SECRETS = {
  viewer: 'fuzz-viewer-secret-0123456789',
  alice: 'fuzz-alice-secret-0123456789',
  ops: 'fuzz-ops-secret-0123456789ab',
};
export const API_KEYS = `viewer:reader:${SECRETS.viewer},alice:reporter:${SECRETS.alice},ops:admin:${SECRETS.ops}`;

/** The fixed clock of the apps under test: valid dates are before it, future ones after. */
export const NOW = '2024-06-01T12:00:00.000Z';

export interface FuzzRequest {
  /** What was generated, for the statistics and for grouping findings. */
  kind: string;
  app: AppName;
  method: string;
  /** Path and query; `{incident}` is replaced when sent by an incident recorded so far (or a fresh UUID). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Bytes written as they are on a socket (path, method, headers are then only descriptive). */
  raw?: Buffer;
  /** A valid write: it must be answered 201 and append exactly one event. */
  valid?: boolean;
  /** Send it a second time: a keyed valid write must then be replayed (201, Idempotent-Replayed, nothing appended). */
  repeat?: boolean;
  /** Which recorded incident `{incident}` (or watch in place, `{watch}`) stands for (modulo how many there are). */
  pick: number;
}

const COUNTRY_CODES = Object.keys(countries.getAlpha3Codes()).sort();
/** Types without relation rules: a valid report of these can only be answered 201. */
const RULE_FREE_TYPES = [
  'AmbassadorSummoned', 'MeetingBoycotted', 'SanctionsImposed', 'PublicCondemnation', 'Accusation', 'ThreatIssued',
  'OppositionRallied', 'MilitaryOffensive', 'MilitaryAidPledged', 'ArmsDealSigned', 'TalksHeld', 'AgreementSigned',
] as const;
const ALL_TYPES = [...RULE_FREE_TYPES, 'DiplomatsExpelled', 'ReciprocalExpulsion', 'AmbassadorRecalled', 'AmbassadorReturned', 'DiplomaticRelationsSevered', 'DiplomaticRelationsRestored', 'SanctionsEased'];
const SCOPES = ['economic', 'financial', 'trade', 'arms', 'energy', 'technology', 'travel', 'individuals', 'diplomatic', 'other'];
/** Strings the leak check looks for in answers: never generated, so an answer holding one did not echo the request. */
export const LEAK_MARKERS = ['node_modules', '/work/', '.ts:', '    at '];

const noLeakMarker = (s: string) => !LEAK_MARKERS.some((marker) => s.includes(marker));
/** Any text at all, for values that are wrong anyway (codes, keys, path segments). */
const anyText = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength }).filter(noLeakMarker);
const text = (maxLength: number, minLength = 0, lines?: Lines) => acceptableText(maxLength, minLength, lines).filter(noLeakMarker);
const asciiText = (maxLength: number, minLength = 0) => fc.string({ unit: 'grapheme-ascii', minLength, maxLength }).filter(noLeakMarker);
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const countryCode = fc.constantFrom(...COUNTRY_CODES);
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// ---- valid requests --------------------------------------------------------------------------

const pastInstant = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2024-05-30T00:00:00Z'), noInvalidDate: true });
const pastOccurrence = fc.oneof(
  pastInstant.map((d) => d.toISOString().slice(0, 10)),
  pastInstant.map((d) => d.toISOString().slice(0, 7)),
  pastInstant.map((d) => d.toISOString().slice(0, 4)),
  pastInstant.map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')),
  fc.tuple(pastInstant, fc.integer({ min: -12, max: 14 })).map(([d, h]) => `${d.toISOString().slice(0, 19)}${h < 0 ? '-' : '+'}${pad(Math.abs(h))}:00`),
);

const validSource = fc.oneof(
  fc.record({ url: fc.constantFrom('https://ar.example.org/\u0642\u0637\u0631', 'https://exämple.org/é?q=1') }),
  fc.record({ url: word.map((w) => `https://example.org/news/${w}`) }),
  fc.record({ publisher: text(200, 1) }),
  fc.record(
    { url: word.map((w) => `http://news.example.com/${w}`), publisher: text(200, 1), title: text(500, 1), publishedOn: pastInstant.map((d) => d.toISOString().slice(0, 10)) },
    { requiredKeys: ['url'] },
  ),
);

const optionalText = (maxLength: number) => fc.option(text(maxLength, 1), { nil: undefined });
const definedOnly = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));

function validDetails(type: (typeof RULE_FREE_TYPES)[number]): fc.Arbitrary<Record<string, unknown> | undefined> {
  const details = ((): fc.Arbitrary<Record<string, unknown>> => {
    switch (type) {
      case 'AmbassadorSummoned':
        return fc.record({ ambassadorName: optionalText(200) }).map(definedOnly);
      case 'MeetingBoycotted':
        return fc.record({ meeting: text(200, 1), place: optionalText(200) }).map(definedOnly);
      case 'SanctionsImposed':
        return fc.subarray(SCOPES, { minLength: 1 }).map((scope) => ({ scope }));
      case 'PublicCondemnation':
      case 'Accusation':
      case 'ThreatIssued':
        return fc.record({ speaker: optionalText(200), quote: fc.option(text(2000, 1, 'several lines'), { nil: undefined }) }).map(definedOnly);
      case 'OppositionRallied':
        return fc.record({ forum: optionalText(200) }).map(definedOnly);
      case 'MilitaryOffensive':
        return fc.record({ region: optionalText(200) }).map(definedOnly);
      case 'MilitaryAidPledged':
      case 'ArmsDealSigned':
      case 'TalksHeld':
      case 'AgreementSigned':
        return fc.record({ agreement: optionalText(300), place: optionalText(200) }).map(definedOnly);
    }
  })();
  // Details are required only where the type has a required field.
  return type === 'MeetingBoycotted' || type === 'SanctionsImposed' ? details : fc.option(details, { nil: undefined });
}

export const validReport: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.constantFrom(...RULE_FREE_TYPES), countryCode, countryCode)
  .filter(([, actor, target]) => actor !== target)
  .chain(([type, actor, target]) =>
    fc.record({
      type: fc.constant(type),
      actor: fc.constant(actor),
      target: fc.constant(target),
      occurredOn: pastOccurrence,
      summary: text(280, 1),
      sources: fc.array(validSource, { minLength: 1, maxLength: 20 }),
      details: validDetails(type),
    }),
  )
  .map(definedOnly);

/** Corrections change the summary to a fresh one (a correction that changes nothing is 422 by rule). */
const validCorrection = fc.record({ reason: text(500, 1), summary: fc.tuple(text(200, 1), fc.uuid()).map(([s, id]) => `${s.trim()} ${id}`.slice(-280)) });
const validRetraction = fc.record({ reason: text(500, 1) });

const writeAuth = (app: AppName, admin = false): Record<string, string> => (app === 'keyed' ? { authorization: `Bearer ${admin ? SECRETS.ops : SECRETS.alice}` } : {});
const freshKey = fc.uuid().map((id) => `"${id}"`);
const appName = fc.constantFrom<AppName>('open', 'open', 'keyed');
const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

const validWrite: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ app: appName, body: validReport, key: fc.option(freshKey, { nil: undefined }), pick: fc.nat() }).map(({ app, body, key, pick }) => ({
    kind: 'valid report',
    app,
    method: 'POST',
    path: '/incidents',
    headers: { 'content-type': 'application/json', ...writeAuth(app), ...(key ? { 'idempotency-key': key } : {}) },
    body: json(body),
    valid: true,
    repeat: key !== undefined,
    pick,
  })) },
  { weight: 1, arbitrary: fc.record({ app: appName, body: validCorrection, key: fc.option(freshKey, { nil: undefined }), pick: fc.nat() }).map(({ app, body, key, pick }) => ({
    kind: 'valid correction',
    app,
    method: 'POST',
    path: '/incidents/{incident}/correction',
    headers: { 'content-type': 'application/json; charset=utf-8', ...writeAuth(app), ...(key ? { 'idempotency-key': key } : {}) },
    body: json(body),
    valid: true,
    repeat: key !== undefined,
    pick,
  })) },
  { weight: 1, arbitrary: fc.record({ app: appName, body: validRetraction, key: freshKey, pick: fc.nat() }).map(({ app, body, key, pick }) => ({
    kind: 'valid retraction',
    app,
    method: 'POST',
    path: '/incidents/{incident}/retraction',
    headers: { 'content-type': 'application/json', ...writeAuth(app), 'idempotency-key': key },
    body: json(body),
    valid: true,
    repeat: true,
    pick,
  })) },
);

// ---- hostile values ----------------------------------------------------------------------------

const HUGE_LENGTHS = [1_000, 60_000, 64 * 1024 - 300, 64 * 1024, 70_000, 200_000];
const hugeString = fc.tuple(fc.constantFrom(...HUGE_LENGTHS), fc.constantFrom('x', 'é', '😀', '\\', '"', ' ')).map(([n, c]) => c.repeat(Math.ceil(n / Buffer.byteLength(c))));
const hugeArray = fc.tuple(fc.constantFrom(100, 3_000, 20_000), fc.constantFrom<unknown>(1, 'x', null, {}, [], { publisher: 'p' })).map(([n, item]) => Array.from({ length: n }, () => item));

const badDate = fc.oneof(
  fc.constantFrom(
    '2023-02-30', '2023-13', '2023-00', '2023-12-32', '0000', '99999', '2023-12-26T25:00:00Z', '2023-12-26T12:00:00', '2023-12-26T12:00:00+15:00',
    '2023-12-26T12:60:00Z', '2023-12-26 12:00:00Z', '20/05/2024', '2024-06-02', '2025', '2024-07', '2999-01-01T00:00:00Z', '', ' ', 'yesterday',
    '1e3', '2023-1-1', '+002023-01-01', '-000001', '2023-W52', '2023-12-26T12:00:00.123456789Z', '2024-06-01T12:00:00.001Z', '2024-06-01T23:00:00+10:00', 'x'.repeat(41),
    '2999-01-01', '2023-W52-1', '1700-01-01', '2023-123',
  ),
  asciiText(40),
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
);
const badCountry = fc.oneof(
  fc.constantFrom('XXX', 'fra', 'Fra', 'FR', 'FRAN', '250', 'ZZZ', 'EU', 'EUR', 'UNK', 'XKX', ' FRA', 'FRA ', 'ＦＲＡ', 'AZE-FRA', ''),
  fc.stringMatching(/^[A-Z]{3}$/),
  anyText(10),
);
const jsonScalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.constantFrom(1e308, -0, 2 ** 53 + 1, 1e-320), anyText(30));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: jsonScalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: hugeArray },
  { weight: 2, arbitrary: badDate },
  { weight: 2, arbitrary: badCountry },
  { weight: 3, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom(...ALL_TYPES, 'Invasion', 'accusation', 'toString', '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], {}, [{}], [null], { url: 'javascript:alert(1)' }, { url: 'ftp://example.org/x' }, { publisher: '' }, { title: 'only a title' }) },
);
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];
const pollutingValue = fc.oneof(
  fc.constantFrom<unknown>({ isAdmin: true }, { prototype: { isAdmin: true } }, { polluted: 1 }, null, 'x', []),
  hostileValue,
);

// ---- bodies: a valid one, mutated ---------------------------------------------------------------

type Path = (string | number)[];
type Mutation =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'delete'; path: Path }
  | { op: 'addKey'; path: Path; key: string; value: unknown }
  | { op: 'nest'; path: Path; depth: number; shape: 'array' | 'object' };

const REPORT_LEAVES: Path[] = [
  ['type'], ['actor'], ['target'], ['occurredOn'], ['summary'], ['sources'], ['sources', 0], ['sources', 0, 'url'], ['sources', 0, 'publisher'],
  ['sources', 0, 'title'], ['sources', 0, 'publishedOn'], ['sources', 5], ['details'], ['details', 'diplomats'], ['details', 'scope'], ['details', 'speaker'],
  ['details', 'meeting'], ['details', 'inResponseTo'], ['details', 'quote'], ['details', 'place'],
];
const REPORT_OBJECTS: Path[] = [[], ['details'], ['sources', 0]];
const AMEND_LEAVES: Path[] = [['reason'], ['summary'], ['occurredOn'], ['sources'], ['details'], ['type'], ['actor']];

function mutation(leaves: Path[], objects: Path[]): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...leaves), value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...leaves) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('addKey' as const), path: fc.constantFrom(...objects), key: fc.oneof(fc.constantFrom(...POLLUTING_KEYS), word), value: pollutingValue }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('nest' as const), path: fc.constantFrom(...leaves, ...objects.filter((p) => p.length > 0)), depth: fc.constantFrom(50, 1_000, 5_000, 20_000, 40_000), shape: fc.constantFrom('array' as const, 'object' as const) }) },
  );
}

/**
 * Serialises `base` with the mutations applied. Keys such as __proto__ and deep nesting are
 * written into the JSON text through placeholders: a JS object cannot carry them faithfully.
 */
export function mutatedJson(base: Record<string, unknown>, mutations: Mutation[]): string {
  const body = structuredClone(base) as Record<string, unknown>;
  const placeholders = new Map<string, string>();
  mutations.forEach((m, i) => {
    const parent = m.op === 'addKey' ? m.path : m.path.slice(0, -1);
    let container: any = body;
    for (const step of parent) {
      if (container === null || typeof container !== 'object') return;
      container[step] ??= typeof step === 'number' ? [] : {};
      container = container[step];
    }
    if (container === null || typeof container !== 'object') return;
    const last = m.path[m.path.length - 1];
    if (m.op === 'set') container[last] = m.value;
    else if (m.op === 'delete') delete container[last];
    else if (m.op === 'addKey') {
      const marker = `\u0001key${i}`;
      container[marker] = m.value;
      placeholders.set(JSON.stringify(marker), JSON.stringify(m.key));
    } else {
      const marker = `\u0001nest${i}`;
      container[last] = marker;
      const nested = m.shape === 'array' ? `${'['.repeat(m.depth)}${']'.repeat(m.depth)}` : `${'{"a":'.repeat(m.depth)}1${'}'.repeat(m.depth)}`;
      placeholders.set(JSON.stringify(marker), nested);
    }
  });
  let serialised = JSON.stringify(body);
  for (const [marker, replacement] of placeholders) serialised = serialised.split(marker).join(replacement);
  return serialised;
}

const CONTENT_TYPES = [
  'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1',
  'application/json;charset=utf-16', 'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/problem+json', 'application/merge-patch+json', 'application/octet-stream', 'application/jsonx', 'application/json, text/plain',
  '*/*', '', 'application/', 'text/html; charset=utf-8', 'application/json; boundary="', 'application/json\t',
];

const malformedJson = (valid: string) =>
  fc.oneof(
    fc.nat({ max: Math.max(valid.length - 1, 0) }).map((n) => valid.slice(0, n)),
    fc.tuple(fc.nat({ max: valid.length }), fc.constantFrom(',', '{', '}', '"', ':', '\\', '\u0000', 'NaN', 'undefined', '//', '/*', "'", '\ufeff')).map(([n, c]) => valid.slice(0, n) + c + valid.slice(n)),
    fc.constantFrom('', ' ', 'null', 'true', '0', '"a string"', '[]', '{}', '{"a":1,}', "{'type':'Accusation'}", '{"a":1}{"b":2}', '\ufeff{}', '{"summary":"\ud800"}', 'NaN', '[1,2,'),
    asciiText(200),
  );

const bodyFor = (base: fc.Arbitrary<Record<string, unknown>>, leaves: Path[], objects: Path[]) =>
  base.chain((valid) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.array(mutation(leaves, objects), { minLength: 1, maxLength: 3 }).map((ms) => ({ how: `mutated ${ms.map((m) => `${m.op} ${m.path.join('.') || '(top)'}`).join(', ')}`, body: Buffer.from(mutatedJson(valid, ms), 'utf8') })) },
      { weight: 3, arbitrary: malformedJson(JSON.stringify(valid)).map((t) => ({ how: 'malformed JSON', body: Buffer.from(t, 'utf8') })) },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ how: 'another JSON value', body: json(v) })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ how: 'random bytes', body: Buffer.from(bytes) })) },
      { weight: 1, arbitrary: fc.constantFrom(...HUGE_LENGTHS).map((n) => ({ how: `${n}-byte body`, body: Buffer.from(JSON.stringify({ ...valid, summary: 'x'.repeat(n) })) })) },
      { weight: 1, arbitrary: fc.constant({ how: 'valid body', body: json(valid) }) },
      { weight: 1, arbitrary: fc.constant({ how: 'no body', body: undefined }) },
    ),
  );

// ---- headers ---------------------------------------------------------------------------------

const headerValueText = fc.oneof(
  asciiText(40),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom('', ' ', '\t', 'x'.repeat(8_000)),
);
const idempotencyKeyValue = fc.oneof(
  freshKey,
  fc.uuid(),
  fc.constantFrom('""', '"', '"a"b"', '"a\\"b"', '"a\\b"', '"a b"', 'a b', '"' + 'k'.repeat(255) + '"', '"' + 'k'.repeat(256) + '"', 'k'.repeat(300), '"fuzz-reused-key"', 'fuzz-reused-key', '*', '(sf)', '"\x7f"'),
  headerValueText,
);
const ifMatchValue = fc.oneof(
  fc.constantFrom('*', ' * ', '"0"', '"1"', '"2"', '"3"', 'W/"1"', '"1", "2"', '"1",,"2"', '"-1"', '"01"', '"99999999999999999999"', '"1e3"', 'W/', '"', '""', '*, "1"', '1'),
  headerValueText,
);
const authorizationValue = (app: AppName) =>
  fc.oneof(
    { weight: app === 'keyed' ? 4 : 1, arbitrary: fc.constantFrom(`Bearer ${SECRETS.alice}`, `Bearer ${SECRETS.ops}`, `bearer ${SECRETS.viewer}`, `BEARER   ${SECRETS.alice}  `) },
    { weight: 2, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Bearer wrong-secret-0123456789', `Basic ${Buffer.from(`alice:${SECRETS.alice}`).toString('base64')}`, `Bearer ${SECRETS.alice}x`, `Bearer ${SECRETS.alice.slice(0, -1)}`, `Bearer ${SECRETS.alice} ${SECRETS.ops}`, 'Digest x', 'Bearer ' + 'a'.repeat(10_000), '') },
    { weight: 1, arbitrary: headerValueText },
  );
const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((name) => !['content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'host', 'te', 'trailer', 'keep-alive'].includes(name));
const extraHeader = fc.oneof(
  fc.tuple(fc.constantFrom('accept', 'accept-encoding', 'accept-language', 'last-event-id', 'x-forwarded-for', 'forwarded', 'x-real-ip', 'origin', 'cookie', 'range', 'if-none-match', 'if-modified-since', 'content-encoding', 'x-http-method-override', 'user-agent', 'referer', 'access-control-request-method', 'x-request-id', 'content-language'), headerValueText),
  fc.tuple(fc.constant('accept'), fc.constantFrom('application/json', 'text/event-stream', 'application/problem+json', '*/*', 'text/html', 'application/xml', '')),
  fc.tuple(fc.constant('host'), fc.constantFrom('localhost', 'attacker.example', '127.0.0.1', '[::1]', 'localhost:1', '127.0.0.1.nip.io', '', ' ', 'a b', 'evil.localhost', '0x7f.1')),
  fc.tuple(fc.constant('expect'), fc.constantFrom('100-continue', 'something-else')),
  fc.tuple(headerName, headerValueText),
);

const headersFor = (app: AppName, contentType: boolean) =>
  fc
    .record(
      {
        contentType: fc.constantFrom(...CONTENT_TYPES),
        authorization: authorizationValue(app),
        idempotencyKey: idempotencyKeyValue,
        ifMatch: ifMatchValue,
        extra: fc.array(extraHeader, { maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .map(({ contentType: type, authorization, idempotencyKey, ifMatch, extra }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of extra ?? []) headers[name] = value;
      if (contentType && type !== undefined) headers['content-type'] = type;
      if (authorization !== undefined) headers.authorization = authorization;
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
      if (ifMatch !== undefined) headers['if-match'] = ifMatch;
      return sendable(headers);
    });

/** Drops what Node's HTTP client refuses to send (the raw requests cover broken headers). */
function sendable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name, value]) => {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
        return true;
      } catch {
        return false;
      }
    }),
  );
}

// ---- writes with a bad something --------------------------------------------------------------

const WRITE_PATHS = ['/incidents', '/incidents/{incident}/correction', '/incidents/{incident}/retraction'];
const hostileWrite: fc.Arbitrary<FuzzRequest> = appName.chain((app) =>
  fc.oneof(
    fc.record({ which: fc.constant(0), body: bodyFor(validReport, REPORT_LEAVES, REPORT_OBJECTS) }),
    fc.record({ which: fc.constantFrom(1, 2), body: bodyFor(validCorrection, AMEND_LEAVES, [[]]) }),
  ).chain(({ which, body }) =>
    fc.record({
      // Half with clean headers, so that the body itself is what the server judges.
      headers: fc.oneof(fc.option(freshKey, { nil: undefined }).map((key): Record<string, string> => ({ 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) })), headersFor(app, true)),
      keepGoodAuth: fc.boolean(),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'GET') }),
      incidentSegment: fc.oneof({ weight: 4, arbitrary: fc.constant('{incident}') }, { weight: 1, arbitrary: pathSegment() }),
      query: fc.option(queryString(), { nil: undefined }),
      pick: fc.nat(),
    }).map(({ headers, keepGoodAuth, method, incidentSegment, query, pick }) => ({
      kind: `${WRITE_PATHS[which].replace('{incident}', '{id}')} ${body.how.startsWith('mutated') ? 'mutated' : body.how}`,
      app,
      method,
      path: WRITE_PATHS[which].replace('{incident}', incidentSegment) + (query ?? ''),
      // Often with the right credentials, so the request reaches validation.
      headers: keepGoodAuth ? { ...headers, ...writeAuth(app) } : headers,
      body: body.body,
      pick,
    })),
  ),
);

// ---- any route, any method, any query -----------------------------------------------------------

function pathSegment(): fc.Arbitrary<string> {
  return fc.oneof(
    countryCode,
    badCountry.map((s) => encodeURIComponent(s)),
    fc.uuid(),
    fc.constantFrom('{incident}', 'not-a-uuid', '..', '.', '%2e%2e', '..%2f..%2fpackage.json', '%00', '%', '%zz', '%E0%A4%A', '%C0%AE', '%FF', '%2F', 'index.html', 'app.js', 'uPlot.esm.js', 'hasOwnProperty', '__proto__', 'constructor', 'AZE-FRA', 'x'.repeat(3_000), ''),
    word,
    anyText(20).map((s) => encodeURIComponent(s)),
  );
}

const QUERY_KEYS = [
  'limit', 'cursor', 'pair', 'type', 'from', 'to', 'after', 'asOf', 'knownAt', 'country', 'level', 'interval', 'minPosition', '__proto__', 'constructor', '__proto__[isAdmin]',
  'constructor[prototype][isAdmin]', 'a[b][c]', 'limit[]', '', 'LIMIT', ...PROTOTYPE_KEYS,
];
const queryValue = fc.oneof(
  fc.constantFrom(...ODD_NUMERALS, '016'),
  fc.constantFrom('10', '0', '-1', '1e3', '1.5', '9'.repeat(30), '500', '501', '1000', '1001', 'AZE-FRA', 'AZE-AZE', 'XXX-FRA', 'AZE', 'Accusation', 'Invasion', '2023-12', '2023-02-30', '2023', 'crisis', 'calm', 'day', 'week', 'century', '1', '2', 'junk', '', '%', '%zz', '%E0%A4%A', '%00', 'true', '[]', '{}'),
  badDate.map(encodeURIComponent),
  anyText(30).map(encodeURIComponent),
  fc.constant('x'.repeat(5_000)),
);
function queryString(): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), word), queryValue), { minLength: 1, maxLength: 4 })
    // minPosition beyond the log's end waits 2 s and answers 503 by design (see docs): only positions the log has reached, or malformed ones.
    .map((pairs) => pairs.map(([k, v]) => [k, k === 'minPosition' && /^\d+$/.test(v) && Number(v) > 2 ? '1' : v]))
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`);
}

const ROUTES: ((s: () => fc.Arbitrary<string>) => fc.Arbitrary<string>)[] = [
  () => fc.constantFrom('/', '/incidents', '/relations', '/events', '/events/stream', '/catalog', '/docs', '/docs-json', '/health', '/admin/projections', '/admin/projections/rebuild', '//incidents', '/incidents/', '/INCIDENTS', '/relations//FRA', '/docs/', '/favicon.ico', '/assets/', '/vendor/uplot/'),
  (s) => s().map((id) => `/incidents/${id}`),
  (s) => fc.tuple(s(), fc.constantFrom('correction', 'retraction', 'CORRECTION', '', 'x')).map(([id, what]) => `/incidents/${id}/${what}`),
  (s) => fc.tuple(s(), s()).map(([a, b]) => `/relations/${a}/${b}`),
  (s) => fc.tuple(s(), s()).map(([a, b]) => `/relations/${a}/${b}/timeline`),
  (s) => s().map((p) => `/pairs/${p}`),
  // Not /watches/alerts/stream: an endless stream, judged in its own spec.
  (s) => fc.oneof(fc.constantFrom('/watches', '/watches/alerts', '/watches/{watch}', '/watches/{watch}/deliveries'), s().map((id) => `/watches/${id}`), s().map((id) => `/watches/${id}/deliveries`)),
  (s) => fc.array(s(), { minLength: 1, maxLength: 3 }).map((parts) => `/assets/${parts.join('/')}`),
  (s) => s().map((f) => `/vendor/uplot/${f}`),
  (s) => fc.array(fc.oneof(s(), fc.constantFrom('incidents', 'relations', 'events', 'admin', 'projections', 'docs')), { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
];
const anyPath = fc.oneof(...ROUTES.map((route) => route(pathSegment)));

const anyRoute: fc.Arbitrary<FuzzRequest> = appName.chain((app) =>
  fc
    .record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constant('GET') }, { weight: 2, arbitrary: fc.constant('POST') }, { weight: 3, arbitrary: fc.constantFrom('HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO', 'SEARCH', 'QUERY') }),
      path: anyPath,
      query: fc.option(queryString(), { nil: undefined }),
      headers: headersFor(app, false),
      body: fc.option(fc.oneof(validReport.map(json), fc.jsonValue({ maxDepth: 2 }).map(json), asciiText(100).map((t) => Buffer.from(t))), { nil: undefined }),
      pick: fc.nat(),
    })
    .map(({ method, path, query, headers, body, pick }) => ({
      kind: `${method} ${routeTemplate(path)}`,
      app,
      method,
      path: path + (query ?? ''),
      headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
      body,
      pick,
    })),
);

/** The route a path was made from, for grouping: ids and codes replaced by placeholders. */
export function routeTemplate(path: string): string {
  const bare = path.split('?')[0];
  for (const [pattern, name] of [
    [/^\/incidents\/[^/]+\/[^/]*$/, '/incidents/{id}/{action}'],
    [/^\/incidents\/[^/]+$/, '/incidents/{id}'],
    [/^\/relations\/[^/]*\/[^/]*\/timeline$/, '/relations/{a}/{b}/timeline'],
    [/^\/relations\/[^/]*\/[^/]*$/, '/relations/{a}/{b}'],
    [/^\/pairs\/.*/, '/pairs/{pair}'],
    [/^\/watches\/alerts$/, '/watches/alerts'],
    [/^\/watches\/[^/]+\/deliveries$/, '/watches/{id}/deliveries'],
    [/^\/watches\/[^/]+$/, '/watches/{id}'],
    [/^\/assets\/.*/, '/assets/*'],
    [/^\/vendor\/uplot\/.*/, '/vendor/uplot/{file}'],
  ] as const) {
    if (pattern.test(bare)) return name;
  }
  return bare.length > 40 ? `${bare.slice(0, 40)}…` : bare;
}

// ---- not HTTP as Node's client would write it ----------------------------------------------------

const RAW_REQUESTS: { name: string; head: string; body?: string }[] = [
  { name: 'lower-case method', head: 'get /incidents HTTP/1.1' },
  { name: 'unknown method', head: 'FOO /incidents HTTP/1.1' },
  { name: 'CONNECT', head: 'CONNECT 127.0.0.1:1 HTTP/1.1' },
  { name: 'TRACE', head: 'TRACE /incidents HTTP/1.1' },
  { name: 'space in the path', head: 'GET /incidents/a b HTTP/1.1' },
  { name: 'absolute-form target', head: 'GET http://attacker.example/incidents HTTP/1.1' },
  { name: 'asterisk target', head: 'OPTIONS * HTTP/1.1' },
  { name: 'HTTP/2.0 request line', head: 'GET /health HTTP/2.0' },
  { name: 'HTTP/1.0 without Host', head: 'GET /health HTTP/1.0', body: undefined },
  { name: 'HTTP/9.9', head: 'GET /health HTTP/9.9' },
  { name: 'no version', head: 'GET /health' },
  { name: 'raw non-ASCII path', head: 'GET /relations/\u00c9\u00c9\u00c9/FRA HTTP/1.1' },
  { name: 'control character in the path', head: 'GET /incidents/\u0001 HTTP/1.1' },
  { name: 'NUL in a header value', head: 'GET /health HTTP/1.1\r\nX-Test: a\u0000b' },
  { name: 'header without a colon', head: 'GET /health HTTP/1.1\r\nNoColonHere' },
  { name: 'space before the colon', head: 'GET /health HTTP/1.1\r\nX-Test : a' },
  { name: 'obsolete line folding', head: 'GET /health HTTP/1.1\r\nX-Test: a\r\n b' },
  { name: 'non-numeric Content-Length', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: abc', body: '{}' },
  { name: 'two different Content-Lengths', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3', body: '{}' },
  { name: 'Content-Length and chunked', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked', body: '2\r\n{}\r\n0\r\n\r\n' },
  { name: 'chunked body', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked', body: '2\r\n{}\r\n0\r\n\r\n' },
  { name: 'bad chunk size', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked', body: 'zz\r\n{}\r\n0\r\n\r\n' },
  { name: 'unknown transfer coding', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip', body: '{}' },
  { name: 'chunked, then another coding', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, gzip', body: '2\r\n{}\r\n0\r\n\r\n' },
  { name: 'gzip Content-Encoding on a plain body', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 2', body: '{}' },
  { name: 'Expect other than 100-continue', head: 'POST /incidents HTTP/1.1\r\nContent-Type: application/json\r\nExpect: the-unexpected\r\nContent-Length: 2', body: '{}' },
  { name: 'two Host headers', head: 'GET /health HTTP/1.1\r\nHost: a.example' },
  { name: 'Upgrade: websocket', head: 'GET /health HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' },
  { name: 'h2c upgrade', head: 'GET /health HTTP/1.1\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA' },
  { name: 'HTTP/2 preface', head: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' },
  { name: 'huge header', head: `GET /health HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}` },
  { name: 'many headers', head: `GET /health HTTP/1.1\r\n${Array.from({ length: 3_000 }, (_, i) => `X-H${i}: v`).join('\r\n')}` },
  { name: 'huge URL', head: `GET /incidents?cursor=${'1'.repeat(100_000)} HTTP/1.1` },
  { name: 'bare LF line ends', head: 'GET /health HTTP/1.1\nX-Test: a' },
  { name: 'garbage', head: '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003' },
];

const rawRequest: fc.Arbitrary<FuzzRequest> = fc.record({ which: fc.nat({ max: RAW_REQUESTS.length - 1 }), app: appName, pick: fc.nat() }).map(({ which, app, pick }) => {
  const { name, head, body } = RAW_REQUESTS[which];
  const hasHost = /\r?\nHost:/i.test(head) && !/Host: a\.example/.test(head);
  const lines = [head];
  if (!hasHost && !/HTTP\/1\.0$|^PRI|^\u0016/.test(head)) lines.push('Host: 127.0.0.1');
  if (name === 'two Host headers') lines.push('Host: 127.0.0.1');
  if (!/^PRI|^\u0016/.test(head)) lines.push('Connection: close');
  const bytes = /^PRI|^\u0016/.test(head) ? head : `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
  return { kind: `raw: ${name}`, app, method: head.split(' ')[0], path: head.split(' ')[1] ?? '', headers: {}, raw: Buffer.from(bytes, 'latin1'), pick };
});

// ---- watches: valid ones, mangled ones, and deletions --------------------------------------------

const WATCH_RULES = [{ type: 'level_reached', level: 'crisis' }, { type: 'level_reached', level: 'strained' }, { type: 'band_moved_in_a_day' }, { type: 'month_deteriorated' }];
const pairKey = fc.tuple(countryCode, countryCode).filter(([a, b]) => a !== b).map(([a, b]) => `${a}-${b}`);
const validWatchBody = fc
  .record({
    name: word,
    pairs: fc.uniqueArray(pairKey, { minLength: 1, maxLength: 3, selector: (key) => key.split('-').sort().join('-') }),
    countries: fc.uniqueArray(countryCode, { maxLength: 3 }),
    rule: fc.constantFrom(...WATCH_RULES),
  })
  .map(({ name, pairs, countries, rule }) => ({ name: `Desk ${name}`, ...(countries.length ? { countries } : {}), pairs, rule }));
/** Webhook targets a watch must never be allowed to reach here (no loopback or private networks allowed), and things that are not URLs. IP literals only: no DNS is asked. */
const refusedWebhook = fc.constantFrom(
  'http://127.0.0.1:1/hook', 'https://127.0.0.1/', 'https://10.0.0.1/', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/', 'https://[fd00::1]/',
  'https://192.168.1.1/', 'https://100.64.0.1/', 'http://93.184.216.34/', 'file:///etc/passwd', 'gopher://127.0.0.1/', 'javascript:alert(1)', 'https://', '', 'not a url',
);
const WATCH_FIELDS = ['name', 'pairs', 'countries', 'rule', 'webhookUrl', 'rule.type', 'rule.level', 'extra', '__proto__'] as const;

const watchWrite: fc.Arbitrary<FuzzRequest> = appName.chain((app) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.record({ body: validWatchBody, pick: fc.nat() }).map(({ body, pick }) => ({
      kind: 'valid watch', app, method: 'POST', path: '/watches', headers: { 'content-type': 'application/json', ...writeAuth(app) }, body: json(body), valid: true, pick,
    })) },
    { weight: 3, arbitrary: fc.record({ body: validWatchBody, field: fc.constantFrom(...WATCH_FIELDS), value: fc.oneof(hostileValue, refusedWebhook), pick: fc.nat(), goodAuth: fc.boolean(), headers: headersFor(app, true) })
      .map(({ body, field, value, pick, goodAuth, headers }) => {
        const mangled: Record<string, any> = { ...body, rule: { ...body.rule } };
        if (field.startsWith('rule.')) mangled.rule[field.slice(5)] = value;
        else if (field === '__proto__') Object.defineProperty(mangled, '__proto__', { value, enumerable: true });
        else mangled[field] = value;
        return { kind: `/watches mangled ${field}`, app, method: 'POST', path: '/watches', headers: goodAuth ? { 'content-type': 'application/json', ...writeAuth(app) } : { 'content-type': 'application/json', ...headers }, body: json(mangled), pick };
      }) },
    // Mostly a watch in place, with a reporter's key and no query: the deletions that must work are exercised, not only refused.
    { weight: 3, arbitrary: fc.record({ segment: fc.oneof({ weight: 4, arbitrary: fc.constant('{watch}') }, { weight: 1, arbitrary: pathSegment() }), query: fc.option(queryString(), { nil: undefined, freq: 3 }), pick: fc.nat(), goodAuth: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), headers: headersFor(app, false) })
      .map(({ segment, query, pick, goodAuth, headers }) => ({
        kind: 'DELETE /watches/{id}', app, method: 'DELETE', path: `/watches/${segment}${query ?? ''}`, headers: { 'content-type': 'application/json', ...(goodAuth ? writeAuth(app) : headers) }, pick,
      })) },
  ),
);

/** One generated request: mostly hostile, sometimes valid. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 1, arbitrary: validWrite },
  { weight: 4, arbitrary: hostileWrite },
  { weight: 4, arbitrary: anyRoute },
  { weight: 1, arbitrary: rawRequest },
  { weight: 1, arbitrary: watchWrite },
);
