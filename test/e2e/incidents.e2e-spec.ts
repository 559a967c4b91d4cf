import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/** "Now" for every test: incidents below happen on or before this day. */
const NOW = '2024-06-01T12:00:00.000Z';
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let t: TestApp;

beforeEach(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
});

afterEach(async () => {
  await t.close();
});

function incident(overrides: Record<string, unknown> = {}) {
  return {
    type: 'Accusation',
    actor: 'AZE',
    target: 'FRA',
    occurredOn: '2024-05-15',
    summary: 'Baku accuses Paris of bias',
    sources: [{ publisher: 'Wire service' }],
    ...overrides,
  };
}

const expulsion = (actor: string, target: string, occurredOn: string, diplomats = 2) =>
  incident({ type: 'DiplomatsExpelled', actor, target, occurredOn, summary: `${actor} expels ${target} diplomats`, details: { diplomats } });

function expulsionWith(overrides: Record<string, unknown>) {
  return { ...expulsion('AZE', 'FRA', '2024-05-20'), ...overrides };
}

/** Reports an incident that must be accepted; returns the 201 body. */
async function report(body: Record<string, unknown>) {
  const response = await t.request('POST', '/incidents', body);
  expect(response.status).toBe(201);
  return response.json;
}

describe('reporting an incident', () => {
  it('answers 201 with a Location and the recorded event, and appends one event', async () => {
    const response = await t.request('POST', '/incidents', {
      type: 'DiplomatsExpelled',
      actor: 'AZE',
      target: 'FRA',
      occurredOn: '2024-05-20',
      summary: 'Azerbaijan declares two French diplomats personae non gratae',
      sources: [{ url: 'https://example.org/news/1', publisher: 'Example News', title: 'Two expelled', publishedOn: '2024-05-21' }],
      details: { diplomats: 2, deadlineHours: 48 },
    });

    expect(response.status).toBe(201);
    const body = response.json;
    expect(Object.keys(body).sort()).toEqual(
      ['eventId', 'incidentId', 'position', 'postedType', 'recordedAt', 'recordedType', 'revision', 'streamId'],
    );
    expect(body.incidentId).toMatch(UUID_V7);
    expect(response.headers.get('location')).toBe(`/incidents/${body.incidentId}`);
    expect(body).toMatchObject({
      postedType: 'DiplomatsExpelled',
      recordedType: 'DiplomatsExpelled',
      streamId: 'relation-AZE-FRA',
      revision: 0,
      recordedAt: NOW,
    });
    expect(typeof body.position).toBe('string');
    expect(countEvents(t.file)).toBe(1);
  });

  it('serves the recorded incident at its Location, with its sources and details', async () => {
    const sources = [
      { url: 'https://example.org/news/1', publisher: 'Example News', title: 'Two expelled', publishedOn: '2024-05-21' },
      { publisher: 'Another Wire' },
    ];
    const posted = await t.request('POST', '/incidents', expulsionWith({ sources, details: { diplomats: 2, deadlineHours: 48 } }));

    const response = await t.request('GET', posted.headers.get('location')!);

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      incidentId: posted.json.incidentId,
      eventId: posted.json.eventId,
      type: 'DiplomatsExpelled',
      actor: 'AZE',
      target: 'FRA',
      occurredOn: '2024-05-20',
      precision: 'day',
      sources,
      details: { diplomats: 2, deadlineHours: 48 },
      recordedAt: NOW,
      streamId: 'relation-AZE-FRA',
      position: posted.json.position,
    });
  });

  it('shows the incident in the relation right after the 201, whichever way round the pair is named', async () => {
    await report(expulsion('AZE', 'FRA', '2024-05-20', 2));

    const forward = await t.request('GET', '/relations/AZE/FRA');
    const backward = await t.request('GET', '/relations/FRA/AZE');

    expect(forward.status).toBe(200);
    expect(backward.text).toBe(forward.text);
    expect(forward.json).toMatchObject({
      pair: ['AZE', 'FRA'],
      incidentCount: 1,
      countsByType: { DiplomatsExpelled: 1 },
      sides: [
        { country: 'AZE', diplomatsExpelled: 2, expulsions: 1, unansweredExpulsions: 1 },
        { country: 'FRA', diplomatsExpelled: 0, expulsions: 0, unansweredExpulsions: 0 },
      ],
    });
    expect(forward.json.escalation.score).toBeGreaterThan(0);
  });

  it('records an expulsion answering the other side’s within 30 days as a ReciprocalExpulsion', async () => {
    const first = await report(expulsion('AZE', 'FRA', '2024-05-20'));

    const answer = await report(expulsion('FRA', 'AZE', '2024-05-25'));

    expect(answer).toMatchObject({
      postedType: 'DiplomatsExpelled',
      recordedType: 'ReciprocalExpulsion',
      inResponseTo: first.incidentId,
      revision: 1,
    });
    const recorded = await t.request('GET', `/incidents/${answer.incidentId}`);
    expect(recorded.json).toMatchObject({ type: 'ReciprocalExpulsion', postedType: 'DiplomatsExpelled', inResponseTo: first.incidentId });
    const relation = await t.request('GET', '/relations/AZE/FRA');
    expect(relation.json.countsByType).toEqual({ DiplomatsExpelled: 1, ReciprocalExpulsion: 1 });
    expect(relation.json.sides[0]).toMatchObject({ country: 'AZE', expulsions: 1, unansweredExpulsions: 0 });
  });

  it('keeps an expulsion more than 30 days after the other side’s as a plain DiplomatsExpelled', async () => {
    await report(expulsion('AZE', 'FRA', '2024-03-01'));

    const later = await report(expulsion('FRA', 'AZE', '2024-05-25'));

    expect(later).toMatchObject({ postedType: 'DiplomatsExpelled', recordedType: 'DiplomatsExpelled' });
    expect(later.inResponseTo).toBeUndefined();
  });

  it('refuses a ReciprocalExpulsion with nothing to answer: 422 with the reason, nothing appended', async () => {
    await report(incident());
    const before = countEvents(t.file);

    const response = await t.request('POST', '/incidents', incident({ type: 'ReciprocalExpulsion', details: { diplomats: 2 } }));

    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status: 422, title: expect.any(String) });
    expect(response.json.detail).toMatch(/ReciprocalExpulsion rejected: FRA has expelled no AZE diplomats/);
    expect(countEvents(t.file)).toBe(before);
    expect((await t.request('GET', '/relations/AZE/FRA')).json.incidentCount).toBe(1);
  });
});

