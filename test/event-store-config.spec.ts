import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  EventStoreConfigError,
  EventStoreUnreachableError,
  eventStoreConfigFromEnv,
  openEventStore,
  redactCredentials,
} from '../src/event-store/event-store.config.js';

function configError(env: NodeJS.ProcessEnv): EventStoreConfigError {
  try {
    eventStoreConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreConfigError);
    return error as EventStoreConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('eventStoreConfigFromEnv', () => {
  it('defaults to SQLite in ./data/demarche.db, resolved against the working directory', () => {
    expect(eventStoreConfigFromEnv({})).toEqual({ kind: 'sqlite', file: resolve('data', 'demarche.db') });
    expect(eventStoreConfigFromEnv({ EVENT_STORE: '', DATA_DIR: '' })).toEqual({
      kind: 'sqlite',
      file: resolve('data', 'demarche.db'),
    });
  });

  it('puts the SQLite file in DATA_DIR', () => {
    expect(eventStoreConfigFromEnv({ EVENT_STORE: 'sqlite', DATA_DIR: '/var/lib/demarche' })).toEqual({
      kind: 'sqlite',
      file: '/var/lib/demarche/demarche.db',
    });
    expect(eventStoreConfigFromEnv({ DATA_DIR: 'state' })).toEqual({ kind: 'sqlite', file: resolve('state', 'demarche.db') });
  });

  it('reads the EventStoreDB connection string, for each accepted scheme', () => {
    for (const connectionString of [
      'esdb://localhost:2113?tls=false',
      'esdb+discover://cluster.example:2113',
      'kurrentdb://node1:2113,node2:2113,node3:2113?tls=false',
      'kurrentdb+discover://cluster.example:2113',
    ]) {
      expect(eventStoreConfigFromEnv({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: connectionString })).toEqual({
        kind: 'eventstoredb',
        connectionString,
      });
    }
  });

  it('rejects an unknown EVENT_STORE, naming the variable and the accepted values', () => {
    const error = configError({ EVENT_STORE: 'mongodb' });
    expect(error.message).toContain('EVENT_STORE');
    expect(error.message).toContain("'sqlite'");
    expect(error.message).toContain("'eventstoredb'");
    expect(error.message).toContain("'postgres'");
  });

  it('requires EVENTSTORE_CONNECTION_STRING for eventstoredb', () => {
    for (const env of [{ EVENT_STORE: 'eventstoredb' }, { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: '  ' }]) {
      const { message } = configError(env);
      expect(message).toContain('EVENTSTORE_CONNECTION_STRING');
      expect(message).toContain('esdb://');
      expect(message).toContain('kurrentdb+discover://');
    }
  });

  it('rejects a connection string of another scheme, without echoing its password', () => {
    const { message } = configError({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'https://admin:changeit@localhost:2113',
    });
    expect(message).toContain('EVENTSTORE_CONNECTION_STRING must start with esdb://, esdb+discover://, kurrentdb://, kurrentdb+discover://');
    expect(message).toContain('https://admin:***@localhost:2113');
    expect(message).not.toContain('changeit');
  });
});

describe('eventStoreConfigFromEnv with EVENT_STORE=postgres', () => {
  it('reads DATABASE_URL, for both URL schemes', () => {
    for (const connectionString of ['postgres://demarche:secret@db:5432/demarche', 'postgresql://localhost/demarche?sslmode=require']) {
      expect(eventStoreConfigFromEnv({ EVENT_STORE: 'postgres', DATABASE_URL: connectionString })).toEqual({ kind: 'postgres', connectionString });
    }
  });

  it('requires DATABASE_URL, naming it and the accepted schemes', () => {
    for (const env of [{ EVENT_STORE: 'postgres' }, { EVENT_STORE: 'postgres', DATABASE_URL: ' ' }]) {
      const { message } = configError(env);
      expect(message).toContain('EVENT_STORE=postgres requires DATABASE_URL');
      expect(message).toContain('postgres://');
    }
  });

  it('rejects a URL of another scheme without echoing its password', () => {
    const { message } = configError({ EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://app:hunter2hunter2@db/demarche' });
    expect(message).toContain('DATABASE_URL must start with postgres:// or postgresql://');
    expect(message).toContain('mysql://app:***@db/demarche');
    expect(message).not.toContain('hunter2');
  });
});

describe('openEventStore with PostgreSQL', () => {
  it('fails with "cannot open the PostgreSQL event store" and no password when nothing listens at the address', async () => {
    const config = eventStoreConfigFromEnv({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://demarche:hunter2hunter2@127.0.0.1:1/demarche' });

    const failure = await openEventStore(config, { connectTimeoutMs: 3_000 }).then(
      () => { throw new Error('openEventStore succeeded against a closed port'); },
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(EventStoreUnreachableError);
    expect((failure as Error).message).toMatch(/^cannot open the PostgreSQL event store at postgres:\/\/demarche:\*\*\*@127\.0\.0\.1:1\/demarche \(.*ECONNREFUSED/);
    expect((failure as Error).message).not.toContain('hunter2');
  }, 10_000);
});

describe('redactCredentials', () => {
  it('hides the password and leaves strings without credentials alone', () => {
    expect(redactCredentials('esdb://admin:changeit@node1:2113,node2:2113?tls=true')).toBe('esdb://admin:***@node1:2113,node2:2113?tls=true');
    expect(redactCredentials('esdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
  });
});

describe('openEventStore with SQLite', () => {
  it('opens a working store at DATA_DIR/demarche.db, creating the directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'demarche-config-'));
    try {
      const config = eventStoreConfigFromEnv({ DATA_DIR: join(directory, 'nested') });
      const store = await openEventStore(config);
      const { events } = await store.append('config-check', [{ eventId: randomUUID(), type: 'Checked', data: { ok: true } }], 'no_stream');
      expect(await store.readStream('config-check')).toEqual(events);
      await store.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('openEventStore with EventStoreDB', () => {
  it('fails within a few seconds with "cannot reach" when nothing listens at the address', async () => {
    // Port 1 on loopback is closed: the real gRPC client gets a refused connection.
    const config = eventStoreConfigFromEnv({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' });
    const startedAt = Date.now();

    const failure = await openEventStore(config, { connectTimeoutMs: 3_000 }).then(
      () => { throw new Error('openEventStore succeeded against a closed port'); },
      (error: unknown) => error,
    );

    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(EventStoreUnreachableError);
    expect((failure as Error).message).toMatch(/^cannot reach EventStoreDB at esdb:\/\/127\.0\.0\.1:1\?tls=false/);
  }, 10_000);

  it('rejects a connection string the client cannot parse as a configuration error', async () => {
    await expect(openEventStore({ kind: 'eventstoredb', connectionString: 'esdb://localhost:notaport' })).rejects.toThrow(
      EventStoreConfigError,
    );
  });
});
