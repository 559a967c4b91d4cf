import { resolve } from 'node:path';
import type { AppOptions } from './app.module.js';
import { eventStoreConfigFromEnv } from './event-store/event-store.config.js';

/** Application options from the environment (see README, "Configuration"). */
export function appOptionsFromEnv(env: NodeJS.ProcessEnv): AppOptions {
  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  return {
    eventStore: eventStoreConfigFromEnv(env),
    readModelFile: env.READ_MODEL_SNAPSHOTS === 'off' ? undefined : resolve(dataDir, 'read-model.snapshot'),
  };
}