describe('GET /incidents', () => {
  /** Reported in this order; ids in log order. */
  let all: { incidentId: string; type: string; pair: string; occurredOn: string }[];

  beforeEach(async () => {
    const reports = [
      incident({ occurredOn: '2024-04-10' }),
      incident({ type: 'MilitaryOffensive', actor: 'AZE', target: 'ARM', occurredOn: '2024-04-20', details: { region: 'Karabakh' } }),
      incident({ actor: 'FRA', target: 'AZE', occurredOn: '2024-05-02' }),
      incident({ type: 'AmbassadorSummoned', actor: 'FRA', target: 'AZE', occurredOn: '2024-05-03' }),
      incident({ type: 'TalksHeld', actor: 'DEU', target: 'FRA', occurredOn: '2024-05-10' }),
      incident({ actor: 'AZE', target: 'FRA', occurredOn: '2024-05-28' }),
      incident({ actor: 'ARM', target: 'AZE', occurredOn: '2024-05-30' }),
    ];
    all = [];
    for (const body of reports) {
      const { incidentId } = await report(body);
      all.push({ incidentId, type: body.type, pair: [body.actor, body.target].sort().join('-'), occurredOn: body.occurredOn });
    }
  });

  /** Follows `next` from the first page; returns the ids of every page and how many pages there were. */
  async function readAllPages(query: string) {
    const ids: string[] = [];
    let pages = 0;
    let cursor: string | null = null;
    do {
      const response = await t.request('GET', `/incidents?${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(response.status).toBe(200);
      ids.push(...response.json.items.map((item: { incidentId: string }) => item.incidentId));
      cursor = response.json.next;
      pages++;
    } while (cursor !== null && pages < 20);
    return { ids, pages, lastNext: cursor };
  }

  it('pages through every incident exactly once, in the order recorded, ending with next = null', async () => {
    const { ids, pages, lastNext } = await readAllPages('limit=2');

    expect(ids).toEqual(all.map((i) => i.incidentId));
    expect(pages).toBe(4);
    expect(lastNext).toBeNull();
  });

  it('returns everything on one page with next = null when the page is just big enough', async () => {
    const response = await t.request('GET', `/incidents?limit=${all.length}`);

    expect(response.json.items).toHaveLength(all.length);
    expect(response.json.next).toBeNull();
  });

  it('filters by pair, named in either order', async () => {
    const expected = all.filter((i) => i.pair === 'AZE-FRA').map((i) => i.incidentId);

    const forward = await readAllPages('pair=FRA-AZE&limit=50');
    const backward = await readAllPages('pair=AZE-FRA&limit=50');

    expect(forward.ids).toEqual(expected);
    expect(backward.ids).toEqual(expected);
  });

  it('filters by type and by the dates the incidents occurred on', async () => {
    const accusations = await readAllPages('type=Accusation');
    const inMay = await readAllPages('from=2024-05-01&to=2024-05-10');

    expect(accusations.ids).toEqual(all.filter((i) => i.type === 'Accusation').map((i) => i.incidentId));
    expect(inMay.ids).toEqual(all.filter((i) => i.occurredOn >= '2024-05-01' && i.occurredOn <= '2024-05-10').map((i) => i.incidentId));
    expect(inMay.ids).toHaveLength(3);
  });

  it('pages through a combined filter without losing or repeating an incident', async () => {
    const expected = all
      .filter((i) => i.pair === 'AZE-FRA' && i.type === 'Accusation' && i.occurredOn >= '2024-04' && i.occurredOn < '2024-06')
      .map((i) => i.incidentId);

    const { ids, pages } = await readAllPages('pair=FRA-AZE&type=Accusation&from=2024-04&to=2024-05&limit=1');

    expect(expected).toHaveLength(3);
    expect(ids).toEqual(expected);
    expect(pages).toBe(3);
  });
});

describe('GET /events', () => {
  it('returns the global log in the order it was recorded, in pages', async () => {
    const recorded = [
      await report(incident()),
      await report(incident({ actor: 'ARM', target: 'AZE' })),
      await report(incident({ actor: 'FRA', target: 'AZE' })),
    ];

    const whole = await t.request('GET', '/events');
    const first = await t.request('GET', '/events?limit=2');
    const rest = await t.request('GET', `/events?after=${first.json.next}&limit=2`);

    expect(whole.json.events.map((e: { eventId: string }) => e.eventId)).toEqual(recorded.map((r) => r.eventId));
    expect(whole.json.events.map((e: { streamId: string }) => e.streamId)).toEqual([
      'relation-AZE-FRA',
      'relation-ARM-AZE',
      'relation-AZE-FRA',
    ]);
    expect(whole.json.events[2]).toMatchObject({ type: 'Accusation', revision: 1, data: { actor: 'FRA', target: 'AZE', incidentId: recorded[2].incidentId } });
    expect(first.json.events.map((e: { position: string }) => e.position)).toEqual([recorded[0].position, recorded[1].position]);
    expect(rest.json.events.map((e: { eventId: string }) => e.eventId)).toEqual([recorded[2].eventId]);
    expect(rest.json.next).toBeNull();
  });
});

describe('GET /relations', () => {
  beforeEach(async () => {
    // On the clock's own day, so nothing has decayed: the offensive (10) and the hostilities it began (30) ≈ 80 (crisis),
    // ten expelled (8) and not answered yet (3) ≈ 36 (strained), an accusation ≈ 8 (calm).
    await report(incident({ actor: 'AZE', target: 'FRA', occurredOn: '2024-06-01' }));
    await report(incident({ type: 'MilitaryOffensive', actor: 'AZE', target: 'ARM', occurredOn: '2024-06-01', details: {} }));
    await report(expulsion('FRA', 'DEU', '2024-06-01', 10));
  });

  const pairs = (items: { pair: string[] }[]) => items.map((item) => item.pair.join('-'));

  it('lists every relation from most to least escalated', async () => {
    const response = await t.request('GET', '/relations');

    expect(response.status).toBe(200);
    expect(response.json.total).toBe(3);
    expect(pairs(response.json.items)).toEqual(['ARM-AZE', 'DEU-FRA', 'AZE-FRA']);
    const scores = response.json.items.map((item: { escalation: { score: number } }) => item.escalation.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(response.json.items.map((item: { escalation: { level: string } }) => item.escalation.level)).toEqual(['crisis', 'strained', 'calm']);
    expect(response.json.items[0].escalation.conditions).toEqual([expect.objectContaining({ kind: 'hostilities', country: 'AZE', since: '2024-06-01' })]);
    expect(response.json.items[0].names).toEqual({ ARM: 'Armenia', AZE: 'Azerbaijan' });
  });

  it('filters by country and by level', async () => {
    const france = await t.request('GET', '/relations?country=FRA');
    const strained = await t.request('GET', '/relations?level=strained');
    const crisis = await t.request('GET', '/relations?level=crisis');
    const rupture = await t.request('GET', '/relations?level=rupture');

    expect(pairs(france.json.items)).toEqual(['DEU-FRA', 'AZE-FRA']);
    expect(pairs(strained.json.items)).toEqual(['DEU-FRA']);
    expect(pairs(crisis.json.items)).toEqual(['ARM-AZE']);
    expect(rupture.json).toMatchObject({ total: 0, items: [] });
  });

  it('puts a relation severed long ago, with no incident since, at the top: rupture, by its standing severance', async () => {
    await report(incident({ type: 'DiplomaticRelationsSevered', actor: 'COL', target: 'ISR', occurredOn: '2024-05-02', details: {} }));

    const response = await t.request('GET', '/relations');

    expect(pairs(response.json.items)).toEqual(['COL-ISR', 'ARM-AZE', 'DEU-FRA', 'AZE-FRA']);
    expect(response.json.items[0].escalation).toMatchObject({
      level: 'rupture',
      conditions: [{ kind: 'relations_severed', description: 'Diplomatic relations severed by Colombia since 2 May 2024' }],
    });
  });
});

describe('what is not there', () => {
  it('answers 404 problem+json for a pair with no incidents', async () => {
    await report(incident());

    const response = await t.request('GET', '/relations/AZE/JPN');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status: 404, title: 'Not found', detail: expect.stringContaining('AZE and JPN') });
  });

  it('answers 404 problem+json for an incident id never recorded', async () => {
    await report(incident());
    const unknown = '01900000-0000-7000-8000-000000000000';

    const response = await t.request('GET', `/incidents/${unknown}`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status: 404, detail: expect.stringContaining(unknown) });
  });
});

describe('GET /health', () => {
  it('says ok and how far the read model and the search index have read', async () => {
    await report(incident());
    const last = await report(incident({ actor: 'ARM', target: 'AZE' }));
    // A search waits for the index to hold what the read model shows: after it, both say the same position.
    expect((await t.request('GET', '/incidents?country=ARM')).status).toBe(200);

    const response = await t.request('GET', '/health');

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      status: 'ok',
      readModel: { position: last.position, incidents: 2, pairs: 2 },
      searchIndex: { state: 'following', position: last.position, restarts: 0 },
    });
  });
});
