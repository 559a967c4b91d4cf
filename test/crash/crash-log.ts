import Database from 'better-sqlite3';
import pg from 'pg';

/** An event as the crash trial reads it back from the store, with its JSON as stored. */
export interface LoggedEvent {
  position: string;
  stream_id: string;
  revision: number;
  event_id: string;
  data: string;
  metadata: string;
}

/** The store under trial, read directly (not through Demarche) once the servers are down or between checks. */
export interface CrashLog {
  /** What the report calls it: "the file" or "the database". */
  readonly where: string;
  lastPosition(): Promise<string | null>;
  /** 'ok' when the store's own consistency check passes. */
  integrityCheck(): Promise<string>;
  /** Every event in log order. */
  events(): Promise<LoggedEvent[]>;
}

export function sqliteCrashLog(file: string): CrashLog {
  const withFile = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  return {
    where: 'the file',
    lastPosition: async () =>
      withFile((db) => {
        const row = db.prepare('SELECT MAX(position) AS position FROM events').get() as { position: number | null };
        return row.position === null ? null : String(row.position);
      }),
    integrityCheck: async () => withFile((db) => (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; ')),
    events: async () =>
      withFile((db) =>
        (db.prepare('SELECT position, stream_id, revision, event_id, data, metadata FROM events ORDER BY position').all() as (LoggedEvent & { position: number })[]).map((row) => ({
          ...row,
          position: String(row.position),
        })),
      ),
  };
}

export function postgresCrashLog(connectionString: string): CrashLog {
  const withClient = async <T>(read: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      return await read(client);
    } finally {
      await client.end();
    }
  };
  return {
    where: 'the database',
    lastPosition: () => withClient(async (client) => (await client.query<{ position: string | null }>('SELECT max(position)::text AS position FROM demarche.events')).rows[0].position),
    // What the schema's constraints promise, checked from the rows: one row per event id and per (stream, revision).
    integrityCheck: () =>
      withClient(async (client) => {
        const { rows } = await client.query<{ events: string; ids: string; revisions: string }>(
          'SELECT count(*) AS events, count(DISTINCT event_id) AS ids, count(DISTINCT (stream_id, revision)) AS revisions FROM demarche.events',
        );
        const { events, ids, revisions } = rows[0];
        return events === ids && ids === revisions ? 'ok' : `${events} events, ${ids} distinct ids, ${revisions} distinct stream revisions`;
      }),
    events: () =>
      withClient(async (client) => (await client.query<LoggedEvent>('SELECT position, stream_id, revision, event_id, data, metadata FROM demarche.events ORDER BY position')).rows),
  };
}
