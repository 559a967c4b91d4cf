import { jest } from '@jest/globals';
import { rmSync } from 'node:fs';
import { appOptionsFromEnv } from '../../src/config.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { injectSubscriptionFaults } from '../support/subscription-faults.js';
import { fixedClock, startTestApp, type StartTestAppOptions, type TestApp } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait.js';

/**
 * GET /health says the process answers; GET /health/ready says whether this instance follows the
 * log closely enough to be sent traffic: 503 problem+json with the reason while its subscription
 * is down or its read model trails the log beyond the bounds, 200 with the figures otherwise.
 */

const clock = fixedClock('2023-12-28T12:00:00.000Z');
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const accusation = (actor: string) => ({
  type: 'Accusation',
  actor,
  target: 'RUS',
  occurredOn: '2023-12-20',
  summary: `${actor} accuses Moscow`,
  sources: [{ publisher: 'Wire service' }],
});

let apps: TestApp[];
let dir: string | undefined;

beforeEach(() => {
  apps = [];
});

afterEach(async () => {
  for (const app of apps.reverse()) await app.close({ keep: true });
  jest.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function start(options: StartTestAppOptions = {}): Promise<TestApp> {
  const app = await startTestApp({ clock, ...options, app: { resubscribeBackoff: { initialDelayMs: 10, maxDelayMs: 50 }, ...options.app } });
  dir ??= app.dir;
  apps.push(app);
  return app;
}

const expectNotReady = (response: { status: number; headers: Headers; json: any }) => {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ type: 'https://demarche.dev/problems/not-ready', status: 503, title: expect.any(String), detail: expect.any(String) });
};

