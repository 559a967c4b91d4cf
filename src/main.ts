import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { checkExposure, LOOPBACK_ONLY } from './auth/auth.config.js';
import { appOptionsFromEnv } from './config.js';
import { redactCredentials } from './event-store/event-store.config.js';
import { loadSeeds } from './seeding/seed-loader.js';

const logger = new Logger('Demarche');

async function main(): Promise<void> {
  const options = appOptionsFromEnv(process.env);
  const { eventStore } = options;
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  // Before anything is opened: without keys, binding beyond loopback is refused (exit 1).
  const access = checkExposure(host, options.auth ?? LOOPBACK_ONLY);
  const app = await createApp(options);
  if (process.argv.includes('--seed')) {
    const seeded = await loadSeeds(app);
    logger.log(`Seeds: ${seeded.recorded} incidents recorded, ${seeded.alreadyPresent} already present`);
  }
  await app.listen(port, host);
  const where =
    eventStore.kind === 'sqlite'
      ? `SQLite file ${eventStore.file}`
      : `${eventStore.kind === 'postgres' ? 'PostgreSQL' : 'EventStoreDB'} ${redactCredentials(eventStore.connectionString)}`;
  logger.log(`Demarche listening on http://${host}:${port} — events in ${where}`);
  logger.log(access);
}

main().catch((error: unknown) => {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
