import { readFileSync } from 'node:fs';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import { BODY_LIMIT_BYTES } from '../../src/app.js';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { describeErrors, openApiValidator, type OpenApiValidator } from '../support/openapi-validator.js';
import { sleep } from '../support/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { fixedClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app.js';
import { accusation } from '../support/accusation.js';
import { relationStreamId } from '../../src/domain/relation-pair.js';
import { RelationCommandHandler } from '../../src/incidents/relation-command-handler.js';

/**
 * What the server really answers matches what /docs-json publishes: every documented route is
 * called on the seed story, for its success and its errors, and each body is validated with ajv
 * against the schema the document gives for that route, status and content type. Response
 * schemas are closed where the server answers a fixed set of fields, so a field a controller adds
 * without declaring it fails here too.
 */

const SECRETS = { viewer: 'viewer-secret-0123456789', alice: 'alice-secret-0123456789', ops: 'ops-secret-0123456789abc' };
const bearer = (name: keyof typeof SECRETS) => ({ authorization: `Bearer ${SECRETS[name]}` });
const MISSING_ID = '01a20501-cd4a-768f-b4e7-000000000000';

let t: TestApp;
let validator: OpenApiValidator;
/** Receives the webhook of the watch the cases create, so its delivery log has an entry to validate. */
let receiver: WebhookReceiver;
/** Ids learned while the cases run: a seed incident, and the one the cases report, correct and retract. */
const ids = { seeded: '', reported: '', watch: '', job: '', imported: '' };
const GDELT_FIXTURE = readFileSync('test/fixtures/import/gdelt2-sample.CSV');
const UPLOAD_LIMIT_BYTES = 256 * 1024;
const upload = (body: Buffer, headers: Record<string, string> = {}) => t.request('POST', '/admin/imports', body, { 'content-type': 'text/tab-separated-values', ...headers });

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  t = await startTestApp({
    clock: fixedClock('2024-06-01T12:00:00.000Z'),
    app: {
      auth: { keys: parseApiKeys(`viewer:reader:${SECRETS.viewer},alice:reporter:${SECRETS.alice},ops:admin:${SECRETS.ops}`), readsRequireKey: false },
      // One stream per client, so a second stream shows the documented 429.
      liveStream: { perClient: 1, heartbeatMs: 60_000 },
      watches: { webhookPolicy: { allowLoopback: true, allowPrivateNetworks: false } },
      importUploads: { limitBytes: UPLOAD_LIMIT_BYTES },
    },
  });
  await loadSeeds(t.app);
  validator = openApiValidator((await t.request('GET', '/docs-json')).json);
  ids.seeded = (await t.request('GET', '/incidents?pair=AZE-FRA&limit=1')).json.items[0].incidentId;
  // One machine-coded incident, as the importer records it, for the confirmation's cases.
  const imported = await t.app.get(RelationCommandHandler).handle(relationStreamId('BEL', 'NLD'), {
    type: 'ImportCodedEvent',
    data: {
      incidentId: '00000000-0000-4000-8000-000000000042', actor: 'BEL', target: 'NLD', cameo: '111', occurredOn: '2024-05-20', summary: 'Criticize or denounce',
      source: { url: 'https://news.example/42' }, provenance: { dataset: 'gdelt2', row: '42', line: 1 }, recordedAt: '2024-06-01T12:00:00.000Z',
    },
  });
  ids.imported = imported.incidentId;
  await t.request('GET', `/relations/BEL/NLD?minPosition=${imported.position}`);
});

afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

const report = (overrides: Record<string, unknown> = {}) => ({ ...accusation('AZE', 'FRA'), occurredOn: '2024-05-15', ...overrides });

/** An accepted proposal: a report with the key that makes accepting it again record nothing new. */
const batchItem = (overrides: Record<string, unknown> = {}) => report({ key: 'contracts/accusation', occurredOn: '2024-05-16', ...overrides });

interface Case {
  route: string;
  status: number;
  what: string;
  send(): Promise<TestResponse>;
}

const get = (path: string, headers?: Record<string, string>) => () => t.request('GET', path, undefined, headers);
const post = (path: string, body?: unknown, headers?: Record<string, string>) => () => t.request('POST', path, body ?? {}, headers);

