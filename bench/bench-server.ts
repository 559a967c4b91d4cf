/**
 * One server for `bench/append.bench.ts`, in its own process so that it does not share an event
 * loop with the load generator.
 *
 *   node dist/bench/bench-server.js real <sqlite-file>   the real app (createApp) on a SQLite file
 *   node dist/bench/bench-server.js real <postgres://…>  the real app on that PostgreSQL database
 *   node dist/bench/bench-server.js noop                 the no-op baseline (bench/noop-app.ts)
 *
 * Listens on 127.0.0.1:0 and prints one line, `{"url":"http://127.0.0.1:PORT"}`, on stdout.
 * When forked with an IPC channel it answers `{ cmd: 'stats' }` with its CPU time and, for the
 * real app, how many group-commit transactions the store has committed; `{ cmd: 'close' }`
 * closes the app and exits 0 (so that `--cpu-prof` writes its profile).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.js';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port.js';
import { IncidentSearch } from '../src/search/incident-search.service.js';
import { createNoopApp } from './noop-app.js';

export interface ServerStats {
  mode: string;
  /** process.cpuUsage() of the server, user + system, microseconds. */
  cpuMicros: number;
  rssBytes: number;
  /** performance.eventLoopUtilization(): wall-clock ms the event loop was active / idle since start. */
  loopActiveMs: number;
  loopIdleMs: number;
  /** Group-commit transactions committed by the SQLite store (real mode only). */
  transactionsCommitted?: number;
  pragmas?: { journalMode: string; synchronous: number; busyTimeoutMs: number };
  /** PostgreSQL's synchronous_commit as the store's connections see it (PostgreSQL only). */
  synchronousCommit?: string;
  /** Wall-clock time spent inside the store's batch transactions (BEGIN … COMMIT incl. fsync), when measurable. */
  commitMicros?: number;
  /** Whether those transactions run on the store's writer thread rather than on the event loop. */
  writesOnThread?: boolean;
}

interface SqliteStoreIntrospection {
  transactionsCommitted: number;
  writesOnThread: boolean;
  pragmas(): { journalMode: string; synchronous: number; busyTimeoutMs: number };
}

function isSqliteStore(store: unknown): store is EventStore & SqliteStoreIntrospection {
  return typeof store === 'object' && store !== null && 'transactionsCommitted' in store && 'writesOnThread' in store && 'pragmas' in store;
}

function isPostgresStore(store: unknown): store is EventStore & { transactionsCommitted: number; synchronousCommit(): Promise<string> } {
  return typeof store === 'object' && store !== null && 'transactionsCommitted' in store && 'synchronousCommit' in store;
}

/** Time the SQLite store has spent inside its batch transactions (BEGIN … COMMIT, fsync included), on whichever thread commits. */
function commitTime(store: unknown): (() => number) | undefined {
  const target = store as { commitMicros?: unknown } | undefined;
  return typeof target?.commitMicros === 'number' ? () => (target as { commitMicros: number }).commitMicros : undefined;
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  let app: NestFastifyApplication;
  if (mode === 'real') {
    if (!file) throw new Error('usage: bench-server real <sqlite-file | postgres://…>');
    const eventStore = /^postgres(ql)?:\/\//.test(file) ? ({ kind: 'postgres', connectionString: file } as const) : ({ kind: 'sqlite', file } as const);
    app = await createApp({ eventStore, logger: false });
    // For measuring what the search index's own pass over the log costs appends: the bench alone
    // can stop it (no search is made here), so the same build runs with and without it.
    if (process.env.BENCH_WITHOUT_SEARCH_INDEX === '1') await app.get(IncidentSearch).onApplicationShutdown();
  } else if (mode === 'noop') {
    app = await createNoopApp();
  } else {
    throw new Error(`mode must be real or noop, got ${String(mode)}`);
  }
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected server address ${String(address)}`);
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);

  const store = mode === 'real' ? app.get<EventStore>(EVENT_STORE) : undefined;
  const commitMicros = commitTime(store);
  const synchronousCommit = isPostgresStore(store) ? await store.synchronousCommit() : undefined;
  const stats = (): ServerStats => {
    const cpu = process.cpuUsage();
    return {
      mode,
      cpuMicros: cpu.user + cpu.system,
      rssBytes: process.memoryUsage.rss(),
      loopActiveMs: performance.eventLoopUtilization().active,
      loopIdleMs: performance.eventLoopUtilization().idle,
      ...(commitMicros ? { commitMicros: commitMicros() } : {}),
      ...(isSqliteStore(store) ? { transactionsCommitted: store.transactionsCommitted, writesOnThread: store.writesOnThread, pragmas: store.pragmas() } : {}),
      ...(isPostgresStore(store) ? { transactionsCommitted: store.transactionsCommitted, synchronousCommit } : {}),
    };
  };

  process.on('message', (message: { cmd?: string }) => {
    if (message.cmd === 'stats') process.send?.({ stats: stats() });
    if (message.cmd === 'close') {
      void app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    }
  });
  // Parent gone (e.g. the bench was interrupted): do not linger.
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
