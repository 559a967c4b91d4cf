import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ServerProcess } from '../crash/server-process.js';
import { buildServer } from '../support/build-server.js';
import { announceSkip, createTestDatabase, postgresUnavailable, type TestDatabase } from '../support/postgres-database.js';

/**
 * Three Demarche processes (the compiled server, spawned) on one PostgreSQL database, the way a
 * team runs several instances behind a load balancer: what one records, the others serve, and
 * optimistic concurrency holds across them.
 */

const unavailable = await postgresUnavailable();
const INSTANCES = 3;

async function getJson(base: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

function accusation(actor: string, target: string, summary: string) {
  return { type: 'Accusation', actor, target, occurredOn: '2024-05-15', summary, sources: [{ publisher: 'Wire service' }] };
}

if (unavailable === undefined) {
  describe(`${INSTANCES} Demarche processes on one PostgreSQL database`, () => {
    let database: TestDatabase;
    let removeBuild = () => undefined as void;
    const dataDirs: string[] = [];
    const servers: ServerProcess[] = [];
    const urls: string[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('multi_instance');
      const build = await buildServer('postgres-multi-instance-build');
      removeBuild = build.remove;
      for (let i = 0; i < INSTANCES; i++) {
        const dataDir = mkdtempSync(join(tmpdir(), `demarche-pg-instance-${i}-`));
        dataDirs.push(dataDir);
        const server = new ServerProcess({
          main: build.main,
          dataDir,
          env: { EVENT_STORE: 'postgres', DATABASE_URL: database.url, RATE_LIMIT_PER_MINUTE: '1000000', READ_RATE_LIMIT_PER_MINUTE: '1000000' },
        });
        server.spawn();
        servers.push(server);
      }
      urls.push(...(await Promise.all(servers.map((server) => server.url()))));
    }, 120_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop({ graceful: true })));
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
      removeBuild();
      await database?.drop();
      expect(servers.flatMap((server) => server.unexpectedExits)).toEqual([]);
    }, 60_000);

    it('shows an incident posted to any instance in the others’ GET /relations/{a}/{b} within a second', async () => {
      const pairs = [['EST', 'RUS'], ['LTU', 'BLR'], ['GEO', 'RUS']] as const;
      const delays: number[] = [];
      for (const [writer, [actor, target]] of pairs.entries()) {
        const posted = await postJson(urls[writer], '/incidents', accusation(actor, target, `posted to instance ${writer}`));
        expect(posted.status).toBe(201);
        const acknowledged = Date.now();
        for (const [reader, url] of urls.entries()) {
          if (reader === writer) continue;
          let seen = await getJson(url, `/relations/${target}/${actor}`);
          while (seen.status === 404 && Date.now() - acknowledged < 1_000) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            seen = await getJson(url, `/relations/${target}/${actor}`);
          }
          expect(seen.status).toBe(200);
          expect(seen.json.countsByType.Accusation).toBe(1);
          delays.push(Date.now() - acknowledged);
        }
      }
      process.stderr.write(`\nmulti-instance visibility after the 201 (ms, each reader): ${delays.join(', ')}\n`);
    });

    it('refuses positions PostgreSQL could not hold with a 400 naming the field, not a database error', async () => {
      for (const [path, field] of [
        ['/events?after=9223372036854775808', 'after'],
        ['/events?after=007', 'after'],
        ['/relations/EST/RUS?minPosition=99999999999999999999', 'minPosition'],
        ['/relations/EST/RUS?minPosition=-1', 'minPosition'],
      ] as const) {
        const response = await getJson(urls[0], path);
        expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
        expect(response.json.errors.map((error: { field: string }) => error.field)).toEqual([field]);
      }
      expect((await getJson(urls[0], '/events?after=9223372036854775807')).status).toBe(200);
    });

    it('gives 16 writers racing with If-Match over the three instances contiguous revisions and one event per 201', async () => {
      const WRITERS = 16;
      const MAX_ATTEMPTS = 200;
      const first = await postJson(urls[0], '/incidents', accusation('AZE', 'FRA', 'the first word'));
      expect(first.status).toBe(201);

      const writer = async (index: number) => {
        let preconditionFailures = 0;
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          // Reads and writes land on different instances, as behind a load balancer.
          const seen = (await getJson(urls[(index + attempt) % INSTANCES], `/relations/AZE/FRA?minPosition=${first.json.position}`)).headers.get('etag')!;
          const response = await postJson(urls[(index + attempt + 1) % INSTANCES], '/incidents', accusation('AZE', 'FRA', `writer ${index}`), { 'if-match': seen });
          if (response.status === 201) return { seen, revision: response.json.revision as number, preconditionFailures };
          expect(response.status).toBe(412);
          preconditionFailures++;
        }
        return { seen: null, revision: null, preconditionFailures };
      };
      const outcomes = await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const revisions = (await client.query("SELECT revision FROM demarche.events WHERE stream_id = 'relation-AZE-FRA' ORDER BY position")).rows.map((row) => row.revision);
      await client.end();
      const created = outcomes.filter((outcome) => outcome.revision !== null);
      expect(created).toHaveLength(WRITERS);
      expect(revisions).toEqual(Array.from({ length: WRITERS + 1 }, (_, i) => i));
      for (const outcome of created) expect(outcome.revision).toBe(Number(JSON.parse(outcome.seen!)) + 1);
      expect(outcomes.reduce((sum, outcome) => sum + outcome.preconditionFailures, 0)).toBeGreaterThan(0);
      for (const url of urls) {
        const listed = await getJson(url, `/incidents?pair=AZE-FRA&limit=500`);
        expect(listed.json.items).toHaveLength(WRITERS + 1);
      }
    }, 60_000);
  });
} else {
  announceSkip('PostgreSQL multi-instance e2e', unavailable);
  describe.skip(`${INSTANCES} Demarche processes on one PostgreSQL database — skipped: ${unavailable}`, () => {
    it('serve each other’s writes and keep If-Match races contiguous', () => undefined);
  });
}
