import { createApp } from '../app.js';
import { appOptionsFromEnv } from '../config.js';
import { loadSeeds } from '../seeding/seed-loader.js';

/** `npm run seed`: records the seed incidents in the configured store (idempotent). */
const app = await createApp({ ...appOptionsFromEnv(process.env), logger: ['error', 'warn'] });
try {
  const outcome = await loadSeeds(app);
  console.log(`Seed incidents: ${outcome.recorded} recorded, ${outcome.alreadyPresent} already present`);
} finally {
  await app.close();
}
