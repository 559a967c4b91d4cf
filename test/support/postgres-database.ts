/**
 * Throwaway PostgreSQL databases for specs. TEST_DATABASE_URL names a server and a role that may
 * CREATE DATABASE (.ci/run starts one on loopback and sets it); each suite gets a database of
 * its own, dropped after, so runs and suites never see each other's events.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

/** Why PostgreSQL specs cannot run here, or undefined when they can. Asked once per spec file, at load. */
export async function postgresUnavailable(url = TEST_DATABASE_URL, variable = 'TEST_DATABASE_URL'): Promise<string | undefined> {
  if (!url) return `${variable} is not set (.ci/run installs PostgreSQL and sets it; see docs/postgres.md)`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `no PostgreSQL answers at ${variable} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Prints the reason straight to stderr: Jest's default reporter drops the console output of a file whose tests are all skipped. */
export function announceSkip(what: string, reason: string): void {
  process.stderr.write(`\n⚠ ${what} skipped: ${reason}\n\n`);
}

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new empty database on the server of `serverUrl` (whose role may CREATE DATABASE). */
export async function createTestDatabase(label: string, serverUrl = TEST_DATABASE_URL): Promise<TestDatabase> {
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `demarche_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomUUID().slice(0, 8)}`;
  await administer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => dropDatabase(serverUrl, name) };
}

/**
 * WITH (FORCE) ends the database's other backends; an autovacuum worker, which the test role does
 * not own, can only be ended with pg_signal_backend (granted by .ci/run). Elsewhere it ends soon
 * by itself: wait for it rather than fail the suite on a busy server.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await administer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch (error) {
      const insufficientPrivilege = (error as { code?: string }).code === '42501';
      if (!insufficientPrivilege || attempt === 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function administer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
