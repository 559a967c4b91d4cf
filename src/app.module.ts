import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, systemClock, type Clock } from './clock.js';
import { EventsController } from './events/events.controller.js';
import { openEventStore, type EventStoreConfig } from './event-store/event-store.config.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port.js';
import { HealthController } from './health/health.controller.js';
import { READINESS_BOUNDS, ReadinessCheck, type ReadinessBounds } from './health/readiness.js';
import { HttpCommandRunner } from './incidents/http-command-runner.js';
import { IncidentBatch } from './incidents/incident-batch.js';
import { IncidentCommands } from './incidents/incident-commands.js';
import { ExtractionsController } from './extraction/extractions.controller.js';
import { EventImporter } from './import/event-importer.js';
import { ImportJobs } from './import/import-jobs.js';
import { IMPORT_UPLOADS_OPTIONS, type ImportUploadsOptions } from './import/import-uploads.options.js';
import { RelationCommandHandler } from './incidents/relation-command-handler.js';
import { UuidV7Generator } from './incidents/uuid-v7.js';
import { SecurityModule, type SecurityOptions } from './http/security.module.js';
import { IncidentsController } from './incidents/incidents.controller.js';
import { ProjectionRunner, READ_MODEL_FILE, RESUBSCRIBE_BACKOFF } from './projections/projection-runner.js';
import { RANKING_AHEAD_OPTIONS, RankingAhead, type RankingAheadOptions } from './projections/ranking-ahead.js';
import type { BackoffOptions } from './projections/retry-backoff.js';
import { AdminController } from './admin/admin.controller.js';
import { AdminImportsController } from './admin/admin-imports.controller.js';
import { IncidentQueriesController } from './relations/incident-queries.controller.js';
import { OverviewController } from './relations/overview.controller.js';
import { RelationsController } from './relations/relations.controller.js';
import { writeSidePorts } from './write-side.providers.js';
import { CatalogController } from './dashboard/catalog.controller.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { EventStreamController, LIVE_STREAM_OPTIONS } from './live/event-stream.controller.js';
import type { LiveStreamOptions } from './live/live-stream.options.js';
import { LiveFeed } from './live/live-feed.service.js';
import { IncidentSearch } from './search/incident-search.service.js';
import { MethodologyController } from './methodology/methodology.controller.js';
import { WATCH_CONTROLLERS, watchProviders } from './watches/watches.providers.js';
import type { WatchesOptions } from './watches/watches.options.js';

/** `auth` (SecurityOptions) defaults to loopback-only writes. */
export interface AppOptions extends SecurityOptions {
  eventStore: EventStoreConfig;
  clock?: Clock;
  /** Where the read model is persisted between runs; omitted = rebuilt from the log at every start. */
  readModelFile?: string;
  /** How far the read model may trail the log and GET /health/ready still answer 200; defaults 1000 events, 30 s. */
  readiness?: ReadinessBounds;
  /** Delays between attempts to resubscribe to the log; default 100 ms doubling to 30 s. */
  resubscribeBackoff?: BackoffOptions;
  /** GET /events/stream tuning (heartbeat, slow clients, stream limits); defaults suit production. */
  liveStream?: LiveStreamOptions;
  /** POST /admin/imports: upload size limit, upload directory, jobs remembered. */
  importUploads?: ImportUploadsOptions;
  /** Watches and webhooks: where webhooks may go, evaluation period, retries; defaults suit production. */
  watches?: WatchesOptions;
  /** When the ranking of every pair for "now" is redone ahead of the pages that slice it (ranking-ahead.ts); false: only in a request. */
  rankingAhead?: RankingAheadOptions;
}

/** Closes the store last, once the projection runner has let go of its subscription. */
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The composition root: the configured event store adapter, the clock, and the HTTP slices. */
@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [SecurityModule.forRoot(options)],
      controllers: [IncidentsController, ExtractionsController, IncidentQueriesController, OverviewController, RelationsController, EventsController, EventStreamController, CatalogController, MethodologyController, HealthController, AdminController, AdminImportsController, DashboardController, ...WATCH_CONTROLLERS],
      providers: [
        { provide: EVENT_STORE, useFactory: () => openEventStore(options.eventStore) },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        ...(options.readModelFile ? [{ provide: READ_MODEL_FILE, useValue: options.readModelFile }] : []),
        ...(options.readiness ? [{ provide: READINESS_BOUNDS, useValue: options.readiness }] : []),
        ...(options.resubscribeBackoff ? [{ provide: RESUBSCRIBE_BACKOFF, useValue: options.resubscribeBackoff }] : []),
        ProjectionRunner,
        ...(options.rankingAhead !== undefined ? [{ provide: RANKING_AHEAD_OPTIONS, useValue: options.rankingAhead }] : []),
        RankingAhead,
        ReadinessCheck,
        ...writeSidePorts,
        // One generator for incident and event ids, so the ids this process makes stay in order.
        { provide: UuidV7Generator, useFactory: () => new UuidV7Generator() },
        RelationCommandHandler,
        IncidentCommands,
        HttpCommandRunner,
        IncidentBatch,
        EventImporter,
        ImportJobs,
        { provide: IMPORT_UPLOADS_OPTIONS, useValue: options.importUploads ?? {} },
        LiveFeed,
        IncidentSearch,
        { provide: LIVE_STREAM_OPTIONS, useValue: options.liveStream ?? {} },
        ...watchProviders(options.watches),
        EventStoreCloser,
      ],
    };
  }
}