describe('GET /health/ready', () => {
  it('answers 200 with the figures when the read model follows the log', async () => {
    const app = await start();
    const seeds = (await loadSeeds(app.app)).recorded;

    const response = await app.request('GET', '/health/ready');

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      status: 'ready',
      subscription: { state: 'following', since: expect.stringMatching(ISO) },
      checkpoint: String(seeds),
      behind: { events: 0, seconds: 0 },
      bounds: { events: 1000, seconds: 30 },
    });
  });

  it('is published in the OpenAPI document as served: 200 with the figures, 503 as problem+json', async () => {
    const app = await start();
    const served = (await app.request('GET', '/health/ready')).json;
    const doc = (await app.request('GET', '/docs-json')).json;

    const { responses } = doc.paths['/health/ready'].get;
    const schema = doc.components.schemas[responses['200'].content['application/json'].schema.$ref.split('/').pop()];
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(served).sort());
    expect(responses['503'].content['application/problem+json'].schema.$ref).toMatch(/ProblemDocument$/);
  });

  it('answers 503 naming the reason while the subscription is down, while /health stays 200, and 200 again once it is back', async () => {
    // Another instance (not cut off) writes to the same log meanwhile.
    const writer = await start();
    const faults = injectSubscriptionFaults();
    const app = await start({ file: writer.file });
    const seeds = (await loadSeeds(app.app)).recorded;
    const liveness = (await app.request('GET', '/health')).json;

    faults.refuse(new Error('14 UNAVAILABLE: No connection established'));
    await faults.endAll();
    await waitFor(() => faults.refused >= 2, 'two refused attempts to resubscribe');
    await writer.request('POST', '/incidents', accusation('EST'));
    const health = await app.request('GET', '/health');
    const down = await app.request('GET', '/health/ready');
    faults.accept();
    await waitFor(() => app.app.get(ProjectionRunner).position === String(seeds + 1), 'the read model to apply what was written meanwhile');
    await waitFor(() => app.app.get(ProjectionRunner).following.state === 'following', 'the outage to be over');
    const back = await app.request('GET', '/health/ready');

    expect(health.status).toBe(200);
    expect(health.json).toEqual(liveness);
    expectNotReady(down);
    expect(down.json).toMatchObject({
      reason: 'subscription-down',
      detail: expect.stringMatching(new RegExp(`^The log subscription is down since \\S+ \\(14 UNAVAILABLE: No connection established\\); resubscribing from checkpoint ${seeds}`)),
      subscription: { state: 'down', since: expect.stringMatching(ISO), reason: '14 UNAVAILABLE: No connection established', attempts: expect.any(Number) },
      checkpoint: String(seeds),
    });
    expect(down.json.subscription.attempts).toBeGreaterThanOrEqual(2);
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ status: 'ready', checkpoint: String(seeds + 1), behind: { events: 0, seconds: 0 }, subscription: { state: 'following' } });
  });

  it('answers 503 while the read model trails the log by more events than the bound, 200 once it has caught up', async () => {
    const writer = await start();
    const faults = injectSubscriptionFaults();
    const app = await start({ file: writer.file, app: { readiness: { maxLagEvents: 2, maxLagSeconds: 30 } } });
    const runner = app.app.get(ProjectionRunner);

    faults.hold();
    for (const actor of ['EST', 'LVA', 'LTU']) expect((await writer.request('POST', '/incidents', accusation(actor))).status).toBe(201);
    const lagging = await app.request('GET', '/health/ready');
    faults.release();
    await waitFor(() => runner.position === '3', 'the read model to catch up');
    const caughtUp = await app.request('GET', '/health/ready');

    expectNotReady(lagging);
    expect(lagging.json).toMatchObject({
      reason: 'lagging',
      detail: "The read model trails the log's head by more than 2 events, at checkpoint none",
      subscription: { state: 'following' },
      behind: { events: 3 },
      bounds: { events: 2, seconds: 30 },
    });
    expect(caughtUp.status).toBe(200);
    expect(caughtUp.json).toMatchObject({ checkpoint: '3', behind: { events: 0, seconds: 0 } });
  });

  it('answers 503 while the oldest event not applied has waited longer than the bound in seconds', async () => {
    const writer = await start();
    const faults = injectSubscriptionFaults();
    const app = await start({ file: writer.file, app: { readiness: { maxLagEvents: 1000, maxLagSeconds: 2 } } });
    const runner = app.app.get(ProjectionRunner);

    faults.hold();
    expect((await app.request('GET', '/health/ready')).json.behind).toEqual({ events: 0, seconds: 0 });
    await writer.request('POST', '/incidents', accusation('EST'));
    const fresh = await app.request('GET', '/health/ready');
    await sleep(2_200);
    const stale = await app.request('GET', '/health/ready');
    faults.release();
    await waitFor(() => runner.position === '1', 'the read model to catch up');

    expect(fresh.status).toBe(200);
    expect(fresh.json.behind.events).toBe(1);
    expectNotReady(stale);
    expect(stale.json).toMatchObject({ reason: 'lagging', behind: { events: 1 }, bounds: { seconds: 2 } });
    expect(stale.json.behind.seconds).toBeGreaterThan(2);
    expect(stale.json.detail).toMatch(/^The read model trails the log's head by \d+(\.\d)? s \(more than 2 s\)/);
    expect((await app.request('GET', '/health/ready')).status).toBe(200);
  });
});

describe('readiness bounds from the environment', () => {
  const env = { DATA_DIR: '/tmp/demarche-config-test' };

  it('default to 1000 events and 30 s, and are read from READINESS_MAX_LAG_EVENTS and READINESS_MAX_LAG_SECONDS', () => {
    expect(appOptionsFromEnv(env).readiness).toEqual({ maxLagEvents: 1000, maxLagSeconds: 30 });
    expect(appOptionsFromEnv({ ...env, READINESS_MAX_LAG_EVENTS: '50', READINESS_MAX_LAG_SECONDS: '5' }).readiness).toEqual({ maxLagEvents: 50, maxLagSeconds: 5 });
  });

  it.each(['READINESS_MAX_LAG_EVENTS', 'READINESS_MAX_LAG_SECONDS'])('refuses a %s that is not a positive whole number, naming it', (name) => {
    expect(() => appOptionsFromEnv({ ...env, [name]: '-1' })).toThrow(new RegExp(`^${name} must be a positive whole number, got '-1'`));
  });
});