/** In order: the writes come first, so the reads see an incident with a correction and a retraction. */
const CASES: Case[] = [
  { route: 'POST /incidents', status: 201, what: 'a report', send: async () => {
    const response = await post('/incidents', report(), bearer('alice'))();
    ids.reported = response.json?.incidentId;
    return response;
  } },
  { route: 'POST /incidents', status: 400, what: 'a report without its fields', send: post('/incidents', { type: 'Accusation' }, bearer('alice')) },
  { route: 'POST /incidents', status: 401, what: 'no API key', send: post('/incidents', report()) },
  { route: 'POST /incidents', status: 403, what: 'a reader key', send: post('/incidents', report(), bearer('viewer')) },
  { route: 'POST /incidents', status: 412, what: 'a stale If-Match', send: post('/incidents', report(), { ...bearer('alice'), 'if-match': '"999"' }) },
  { route: 'POST /incidents', status: 413, what: 'a body over the limit', send: post('/incidents', report({ summary: 'x'.repeat(BODY_LIMIT_BYTES) }), bearer('alice')) },
  { route: 'POST /incidents', status: 415, what: 'a text body', send: post('/incidents', 'not json', { ...bearer('alice'), 'content-type': 'text/plain' }) },
  { route: 'POST /incidents', status: 422, what: 'a reciprocal expulsion answering nothing', send: post('/incidents', report({ type: 'ReciprocalExpulsion', actor: 'DEU', target: 'ITA', details: { diplomats: 1 } }), bearer('alice')) },
  { route: 'POST /incidents/batch', status: 200, what: 'accepted proposals', send: post('/incidents/batch', { incidents: [batchItem()] }, bearer('alice')) },
  { route: 'POST /incidents/batch', status: 200, what: 'the same proposals accepted again', send: post('/incidents/batch', { incidents: [batchItem()] }, bearer('alice')) },
  { route: 'POST /incidents/batch', status: 400, what: 'an item without its fields', send: post('/incidents/batch', { incidents: [{ key: 'k', type: 'Accusation' }] }, bearer('alice')) },
  { route: 'POST /incidents/batch', status: 401, what: 'no API key', send: post('/incidents/batch', { incidents: [batchItem()] }) },
  { route: 'POST /incidents/batch', status: 403, what: 'a reader key', send: post('/incidents/batch', { incidents: [batchItem()] }, bearer('viewer')) },
  { route: 'POST /incidents/batch', status: 413, what: 'a body over the limit', send: post('/incidents/batch', { incidents: [batchItem({ summary: 'x'.repeat(BODY_LIMIT_BYTES) })] }, bearer('alice')) },
  { route: 'POST /incidents/batch', status: 415, what: 'a text body', send: post('/incidents/batch', 'not json', { ...bearer('alice'), 'content-type': 'text/plain' }) },
  { route: 'POST /incidents/batch', status: 422, what: 'a restoration of relations never cut', send: post('/incidents/batch', { incidents: [batchItem({ key: 'contracts/restored', type: 'DiplomaticRelationsRestored', actor: 'DEU', target: 'ITA' })] }, bearer('alice')) },
  { route: 'POST /extractions', status: 200, what: 'an article', send: post('/extractions', { text: 'Azerbaijan expelled two French diplomats on Tuesday.', publishedOn: '2023-12-27' }, bearer('alice')) },
  { route: 'POST /extractions', status: 400, what: 'an article without its date', send: post('/extractions', { text: 'Azerbaijan expelled two French diplomats.' }, bearer('alice')) },
  { route: 'POST /extractions', status: 401, what: 'no API key', send: post('/extractions', { text: 'x', publishedOn: '2023-12-27' }) },
  { route: 'POST /extractions', status: 403, what: 'a reader key', send: post('/extractions', { text: 'x', publishedOn: '2023-12-27' }, bearer('viewer')) },
  { route: 'POST /extractions', status: 413, what: 'a body over the limit', send: post('/extractions', { text: 'x'.repeat(BODY_LIMIT_BYTES), publishedOn: '2023-12-27' }, bearer('alice')) },
  { route: 'POST /extractions', status: 415, what: 'a text body', send: post('/extractions', 'not json', { ...bearer('alice'), 'content-type': 'text/plain' }) },
  { route: 'POST /incidents/{incidentId}/correction', status: 201, what: 'a correction', send: () => post(`/incidents/${ids.reported}/correction`, { summary: 'Baku accuses Paris of open bias', reason: 'The statement says more' }, bearer('alice'))() },
  { route: 'POST /incidents/{incidentId}/correction', status: 400, what: 'a correction without a reason', send: () => post(`/incidents/${ids.reported}/correction`, { summary: 'Again' }, bearer('alice'))() },
  { route: 'POST /incidents/{incidentId}/correction', status: 404, what: 'an unknown incident', send: post(`/incidents/${MISSING_ID}/correction`, { summary: 'Again', reason: 'Test' }, bearer('alice')) },
  { route: 'POST /incidents/{incidentId}/confirmation', status: 201, what: 'a confirmation of an import', send: () => post(`/incidents/${ids.imported}/confirmation`, { note: 'Checked the statement' }, bearer('alice'))() },
  { route: 'POST /incidents/{incidentId}/confirmation', status: 400, what: 'a note that is not text', send: () => post(`/incidents/${ids.imported}/confirmation`, { note: 7 }, bearer('alice'))() },
  { route: 'POST /incidents/{incidentId}/confirmation', status: 404, what: 'an unknown incident', send: post(`/incidents/${MISSING_ID}/confirmation`, {}, bearer('alice')) },
  { route: 'POST /incidents/{incidentId}/confirmation', status: 422, what: "an analyst's report", send: () => post(`/incidents/${ids.reported}/confirmation`, {}, bearer('alice'))() },
  { route: 'POST /incidents/{incidentId}/retraction', status: 201, what: 'a retraction', send: () => post(`/incidents/${ids.reported}/retraction`, { reason: 'Misattributed' }, bearer('alice'))() },
  { route: 'POST /incidents/{incidentId}/retraction', status: 400, what: 'an id that is not a UUID', send: post('/incidents/not-a-uuid/retraction', { reason: 'Test' }, bearer('alice')) },
  { route: 'POST /incidents/{incidentId}/retraction', status: 404, what: 'an unknown incident', send: post(`/incidents/${MISSING_ID}/retraction`, { reason: 'Test' }, bearer('alice')) },
  { route: 'GET /incidents', status: 200, what: 'a page of the seed story', send: get('/incidents?limit=50') },
  { route: 'GET /incidents', status: 400, what: 'an unknown type', send: get('/incidents?type=Bogus') },
  { route: 'GET /incidents/{incidentId}', status: 200, what: 'a seed incident', send: () => get(`/incidents/${ids.seeded}`)() },
  { route: 'GET /incidents/{incidentId}', status: 200, what: 'a corrected and retracted incident', send: () => get(`/incidents/${ids.reported}`)() },
  { route: 'GET /incidents/{incidentId}', status: 400, what: 'an id that is not a UUID', send: get('/incidents/not-a-uuid') },
  { route: 'GET /incidents/{incidentId}', status: 404, what: 'an unknown incident', send: get(`/incidents/${MISSING_ID}`) },
  { route: 'GET /relations', status: 200, what: 'the seed story at its height', send: get('/relations?asOf=2023-12-28') },
  { route: 'GET /relations', status: 200, what: 'now', send: get('/relations') },
  { route: 'GET /relations', status: 400, what: 'an unknown level', send: get('/relations?level=bogus') },
  { route: 'GET /relations', status: 200, what: 'a page', send: get('/relations?asOf=2023-12-28&limit=2&offset=1') },
  { route: 'GET /relations/overview', status: 200, what: 'the seed story at its height, sparklines and all', send: get('/relations/overview?asOf=2023-12-28') },
  { route: 'GET /relations/overview', status: 200, what: 'a second page, one country, a month of sparkline', send: get('/relations/overview?country=AZE&limit=1&offset=1&days=30') },
  { route: 'GET /relations/overview', status: 400, what: 'an empty page', send: get('/relations/overview?limit=0') },
  { route: 'GET /relations/{a}/{b}', status: 200, what: 'the pair as of a date', send: get('/relations/AZE/FRA?asOf=2023-12-28') },
  { route: 'GET /relations/{a}/{b}', status: 200, what: 'the pair now', send: get('/relations/FRA/AZE') },
  { route: 'GET /relations/{a}/{b}', status: 400, what: 'a code that is no country', send: get('/relations/XXX/FRA') },
  { route: 'GET /relations/{a}/{b}', status: 404, what: 'a pair without incidents', send: get('/relations/ISL/NZL') },
  { route: 'GET /relations/{a}/{b}/months', status: 200, what: 'the seed months', send: get('/relations/AZE/FRA/months?from=2023-11&to=2024-01') },
  { route: 'GET /relations/{a}/{b}/months', status: 400, what: 'a month that is none', send: get('/relations/AZE/FRA/months?from=2023-13') },
  { route: 'GET /relations/{a}/{b}/months', status: 404, what: 'a pair without incidents', send: get('/relations/ISL/NZL/months') },
  { route: 'GET /relations/{a}/{b}/timeline', status: 200, what: 'the seed weeks', send: get('/relations/AZE/FRA/timeline?from=2023-12-01&to=2024-01-31&interval=week') },
  { route: 'GET /relations/{a}/{b}/timeline', status: 200, what: 'every incident of the seed days', send: get('/relations/AZE/FRA/timeline?from=2023-12-20&to=2023-12-31&incidents=all') },
  { route: 'GET /relations/{a}/{b}/timeline', status: 200, what: 'counts without listings', send: get('/relations/AZE/FRA/timeline?from=2023-12-20&to=2023-12-31&incidents=none') },
  { route: 'GET /relations/{a}/{b}/timeline', status: 400, what: 'an unknown interval', send: get('/relations/AZE/FRA/timeline?interval=hour') },
  { route: 'GET /relations/{a}/{b}/timeline', status: 400, what: 'an unknown listing', send: get('/relations/AZE/FRA/timeline?incidents=most') },
  { route: 'GET /relations/{a}/{b}/timeline', status: 404, what: 'a pair without incidents', send: get('/relations/ISL/NZL/timeline') },
  { route: 'GET /events', status: 200, what: 'a page of the log', send: get('/events?limit=20') },
  { route: 'GET /events', status: 400, what: 'a position not in the log', send: get('/events?after=nowhere') },
  { route: 'GET /events/stream', status: 200, what: 'a live stream (headers only)', send: () => openStream() },
  { route: 'GET /events/stream', status: 400, what: 'a resume point not in the log', send: get('/events/stream?after=nowhere') },
  { route: 'GET /events/stream', status: 429, what: 'a second stream from one client', send: () => secondStream() },
  { route: 'GET /catalog', status: 200, what: 'the catalogue', send: get('/catalog') },
  { route: 'GET /catalog', status: 400, what: 'a query parameter', send: get('/catalog?extra=1') },
  { route: 'GET /methodology', status: 200, what: 'the methodology', send: get('/methodology') },
  { route: 'GET /methodology', status: 400, what: 'a query parameter', send: get('/methodology?extra=1') },
  { route: 'POST /watches', status: 201, what: 'a watch on the seed pair', send: async () => {
    // "Calm or worse" holds for any pair with incidents: the watch alerts at once, and its webhook is delivered.
    const response = await post('/watches', { name: 'Caucasus desk', pairs: ['FRA-AZE'], rule: { type: 'level_reached', level: 'calm' }, webhookUrl: receiver.url }, bearer('alice'))();
    ids.watch = response.json?.watchId;
    return response;
  } },
  { route: 'POST /watches', status: 400, what: 'a watch without a rule', send: post('/watches', { name: 'x', pairs: ['AZE-FRA'] }, bearer('alice')) },
  { route: 'POST /watches', status: 401, what: 'no API key', send: post('/watches', { name: 'x', pairs: ['AZE-FRA'], rule: { type: 'month_deteriorated' } }) },
  { route: 'POST /watches', status: 403, what: 'a reader key', send: post('/watches', { name: 'x', pairs: ['AZE-FRA'], rule: { type: 'month_deteriorated' } }, bearer('viewer')) },
  { route: 'POST /watches', status: 413, what: 'a body over the limit', send: post('/watches', { name: 'x'.repeat(BODY_LIMIT_BYTES) }, bearer('alice')) },
  { route: 'POST /watches', status: 415, what: 'a text body', send: post('/watches', 'not json', { ...bearer('alice'), 'content-type': 'text/plain' }) },
  { route: 'GET /watches', status: 200, what: 'the watches', send: get('/watches') },
  { route: 'GET /watches', status: 400, what: 'a query parameter', send: get('/watches?extra=1') },
  { route: 'GET /watches/alerts', status: 200, what: 'the latest alerts', send: get('/watches/alerts') },
  { route: 'GET /watches/alerts', status: 400, what: 'a query parameter', send: get('/watches/alerts?extra=1') },
  { route: 'GET /watches/alerts/stream', status: 200, what: 'the alert stream (headers only)', send: () => alertStream() },
  { route: 'GET /watches/alerts/stream', status: 400, what: 'a query parameter', send: get('/watches/alerts/stream?extra=1') },
  { route: 'GET /watches/{watchId}/deliveries', status: 200, what: 'a delivery log with its first attempt', send: () => deliveryLog() },
  { route: 'GET /watches/{watchId}/deliveries', status: 400, what: 'an id that is not a UUID', send: get('/watches/not-a-uuid/deliveries') },
  { route: 'GET /watches/{watchId}/deliveries', status: 404, what: 'an unknown watch', send: get(`/watches/${MISSING_ID}/deliveries`) },
  { route: 'DELETE /watches/{watchId}', status: 200, what: 'a watch deleted', send: () => t.request('DELETE', `/watches/${ids.watch}`, undefined, { ...bearer('alice'), 'content-type': 'application/json' }) },
  { route: 'DELETE /watches/{watchId}', status: 400, what: 'an id that is not a UUID', send: () => t.request('DELETE', '/watches/not-a-uuid', undefined, { ...bearer('alice'), 'content-type': 'application/json' }) },
  { route: 'DELETE /watches/{watchId}', status: 401, what: 'no API key', send: () => t.request('DELETE', `/watches/${MISSING_ID}`, undefined, { 'content-type': 'application/json' }) },
  { route: 'DELETE /watches/{watchId}', status: 403, what: 'a reader key', send: () => t.request('DELETE', `/watches/${MISSING_ID}`, undefined, { ...bearer('viewer'), 'content-type': 'application/json' }) },
  { route: 'DELETE /watches/{watchId}', status: 404, what: 'an unknown watch', send: () => t.request('DELETE', `/watches/${MISSING_ID}`, undefined, { ...bearer('alice'), 'content-type': 'application/json' }) },
  { route: 'DELETE /watches/{watchId}', status: 415, what: 'no JSON content type', send: () => t.request('DELETE', `/watches/${MISSING_ID}`, undefined, bearer('alice')) },
  { route: 'GET /health', status: 200, what: 'liveness', send: get('/health') },
  { route: 'GET /health', status: 400, what: 'a query parameter', send: get('/health?extra=1') },
  { route: 'GET /health/ready', status: 200, what: 'readiness', send: get('/health/ready') },
  { route: 'GET /health/ready', status: 400, what: 'a query parameter', send: get('/health/ready?extra=1') },
  { route: 'GET /admin/projections', status: 200, what: 'an admin key', send: get('/admin/projections', bearer('ops')) },
  { route: 'GET /admin/projections', status: 401, what: 'no API key', send: get('/admin/projections') },
  { route: 'GET /admin/projections', status: 403, what: 'a reporter key', send: get('/admin/projections', bearer('alice')) },
  { route: 'POST /admin/projections/rebuild', status: 200, what: 'an admin key', send: post('/admin/projections/rebuild', undefined, bearer('ops')) },
  { route: 'POST /admin/projections/rebuild', status: 403, what: 'a reporter key', send: post('/admin/projections/rebuild', undefined, bearer('alice')) },
  // Last, so the imported rows change nothing the cases above read.
  { route: 'POST /admin/imports', status: 202, what: 'a GDELT file', send: async () => {
    const response = await upload(GDELT_FIXTURE, bearer('ops'));
    ids.job = response.json?.jobId;
    return response;
  } },
  { route: 'POST /admin/imports', status: 401, what: 'no API key', send: () => upload(GDELT_FIXTURE) },
  { route: 'POST /admin/imports', status: 403, what: 'a reporter key', send: () => upload(GDELT_FIXTURE, bearer('alice')) },
  { route: 'POST /admin/imports', status: 413, what: 'a file over the upload limit', send: () => upload(Buffer.alloc(UPLOAD_LIMIT_BYTES + 1, 'x'), bearer('ops')) },
  { route: 'POST /admin/imports', status: 415, what: 'a JSON body', send: post('/admin/imports', { rows: [] }, bearer('ops')) },
  { route: 'POST /admin/imports', status: 422, what: 'a file of no known format', send: () => upload(Buffer.from('not event data\n'), bearer('ops')) },
  { route: 'GET /admin/imports/{jobId}', status: 200, what: 'the job', send: () => get(`/admin/imports/${ids.job}`, bearer('ops'))() },
  { route: 'GET /admin/imports/{jobId}', status: 400, what: 'an id that is not a UUID', send: get('/admin/imports/not-a-uuid', bearer('ops')) },
  { route: 'GET /admin/imports/{jobId}', status: 403, what: 'a reporter key', send: () => get(`/admin/imports/${ids.job}`, bearer('alice'))() },
  { route: 'GET /admin/imports/{jobId}', status: 404, what: 'an unknown job', send: get(`/admin/imports/${MISSING_ID}`, bearer('ops')) },
];

