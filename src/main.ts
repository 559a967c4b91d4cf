import { basename, dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import { createApp, type CreateAppOptions } from './app.js';
import { checkExposure, LOOPBACK_ONLY } from './auth/auth.config.js';
import { appOptionsFromEnv, listenAddressFromEnv } from './config.js';
import { redactCredentials } from './event-store/event-store.config.js';
import { memoryLine } from './logging/memory-log.js';
import { loadSeeds } from './seeding/seed-loader.js';
import { collectAtRest, collectAtRestFromEnv, type Collected } from './startup/collect-at-rest.js';
import { limitHeapGrowth } from './startup/heap-growth.js';
import { stopPretenuring } from './startup/pretenuring.js';
import { listenFailure } from './startup/startup-error.js';
import { ensureWritableDirectory } from './startup/writable-directory.js';

const logger = new Logger('Demarche');

async function main(): Promise<void> {
  stopPretenuring();
  limitHeapGrowth(process.env.HEAP_GROWING_PERCENT);
  const atRest = collectAtRestFromEnv(process.env.COLLECT_AT_REST);
  const options = appOptionsFromEnv(process.env);
  const { eventStore } = options;
  const { port, host } = listenAddressFromEnv(process.env);
  // Before anything is opened: without keys, binding beyond loopback is refused (exit 1).
  const access = checkExposure(host, options.auth ?? LOOPBACK_ONLY);
  checkDataDir(options);
  const memoryLog = process.env.MEMORY_LOG === '1' ? (line: string) => logger.log(line) : undefined;
  const app = await createApp({ ...options, memoryLog });
  memoryLog?.(memoryLine('after start-up'));
  if (process.argv.includes('--seed')) {
    const seeded = await loadSeeds(app);
    logger.log(`Seeds: ${seeded.recorded} incidents recorded, ${seeded.alreadyPresent} already present`);
  }
  // Fastify's own listen: Nest's would log the raw error a second time before ours.
  await app
    .getHttpAdapter()
    .getInstance()
    .listen({ port, host })
    .catch((error: unknown) => {
      throw listenFailure(error, port, host);
    });
  const where =
    eventStore.kind === 'sqlite'
      ? `SQLite file ${eventStore.file}`
      : `${eventStore.kind === 'postgres' ? 'PostgreSQL' : 'EventStoreDB'} ${redactCredentials(eventStore.connectionString)}`;
  logger.log(`Demarche listening on http://${host}:${port} — events in ${where}`);
  logger.log(access);
  if (atRest) collectAtRest(atRest, (collected) => logger.log(collectedLine(collected)));
}

function collectedLine({ ms, heapBeforeBytes, heapAfterBytes, rssBeforeBytes, rssAfterBytes }: Collected): string {
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  return `Collected garbage at rest in ${Math.round(ms)} ms: heap ${mb(heapBeforeBytes)} → ${mb(heapAfterBytes)} MB, RSS ${mb(rssBeforeBytes)} → ${mb(rssAfterBytes)} MB`;
}

/** DATA_DIR holds the SQLite log and the read-model snapshot; either needs it writable. */
function checkDataDir({ eventStore, readModelFile }: CreateAppOptions): void {
  const files = [eventStore.kind === 'sqlite' ? eventStore.file : undefined, readModelFile].filter((file) => file !== undefined);
  if (files.length === 0) return;
  ensureWritableDirectory('DATA_DIR', dirname(files[0]), files.map((file) => basename(file)));
}

// Whatever stops the start is told in one line, without a stack: every start-up check says which setting and why.
main().catch((error: unknown) => {
  logger.error((error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' '));
  process.exit(1);
});
