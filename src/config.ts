import { resolve } from 'node:path';
import type { CreateAppOptions } from './app.js';
import { authConfigFromEnv } from './auth/auth.config.js';
import { eventStoreConfigFromEnv } from './event-store/event-store.config.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, parseCorsOrigins } from './http/http-hardening.js';
import { DEFAULT_LIVE_STREAM_LIMITS } from './live/live-stream.options.js';

/** Writes per minute and client address unless RATE_LIMIT_PER_MINUTE says otherwise. */
export const DEFAULT_WRITES_PER_MINUTE = 600;
/** Reads per minute and client address unless READ_RATE_LIMIT_PER_MINUTE says otherwise. */
export const DEFAULT_READS_PER_MINUTE = 6_000;

/** Application options from the environment (see README, "Configuration", and docs/guarantees.md). */
export function appOptionsFromEnv(env: NodeJS.ProcessEnv): CreateAppOptions {
  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  return {
    eventStore: eventStoreConfigFromEnv(env),
    readModelFile: env.READ_MODEL_SNAPSHOTS === 'off' ? undefined : resolve(dataDir, 'read-model.snapshot'),
    auth: authConfigFromEnv(env),
    rateLimit: {
      writesPerMinute: positiveInteger(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_WRITES_PER_MINUTE),
      readsPerMinute: positiveInteger(env, 'READ_RATE_LIMIT_PER_MINUTE', DEFAULT_READS_PER_MINUTE),
    },
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
    requestTimeoutMs: positiveInteger(env, 'REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS),
    liveStream: {
      drainTimeoutMs: positiveInteger(env, 'LIVE_STREAM_DRAIN_TIMEOUT_MS', DEFAULT_LIVE_STREAM_LIMITS.drainTimeoutMs),
      perClient: positiveInteger(env, 'LIVE_STREAMS_PER_CLIENT', DEFAULT_LIVE_STREAM_LIMITS.perClient),
      total: positiveInteger(env, 'LIVE_STREAMS_TOTAL', DEFAULT_LIVE_STREAM_LIMITS.total),
    },
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new Error(`${name} must be a positive whole number, got '${value}'`);
  return Number(value);
}
