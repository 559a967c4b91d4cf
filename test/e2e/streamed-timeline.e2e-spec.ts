import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { headlineOf, type IncidentEvent } from '../../src/domain/incident.js';
import { relationStreamId } from '../../src/domain/relation-pair.js';
import { timelineInstants } from '../../src/domain/timeline.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { toCsv } from '../../src/export/csv.js';
import { TIMELINE_COLUMNS } from '../../src/export/export-columns.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { DOCUMENTS_PER_READ } from '../../src/projections/queries/timeline.query.js';
import { LONGEST_TIMELINE_LISTING_BUILT_WHOLE } from '../../src/relations/timeline-answer.js';
import { getUnread, readSlowly, workDoneWhileUnread } from '../support/slow-client.js';
import { fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A timeline listing more than LONGEST_TIMELINE_LISTING_BUILT_WHOLE incidents (`incidents=all`
 * over a busy span) is sent point by point, its documents read DOCUMENTS_PER_READ at a time
 * (src/relations/timeline-answer.ts). What is sent must be, byte for byte, the document built
 * whole from the read model's points, compressed or not; a failure half-way must not look like a
 * whole 200.
 */

const TYPES = ['Accusation', 'ThreatIssued', 'TalksHeld', 'AmbassadorSummoned'];
/** About 11 MB of JSON over 152 days: more than the socket's buffers hold, and a dozen reads of documents. */
const INCIDENTS = 12_000;
const CORRECTED_EVERY = 97;
const FROM = '2024-01-01';
const TO = '2024-05-31';
const PATH = `/relations/DEU/FRA/timeline?from=${FROM}&to=${TO}&interval=day&incidents=all`;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock('2024-06-15T12:00:00.000Z') });
  const store = t.app.get<EventStore>(EVENT_STORE);
  const streamId = relationStreamId('DEU', 'FRA');
  const ids: string[] = [];
  const reports = Array.from({ length: INCIDENTS }, (_, n) => {
    const incidentId = randomUUID();
    ids.push(incidentId);
    // A day's incidents are consecutive revisions, as a busy pair's are: each slice is read in a few runs.
    const day = new Date(Date.UTC(2024, 0, 1) + Math.floor((n * 152) / INCIDENTS) * 86_400_000).toISOString().slice(0, 10);
    // Quotes, commas and a leading "=" in summaries: what JSON and CSV must escape the same way streamed or whole.
    // …and text the store keeps escaped or as is (a lone surrogate, U+2028, astral): read as fields alone or whole, the same strings.
    const summary =
      n % 5 === 0
        ? `=Report "${n}", from Berlin`
        : n % 11 === 3
          ? `Lone \ud800 surrogate, line\u2028separator, emoji 😀, tab\t ${n}`
          : `France and Germany, ${n}: ${'a statement on the border crossing, its reading by either ministry, and what each said of it. '.repeat(5)}`;
    const data = { incidentId, actor: n % 2 ? 'FRA' : 'DEU', target: n % 2 ? 'DEU' : 'FRA', occurredOn: day, precision: 'day', summary, sources: [{ publisher: 'Wire service' }], details: {}, recordedAt: '2024-06-01T12:00:00.000Z' };
    return { eventId: randomUUID(), type: TYPES[n % TYPES.length], data };
  });
  await store.append(streamId, reports, 'no_stream');
  // Corrections: the listed incidents are the reports as believed, their amendments read with them.
  const corrections = ids
    .filter((_, n) => n % CORRECTED_EVERY === 0)
    .map((incidentId) => ({ eventId: randomUUID(), type: 'IncidentCorrected', data: { incidentId, changes: { summary: `Corrected ${incidentId}` }, reason: 'wire copy fixed', recordedAt: '2024-06-02T12:00:00.000Z' } }));
  const last = await store.append(streamId, corrections, INCIDENTS - 1);
  expect(await t.app.get(ProjectionRunner).waitFor(last.position, 60_000)).toBe(true);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** The answer built whole, independently of the route: the read model's points, served as the route serves them, through JSON.stringify. */
async function builtWhole(knownAtMs?: number): Promise<{ pair: string[]; interval: string; from: string; to: string; points: Array<{ at: string; score: number; level: string; incidentCount: number; incidents: Array<{ incidentId: string; type: string; summary?: string }> }> }> {
  const fromMs = Date.parse(`${FROM}T00:00:00.000Z`);
  const toMs = Date.parse(`${TO}T23:59:59.999Z`);
  const instants = timelineInstants(fromMs, toMs, 'day', 2_000) as number[];
  const points = (await t.app.get(ProjectionRunner).readModel.timeline('DEU', 'FRA', instants, knownAtMs))!;
  return {
    pair: ['DEU', 'FRA'],
    interval: 'day',
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    points: points.map((point) => ({
      at: new Date(point.atMs).toISOString(),
      score: point.score,
      level: point.level,
      incidentCount: point.incidentCount,
      incidents: point.incidents.map(({ type, data }) => headlineOf(type, data as IncidentEvent['data'])),
    })),
  };
}

