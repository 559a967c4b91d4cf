import { resolve } from 'node:path';
import { RELATION_STREAM_PREFIX } from '../domain/relation-pair.js';
import type { EventStore } from './event-store.port.js';

export type EventStoreConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'eventstoredb'; connectionString: string }
  | { kind: 'postgres'; connectionString: string };

/** The environment asks for something that cannot work; the message says which variable and what it accepts. */
export class EventStoreConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreConfigError';
  }
}

/** The configured EventStoreDB or PostgreSQL did not answer when the application started. */
export class EventStoreUnreachableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventStoreUnreachableError';
  }
}

const KINDS = ['sqlite', 'eventstoredb', 'postgres'] as const;
const CONNECTION_SCHEMES = ['esdb://', 'esdb+discover://', 'kurrentdb://', 'kurrentdb+discover://'];
const POSTGRES_SCHEMES = ['postgres://', 'postgresql://'];
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv): EventStoreConfig {
  const kind = blankToUndefined(env.EVENT_STORE) ?? 'sqlite';
  switch (kind) {
    case 'sqlite':
      return { kind, file: resolve(blankToUndefined(env.DATA_DIR) ?? './data', 'demarche.db') };
    case 'eventstoredb':
      return { kind, connectionString: connectionStringFromEnv(env) };
    case 'postgres':
      return { kind, connectionString: databaseUrlFromEnv(env) };
    default:
      throw new EventStoreConfigError(
        `EVENT_STORE must be one of ${KINDS.map((k) => `'${k}'`).join(', ')} (default 'sqlite'), got '${kind}'.`,
      );
  }
}

function connectionStringFromEnv(env: NodeJS.ProcessEnv): string {
  const connectionString = blankToUndefined(env.EVENTSTORE_CONNECTION_STRING);
  const accepted = CONNECTION_SCHEMES.join(', ');
  if (connectionString === undefined) {
    throw new EventStoreConfigError(
      `EVENT_STORE=eventstoredb requires EVENTSTORE_CONNECTION_STRING, a connection string starting with ${accepted} ` +
        `(for example esdb://localhost:2113?tls=false for an insecure local node).`,
    );
  }
  if (!CONNECTION_SCHEMES.some((scheme) => connectionString.toLowerCase().startsWith(scheme))) {
    throw new EventStoreConfigError(
      `EVENTSTORE_CONNECTION_STRING must start with ${accepted}, got '${redactCredentials(connectionString)}'.`,
    );
  }
  return connectionString;
}

function databaseUrlFromEnv(env: NodeJS.ProcessEnv): string {
  const url = blankToUndefined(env.DATABASE_URL);
  const accepted = POSTGRES_SCHEMES.join(' or ');
  if (url === undefined) {
    throw new EventStoreConfigError(
      `EVENT_STORE=postgres requires DATABASE_URL, a connection URL starting with ${accepted} ` +
        `(for example postgres://demarche:secret@localhost:5432/demarche).`,
    );
  }
  if (!POSTGRES_SCHEMES.some((scheme) => url.toLowerCase().startsWith(scheme))) {
    throw new EventStoreConfigError(`DATABASE_URL must start with ${accepted}, got '${redactCredentials(url)}'.`);
  }
  return url;
}

export interface OpenEventStoreOptions {
  connectTimeoutMs?: number;
  /** EventStoreDB only: the streams that are this application's (the contract suite uses its own). */
  streamPrefix?: string;
}

export async function openEventStore(
  config: EventStoreConfig,
  { connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS, streamPrefix = RELATION_STREAM_PREFIX }: OpenEventStoreOptions = {},
): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite': {
      const { SqliteEventStore } = await import('./sqlite/sqlite-event-store.js');
      return new SqliteEventStore({ file: config.file });
    }
    case 'eventstoredb':
      return openEventStoreDb(config.connectionString, streamPrefix, connectTimeoutMs);
    case 'postgres':
      return openPostgres(config.connectionString, connectTimeoutMs);
    default:
      return assertNever(config);
  }
}

async function openEventStoreDb(connectionString: string, streamPrefix: string, connectTimeoutMs: number): Promise<EventStore> {
  // Loaded on demand so that SQLite users never load the gRPC client.
  const { EventStoreDbEventStore, UnsupportedConnectionSettingError } = await import('./eventstoredb/eventstoredb-event-store.js');
  const shown = redactCredentials(connectionString);
  let store: InstanceType<typeof EventStoreDbEventStore>;
  try {
    store = new EventStoreDbEventStore({ connectionString, streamPrefix });
  } catch (error) {
    const problem = error instanceof UnsupportedConnectionSettingError ? 'sets what Demarche cannot work with' : 'is not a valid connection string';
    throw new EventStoreConfigError(`EVENTSTORE_CONNECTION_STRING '${shown}' ${problem}: ${messageOf(error)}`);
  }
  try {
    await store.assertReachable(connectTimeoutMs);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new EventStoreUnreachableError(
      `cannot reach EventStoreDB at ${shown} (${messageOf(error)}). ` +
        'Check that the server is running and that EVENTSTORE_CONNECTION_STRING names its host, port and tls setting ' +
        '(an insecure node needs ?tls=false).',
      { cause: error },
    );
  }
  return store;
}

async function openPostgres(connectionString: string, connectTimeoutMs: number): Promise<EventStore> {
  // Loaded on demand, like the EventStoreDB client.
  const { PostgresEventStore } = await import('./postgres/postgres-event-store.js');
  try {
    return await PostgresEventStore.open({ connectionString, connectTimeoutMs });
  } catch (error) {
    throw new EventStoreUnreachableError(
      `cannot open the PostgreSQL event store at ${redactCredentials(connectionString)} (${messageOf(error)}). ` +
        'Check that the server is running and that DATABASE_URL names its host, port, database, user and password.',
      { cause: error },
    );
  }
}

/** `esdb://admin:changeit@host` → `esdb://admin:***@host`: connection strings end up in logs. */
export function redactCredentials(connectionString: string): string {
  return connectionString.replace(/^([a-z+]+:\/\/[^:@/]+):[^@/]*@/i, '$1:***@');
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function assertNever(value: never): never {
  throw new Error(`Unhandled event store config: ${JSON.stringify(value)}`);
}
