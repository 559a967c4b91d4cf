/**
 * `bench:replay --store postgres`: the generated log copied, position for position, from the
 * generator's SQLite file into a PostgreSQL database through the adapter's own schema, and the
 * raw scan that is the ceiling there (keyset pages over the primary key + JSON.parse, as the
 * store itself reads the log).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import { EVENTS_TABLE } from '../src/event-store/postgres/postgres-schema.js';

const COPY_CHUNK = 5_000;
const SCAN_PAGE = 1_000;

type Row = { position: number; stream_id: string; revision: number; event_id: string; type: string; data: string; metadata: string };

/** Copies every event of the SQLite file into the (empty) database; returns how many and how long it took. */
export async function copyToPostgres({ file, databaseUrl }: { file: string; databaseUrl: string }): Promise<{ events: number; ms: number; bytes: number }> {
  await (await PostgresEventStore.open({ connectionString: databaseUrl })).close();
  const db = new Database(file, { readonly: true });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  let events = 0;
  try {
    let chunk: Row[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const column = <K extends keyof Row>(key: K) => chunk.map((row) => row[key]);
      await client.query(
        `INSERT INTO ${EVENTS_TABLE} (position, stream_id, revision, event_id, type, data, metadata)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        [column('position'), column('stream_id'), column('revision'), column('event_id'), column('type'), column('data'), column('metadata')],
      );
      events += chunk.length;
      chunk = [];
    };
    for (const row of db.prepare<[], Row>('SELECT position, stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position').iterate()) {
      chunk.push(row);
      if (chunk.length === COPY_CHUNK) await flush();
    }
    await flush();
    await client.query(`VACUUM ANALYZE ${EVENTS_TABLE}`);
    const { rows } = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database())::text AS bytes');
    return { events, ms: performance.now() - started, bytes: Number(rows[0].bytes) };
  } finally {
    db.close();
    await client.end();
  }
}

/** The ceiling on PostgreSQL: the whole log in keyset pages, each event's JSON parsed. */
export async function rawScanPostgres(databaseUrl: string): Promise<{ events: number; ms: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let events = 0;
    let checksum = 0;
    let after = '0';
    const started = performance.now();
    for (;;) {
      const { rows } = await client.query<[string, string, number, string, string, string, string]>({
        name: 'raw-scan',
        text: `SELECT position, stream_id, revision, event_id, type, data, metadata FROM ${EVENTS_TABLE} WHERE position > $1 ORDER BY position LIMIT $2`,
        values: [after, SCAN_PAGE],
        rowMode: 'array',
      });
      for (const row of rows) {
        const data = JSON.parse(row[5]) as { incidentId: string };
        checksum += data.incidentId.length + Object.keys(JSON.parse(row[6]) as object).length;
      }
      events += rows.length;
      if (rows.length < SCAN_PAGE) break;
      after = rows[rows.length - 1][0];
    }
    const ms = performance.now() - started;
    if (checksum === 0 && events > 0) throw new Error('nothing parsed');
    return { events, ms };
  } finally {
    await client.end();
  }
}