describe('a timeline listing every incident of a busy span, streamed', () => {
  it('is byte for byte the document built whole, sent chunked', async () => {
    const whole = await builtWhole();
    const listed = whole.points.reduce((sum, point) => sum + point.incidents.length, 0);
    // Every incident arriving by the last point (the start of the span's last day) is listed.
    expect(listed).toBe(whole.points.reduce((sum, point) => sum + point.incidentCount, 0));
    expect(listed).toBeGreaterThan(INCIDENTS - INCIDENTS / 100);
    expect(listed).toBeGreaterThan(Math.max(LONGEST_TIMELINE_LISTING_BUILT_WHOLE, 3 * DOCUMENTS_PER_READ));
    // Corrections are read with the documents, in every slice.
    expect(whole.points.flatMap((point) => point.incidents).filter((i) => i.summary?.startsWith('Corrected ')).length).toBeGreaterThan(INCIDENTS / CORRECTED_EVERY - 2);
    const response = await fetch(`${t.url}${PATH}`, { headers: { 'accept-encoding': 'identity' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect([response.headers.get('transfer-encoding'), response.headers.get('content-length')]).toEqual(['chunked', null]);
    expect(await response.text()).toBe(JSON.stringify(whole));
  });

  it('compressed with gzip or br, it decompresses to the same bytes', async () => {
    const whole = JSON.stringify(await builtWhole());
    for (const encoding of ['gzip', 'br']) {
      const response = await fetch(`${t.url}${PATH}`, { headers: { 'accept-encoding': encoding } });
      expect([encoding, response.headers.get('content-encoding')]).toEqual([encoding, encoding]);
      expect(await response.text()).toBe(whole);
    }
  });

  it('known at a day before the corrections, it lists the reports as first told, byte for byte the document built whole', async () => {
    const response = await fetch(`${t.url}${PATH}&knownAt=2024-06-01`, { headers: { 'accept-encoding': 'identity' } });
    const text = await response.text();
    expect(text).toBe(JSON.stringify(await builtWhole(Date.parse('2024-06-01T23:59:59.999Z'))));
    expect(text).not.toContain('Corrected ');
  });

  it('a short listing of the same span is still built whole, with its length', async () => {
    const response = await fetch(`${t.url}${PATH.replace('incidents=all', 'incidents=top')}`, { headers: { 'accept-encoding': 'identity' } });
    const text = await response.text();
    const timeline = JSON.parse(text);
    expect(timeline.points.reduce((sum: number, point: { incidents: unknown[] }) => sum + point.incidents.length, 0)).toBeLessThanOrEqual(LONGEST_TIMELINE_LISTING_BUILT_WHOLE);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    const whole = await builtWhole();
    expect(timeline.points.map((point: { incidentCount: number }) => point.incidentCount)).toEqual(whole.points.map((point) => point.incidentCount));
  });

  it('its CSV export is streamed too, the bytes toCsv writes of the points built whole', async () => {
    const response = await fetch(`${t.url}${PATH.replace('&incidents=all', '')}&format=csv`, { headers: { 'accept-encoding': 'identity' } });
    expect([response.status, response.headers.get('transfer-encoding')]).toEqual([200, 'chunked']);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="timeline-DEU-FRA-day.csv"');
    expect(await response.text()).toBe(toCsv(TIMELINE_COLUMNS, (await builtWhole()).points));
  });

  it('reads documents only as fast as a slow client takes them (backpressure), and the client gets the whole document', async () => {
    // Every incident listed: only the headlines' fields of the reports are read (readStreamFields).
    const store = t.app.get<EventStore>(EVENT_STORE) as Required<EventStore>;
    const reads = jest.spyOn(store, 'readStreamFields');
    try {
      const response = await getUnread(`${t.url}${PATH}`);
      await workDoneWhileUnread(() => reads.mock.calls.length);
      // The reports of the first slices only: the rest wait for the client.
      const reportsRead = reads.mock.calls.reduce((sum, [, , count]) => sum + (count ?? 0), 0);
      expect(reportsRead).toBeGreaterThan(0);
      expect(reportsRead).toBeLessThan(INCIDENTS);
      expect((await readSlowly(response)).toString('utf8')).toBe(JSON.stringify(await builtWhole()));
    } finally {
      reads.mockRestore();
    }
  }, 60_000);

  it('a failure once the answer has begun cuts the connection, never a whole 200 with half a document; one before the first byte is a problem', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE) as Required<EventStore>;
    const real = store.readStreamFields.bind(store);
    let calls = 0;
    const failAt = { call: 0 };
    const reads = jest.spyOn(store, 'readStreamFields').mockImplementation(async (...args) => {
      if (++calls >= failAt.call && failAt.call > 0) throw new Error('the store went away');
      return real(...args);
    });
    try {
      // Past the first slice's reads (a handful of runs of revisions).
      const first = await fetch(`${t.url}${PATH}`, { headers: { 'accept-encoding': 'identity' } });
      await first.arrayBuffer();
      const readsPerAnswer = calls;
      calls = 0;
      failAt.call = Math.ceil(readsPerAnswer / 2);
      const cut = await fetch(`${t.url}${PATH}`, { headers: { 'accept-encoding': 'identity' } });
      expect(cut.status).toBe(200);
      await expect(cut.text()).rejects.toThrow();

      calls = 0;
      failAt.call = 1;
      const early = await t.request('GET', PATH);
      expect(early.status).toBe(500);
      expect(early.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      reads.mockRestore();
    }
  });
});
