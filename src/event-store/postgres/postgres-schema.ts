import type pg from 'pg';

/**
 * The adapter's tables, created and upgraded by the adapter itself when it opens: every
 * instance runs `migrate` at start, under a transaction-scoped advisory lock so that instances
 * starting together apply each migration once. Migrations are append-only; a database whose
 * version is newer than this build knows is refused rather than written to.
 */

export const SCHEMA = 'demarche';
export const EVENTS_TABLE = `${SCHEMA}.events`;
/** Channel on which each commit announces the log's new last position (the payload). */
export const NOTIFY_CHANNEL = 'demarche_events';

/**
 * Advisory lock keys (a fixed pair, namespaced by the first number) for the migrations and for
 * appends. Appends hold theirs from reading the log's last position until commit, which is what
 * makes positions commit in order (see docs/postgres.md).
 */
export const MIGRATION_LOCK = [0x44656d61, 1] as const;
export const APPEND_LOCK = [0x44656d61, 2] as const;

const MIGRATIONS: readonly string[] = [
  // 1: the log. Positions are assigned by the writer under APPEND_LOCK (no sequence: sequence
  // values are taken in one order and committed in another). Data and metadata are the JSON
  // text as written, like SQLite's; cast to json/jsonb to query them.
  `CREATE TABLE ${EVENTS_TABLE} (
     position  bigint  PRIMARY KEY,
     stream_id text    NOT NULL,
     revision  integer NOT NULL,
     event_id  text    NOT NULL UNIQUE,
     type      text    NOT NULL,
     data      text    NOT NULL,
     metadata  text    NOT NULL,
     UNIQUE (stream_id, revision)
   )`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION; returns the migrations it applied. */
export async function migrate(client: pg.ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${SCHEMA}.schema_migrations`);
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`the database has Demarche schema version ${current}; this build knows up to ${SCHEMA_VERSION}`);
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version - 1]);
      await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version) VALUES ($1)`, [version]);
    }
    await client.query('COMMIT');
    return SCHEMA_VERSION - current;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
