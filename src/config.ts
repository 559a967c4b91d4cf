import { resolve } from 'node:path';
import type { CreateAppOptions } from './app.js';
import { authConfigFromEnv } from './auth/auth.config.js';
import { eventStoreConfigFromEnv } from './event-store/event-store.config.js';
import { DEFAULT_READINESS_BOUNDS } from './health/readiness.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, parseCorsOrigins } from './http/http-hardening.js';
import { parseTrustProxy } from './http/trust-proxy.js';
import { DEFAULT_UPLOAD_LIMIT_BYTES } from './import/import-uploads.options.js';
import { DEFAULT_LIVE_STREAM_LIMITS } from './live/live-stream.options.js';

/** Writes per minute and client address unless RATE_LIMIT_PER_MINUTE says otherwise. */
export const DEFAULT_WRITES_PER_MINUTE = 600;
/** Reads per minute and client address unless READ_RATE_LIMIT_PER_MINUTE says otherwise. */
export const DEFAULT_READS_PER_MINUTE = 6_000;

/** Application options from the environment (see README, "Configuration", and docs/guarantees.md). */
export function appOptionsFromEnv(env: NodeJS.ProcessEnv): CreateAppOptions {
  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  const auth = authConfigFromEnv(env);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  if (trustProxy.length > 0 && auth.keys.length === 0) {
    // Without keys, writes are allowed only to requests no proxy relayed; behind a proxy that is none.
    throw new Error('TRUST_PROXY needs API_KEYS: without keys this server accepts writes only from this machine, never through a proxy (see docs/guarantees.md)');
  }
  return {
    eventStore: eventStoreConfigFromEnv(env),
    readModelFile: env.READ_MODEL_SNAPSHOTS === 'off' ? undefined : resolve(dataDir, 'read-model.snapshot'),
    auth,
    trustProxy,
    rateLimit: {
      writesPerMinute: positiveInteger(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_WRITES_PER_MINUTE),
      readsPerMinute: positiveInteger(env, 'READ_RATE_LIMIT_PER_MINUTE', DEFAULT_READS_PER_MINUTE),
    },
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
    requestTimeoutMs: positiveInteger(env, 'REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS),
    readiness: {
      maxLagEvents: positiveInteger(env, 'READINESS_MAX_LAG_EVENTS', DEFAULT_READINESS_BOUNDS.maxLagEvents),
      maxLagSeconds: positiveInteger(env, 'READINESS_MAX_LAG_SECONDS', DEFAULT_READINESS_BOUNDS.maxLagSeconds),
    },
    watches: {
      webhookPolicy: { allowLoopback: flag(env, 'WEBHOOK_ALLOW_LOOPBACK'), allowPrivateNetworks: flag(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS') },
    },
    importUploads: { limitBytes: positiveInteger(env, 'IMPORT_UPLOAD_LIMIT_MB', DEFAULT_UPLOAD_LIMIT_BYTES / 1024 / 1024) * 1024 * 1024 },
    liveStream: {
      drainTimeoutMs: positiveInteger(env, 'LIVE_STREAM_DRAIN_TIMEOUT_MS', DEFAULT_LIVE_STREAM_LIMITS.drainTimeoutMs),
      perClient: positiveInteger(env, 'LIVE_STREAMS_PER_CLIENT', DEFAULT_LIVE_STREAM_LIMITS.perClient),
      total: positiveInteger(env, 'LIVE_STREAMS_TOTAL', DEFAULT_LIVE_STREAM_LIMITS.total),
    },
  };
}

/** Where to listen: `PORT` (default 3000; 0 = any free port) and `HOST` (default 127.0.0.1). */
export function listenAddressFromEnv(env: NodeJS.ProcessEnv): { port: number; host: string } {
  const port = env.PORT?.trim() || '3000';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) throw new Error(`PORT must be a whole number from 0 to 65535, got '${port}'`);
  return { port: Number(port), host: env.HOST?.trim() || '127.0.0.1' };
}

/** A true/false setting, false when unset. */
function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`${name} must be true or false, got '${env[name]}'`);
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return fallback;
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new Error(`${name} must be a positive whole number, got '${value}'`);
  return Number(value);
}
