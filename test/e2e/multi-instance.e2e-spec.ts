import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Two Demarche processes on one SQLite file: the read side follows the store's global log, not
 * the process's own writes, so what one instance records the other serves.
 */
describe('two app instances sharing one SQLite file', () => {
  let writer: TestApp;
  let reader: TestApp;

  beforeAll(async () => {
    writer = await startTestApp();
    reader = await startTestApp({ file: writer.file });
  });

  afterAll(async () => {
    await reader.close();
    await writer.close();
  });

  const expulsion = {
    type: 'DiplomatsExpelled',
    actor: 'RUS',
    target: 'EST',
    occurredOn: '2024-02-14',
    summary: 'Russia expels an Estonian diplomat',
    sources: [{ publisher: 'Test wire' }],
    details: { diplomats: 1 },
  };

  it('shows an incident posted to one instance on the other within a second', async () => {
    const posted = await writer.request('POST', '/incidents', expulsion);
    expect(posted.status).toBe(201);

    const started = Date.now();
    let seen = await reader.request('GET', '/relations/EST/RUS');
    while (seen.status === 404 && Date.now() - started < 1_000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      seen = await reader.request('GET', '/relations/EST/RUS');
    }
    expect(seen.status).toBe(200);
    expect(seen.json.incidentCount).toBe(1);
    expect(seen.json.sides.find((side: { country: string }) => side.country === 'RUS').diplomatsExpelled).toBe(1);
    const incident = await reader.request('GET', `/incidents/${posted.json.incidentId}`);
    expect(incident.json.summary).toBe(expulsion.summary);
  });

  it('answers a read with minPosition only once it has caught up with that write', async () => {
    const posted = await writer.request('POST', '/incidents', {
      ...expulsion,
      type: 'AmbassadorSummoned',
      summary: 'Estonia summons the Russian chargé',
      actor: 'EST',
      target: 'RUS',
      details: {},
    });
    expect(posted.status).toBe(201);
    const read = await reader.request('GET', `/relations/RUS/EST?minPosition=${posted.json.position}`);
    expect(read.status).toBe(200);
    expect(read.json.countsByType.AmbassadorSummoned).toBe(1);
  });

  it('answers 503 with Retry-After when the read model cannot reach minPosition in time', async () => {
    const read = await reader.request('GET', '/relations/RUS/EST?minPosition=999999999');
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toBe('1');
    expect(read.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('rejects a minPosition that is not a position', async () => {
    const read = await reader.request('GET', '/relations/RUS/EST?minPosition=abc');
    expect(read.status).toBe(400);
    expect(read.json.errors).toEqual([{ field: 'minPosition', message: 'is not a position in this log' }]);
  });

  it('keeps decisions consistent across instances: a reciprocal expulsion posted to the other instance answers the first', async () => {
    const answer = await reader.request('POST', '/incidents', {
      ...expulsion,
      type: 'DiplomatsExpelled',
      actor: 'EST',
      target: 'RUS',
      occurredOn: '2024-02-16',
      summary: 'Estonia expels a Russian diplomat in response',
    });
    expect(answer.status).toBe(201);
    expect(answer.json.recordedType).toBe('ReciprocalExpulsion');
  });

  it('decides on the other instance’s writes even when its own view of the pair was cached', async () => {
    const first = await writer.request('POST', '/incidents', { ...expulsion, actor: 'LTU', target: 'BLR', summary: 'Lithuania expels a Belarusian diplomat' });
    expect(first.json.recordedType).toBe('DiplomatsExpelled');
    const answer = await reader.request('POST', '/incidents', {
      ...expulsion, type: 'ReciprocalExpulsion', actor: 'BLR', target: 'LTU', occurredOn: '2024-02-15', summary: 'Belarus answers',
    });
    expect(answer.json.inResponseTo).toBe(first.json.incidentId);
    // The writer last saw the pair before that answer: a second answer must still be refused.
    const second = await writer.request('POST', '/incidents', {
      ...expulsion, type: 'ReciprocalExpulsion', actor: 'BLR', target: 'LTU', occurredOn: '2024-02-16', summary: 'Belarus answers again',
    });
    expect(second.status).toBe(422);
    expect(second.json.detail).toMatch(/not already answered/);
  });
});
