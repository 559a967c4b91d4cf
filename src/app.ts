import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { AppModule, type AppOptions } from './app.module.js';
import { applyHttpHardening, boundedJsonParser, timeoutServerOptions, type HttpHardeningOptions } from './http/http-hardening.js';
import { registerCompression } from './http/compression.js';
import { registerMemoryLog } from './logging/memory-log.js';
import { registerRawUploadParser } from './http/raw-upload.js';
import { answerFrameworkError, ProblemDetailsFilter } from './http/problem-details.filter.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { IncidentSearch } from './search/incident-search.service.js';
import { setupOpenApi } from './docs/openapi.js';
import { registerRelationFastPaths } from './relations/relation-view-fast-path.js';
import { LOOPBACK_ONLY } from './auth/auth.config.js';

/** Largest request body accepted (413 beyond). */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface CreateAppOptions extends AppOptions, HttpHardeningOptions {
  /** Nest's log levels, none (false), or a logger of the caller's (tests capture the output). */
  logger?: false | LogLevel[] | LoggerService;
  /** Logs process.memoryUsage() after every response (MEMORY_LOG=1; memory-log.ts). */
  memoryLog?: (line: string) => void;
  /**
   * false: the search index does not read and follow the log. For processes that answer no
   * searches (`npm run import`): it read back and indexed every imported event, about a sixth of
   * an import's time (docs/importing.md). Default true.
   */
  searchIndex?: boolean;
  /**
   * false: the read model starts empty and paused (ProjectionRunner.startPaused), neither
   * restored nor caught up with the log. For processes that only append (`npm run import`): a
   * re-import into a store of 557,692 events held ≈ 180 MB of model it never read, which its heap
   * doubled (docs/importing.md). Default true.
   */
  readModel?: boolean;
  /** Addresses or CIDR blocks of trusted reverse proxies (TRUST_PROXY; needs API keys). */
  trustProxy?: string[];
  /** Serve GET /relations/{a}/{b} without Nest's pipeline (relation-view-fast-path.ts); on by default, off only to compare the two. */
  relationViewFastPath?: boolean;
}

/**
 * Builds the Nest application on Fastify with the read model rebuilt from the log, ready to
 * listen. Shared by `main.ts`, the seed CLI and the tests, so all of them run the same app.
 */
export async function createApp(options: CreateAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    ...timeoutServerOptions(options.requestTimeoutMs),
    frameworkErrors: answerFrameworkError,
    ...(options.trustProxy?.length ? { trustProxy: options.trustProxy } : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    logger: options.logger ?? ['error', 'warn', 'log'],
    abortOnError: false,
  });
  const securityHeaders = await applyHttpHardening(app, options);
  await registerCompression(app);
  // Before app.init(), which registers the routes this attaches to.
  if (options.relationViewFastPath !== false) registerRelationFastPaths(app, securityHeaders, options.auth ?? LOOPBACK_ONLY, options.corsOrigins);
  const fastify = app.getHttpAdapter().getInstance();
  if (options.memoryLog) registerMemoryLog(fastify, options.memoryLog);
  // Only JSON bodies are accepted (request-gate.ts answers 415 before any parser runs), and raw files on the upload route alone.
  fastify.removeContentTypeParser(['text/plain']);
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, boundedJsonParser(fastify));
  // POST /admin/imports streams its file to disk itself (raw-upload.ts), under its own limit.
  registerRawUploadParser(fastify);
  app.useGlobalPipes(createValidationPipe());
  // Also catches Fastify's own errors (malformed JSON, 413, 415): Nest routes them through its filters.
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  if (options.readModel === false) app.get(ProjectionRunner).startPaused();
  else await app.get(ProjectionRunner).start();
  if (options.searchIndex !== false) app.get(IncidentSearch).start();
  setupOpenApi(app);
  await app.init();
  return app;
}