/** The watch's delivery log once its first attempt is recorded (just after the receiver answered). */
async function deliveryLog(): Promise<TestResponse> {
  for (let tries = 0; ; tries++) {
    const response = await t.request('GET', `/watches/${ids.watch}/deliveries`);
    if (response.json?.items?.length > 0 || tries === 250) return response;
    await sleep(20);
  }
}

/** Open live streams: their headers are the case; they are closed once the 429 case has run. */
const openStreams: AbortController[] = [];

async function streamRequest(path = '/events/stream'): Promise<TestResponse> {
  const abort = new AbortController();
  openStreams.push(abort);
  const response = await fetch(`${t.url}${path}`, { signal: abort.signal });
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream');
  // An endless stream has no body to read to the end; a problem does.
  const text = isStream ? '' : await response.text();
  return { status: response.status, headers: response.headers, json: isStream ? undefined : JSON.parse(text), text };
}

const openStream = () => streamRequest();
/** The alert stream's headers: closed with the others once the 429 case has run. */
const alertStream = () => streamRequest('/watches/alerts/stream');

async function secondStream(): Promise<TestResponse> {
  try {
    return await streamRequest();
  } finally {
    for (const stream of openStreams.splice(0)) stream.abort();
  }
}

describe('responses match the schemas /docs-json publishes', () => {
  it.each(CASES.map((c) => [`${c.route} → ${c.status}: ${c.what}`, c] as const))('%s', async (_name, c) => {
    const response = await c.send();
    expect([c.route, response.status]).toEqual([c.route, c.status]);
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    const validate = validator.validatorFor(c.route, c.status, contentType);
    // The status and content type the server answered are documented for this route.
    expect([c.route, c.status, contentType, validate ? 'documented' : 'not documented']).toEqual([c.route, c.status, contentType, 'documented']);
    if (contentType === 'text/event-stream') return;
    const valid = validate!(response.json);
    expect(describeErrors(validate!.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a case for every route the document lists, and for no other', () => {
    expect([...new Set(CASES.map((c) => c.route))].sort()).toEqual(validator.routes().sort());
  });

  it('has a success case and an error case for every route', () => {
    const missing = validator.routes().flatMap((route) => {
      const statuses = CASES.filter((c) => c.route === route).map((c) => c.status);
      return [statuses.some((s) => s < 300) ? [] : [`${route}: no success case`], statuses.some((s) => s >= 400) ? [] : [`${route}: no error case`]].flat();
    });
    expect(missing).toEqual([]);
  });
});
