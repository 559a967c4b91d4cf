import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { RelationEvent } from '../domain/incident.js';
import { relationStateProjection } from '../domain/relation-state.projection.js';
import { EVENT_STORE, type EventStore, type StoredEvent, type Subscription } from '../event-store/event-store.port.js';
import { openSnapshot, saveSnapshot } from './read-model-snapshot.js';
import { READ_MODEL_VERSION, RelationsReadModel, type ReadModelParts } from './relations.read-model.js';

export interface ReadModelUpdate {
  pairKey: string;
  event: RelationEvent;
  eventId: string;
  position: string;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  checkpoint: string | null;
  hash: string;
  events: number;
  incidents: number;
  pairs: number;
  lastSnapshot: { checkpoint: string; savedAt: string } | null;
}

export interface RebuildProgress {
  events: number;
}

/** Where the read model is persisted between runs; absent = rebuild from the log at every start. */
export const READ_MODEL_FILE = Symbol('ReadModelFile');

/**
 * Page size when reading the log. Small enough that a page's parsed events die young (cheap to
 * collect, never promoted into the old generation): 1,000 rebuilt 1M events in 8.3 s at 241 MB
 * peak RSS where 5,000 took 12.5 s at 358 MB.
 */
export const LOG_PAGE_SIZE = 1_000;
/**
 * Persist the read model this long after the first unsaved event (and at shutdown). Saving blocks
 * the event loop for about 0.2–0.4 s per million incidents (copying and writing ~60 MB of
 * columns), so once a minute costs under 1% of the time, and after a crash the restart replays
 * at most a minute of events.
 */
const SNAPSHOT_AFTER_MS = 60_000;
/** Backoff between attempts to follow the log again after the subscription stopped. */
const FOLLOW_AGAIN_MIN_MS = 100;
const FOLLOW_AGAIN_MAX_MS = 5_000;

/**
 * Keeps the read model following the store's global log: restores the persisted copy, catches up
 * from its checkpoint before the app serves, then follows a catch-up subscription, so incidents
 * appended by any process sharing the store show up. Owns rebuilds and snapshots.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationShutdown {
  readonly updates$ = new Subject<ReadModelUpdate>();
  private model: RelationsReadModel;
  private checkpoint: string | null = null;
  private subscription?: Subscription;
  private waiters: { position: string; resolve: () => void }[] = [];
  private unsaved = 0;
  private snapshotTimer?: NodeJS.Timeout;
  private lastSnapshot: ProjectionStatus['lastSnapshot'] = null;
  private fingerprint?: string;
  private rebuilding?: Promise<{ events: number; ms: number; hash: string }>;
  private readonly logger = new Logger(ProjectionRunner.name);
  private followAgainMs = FOLLOW_AGAIN_MIN_MS;
  private followAgainTimer?: NodeJS.Timeout;
  private shuttingDown = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(READ_MODEL_FILE) private readonly snapshotFile?: string,
  ) {
    this.model = this.emptyModel();
  }

  get readModel(): RelationsReadModel {
    return this.model;
  }

  /** Position of the last event applied, or null before the first. */
  get position(): string | null {
    return this.checkpoint;
  }

  /** Restores the persisted read model when it is still valid, catches up with the log, then follows it. */
  async start(): Promise<{ restored: number; replayed: number; ms: number }> {
    const started = performance.now();
    const restored = await this.restore();
    const caughtUp = await this.catchUp(this.model, this.checkpoint);
    const replayed = caughtUp.events;
    this.checkpoint = caughtUp.position;
    if (replayed > 0) this.unsaved += replayed;
    this.follow();
    if (this.unsaved > 0) await this.persist();
    const ms = performance.now() - started;
    this.logger.log(
      `Read model ready: ${restored} events restored from the snapshot, ${replayed} replayed from the log ` +
        `(checkpoint ${this.checkpoint ?? 'none'}, ${Math.round(ms)} ms)`,
    );
    return { restored, replayed, ms };
  }

  /**
   * Builds a fresh read model from the whole log beside the live one, which keeps following the
   * log and serving reads (the build lets other work run between pages), then swaps it in.
   * A rebuild asked for while one runs joins it.
   */
  rebuild(onProgress: (progress: RebuildProgress) => void = () => undefined): Promise<{ events: number; ms: number; hash: string }> {
    this.rebuilding ??= this.rebuildBeside(onProgress).finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }

  private async rebuildBeside(onProgress: (progress: RebuildProgress) => void): Promise<{ events: number; ms: number; hash: string }> {
    const started = performance.now();
    const fresh = this.emptyModel();
    // While the live model follows the log, build up to wherever it has got to (it moves on meanwhile).
    const upToLive = this.subscription ? () => this.checkpoint : undefined;
    const built = await this.catchUp(fresh, null, { onProgress, until: upToLive, yieldBetweenPages: true });
    // Stop the live model, bring the fresh one to the very same event, swap, and follow on from
    // there: every event is announced once, by the model that was live when it was applied.
    await this.subscription?.close();
    this.subscription = undefined;
    let rest: { events: number; position: string | null };
    try {
      rest = await this.catchUp(fresh, built.position, { until: upToLive });
    } catch (error) {
      this.follow();
      throw error;
    }
    const events = built.events + rest.events;
    onProgress({ events });
    this.model = fresh;
    this.checkpoint = rest.position;
    this.follow();
    await this.persist();
    return { events, ms: performance.now() - started, hash: fresh.hash() };
  }

  status(): ProjectionStatus {
    return {
      name: relationStateProjection.name,
      version: READ_MODEL_VERSION,
      checkpoint: this.checkpoint,
      hash: this.model.hash(),
      events: this.model.eventCount,
      incidents: this.model.incidentCount,
      pairs: this.model.pairCount,
      lastSnapshot: this.lastSnapshot,
    };
  }

  /** Resolves true once the read model has applied `position`, false after `timeoutMs`. */
  waitFor(position: string, timeoutMs: number): Promise<boolean> {
    if (this.reached(position)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearTimeout(this.followAgainTimer);
    await this.subscription?.close();
    clearTimeout(this.snapshotTimer);
    if (this.unsaved > 0) await this.persist();
    this.updates$.complete();
  }

  /** A new read model: empty, or restored from its persisted parts. */
  private emptyModel(parts?: ReadModelParts): RelationsReadModel {
    return new RelationsReadModel(
      (a, b) => this.store.comparePositions(a, b),
      (streamId, revision, count) => this.store.readStream(streamId, revision, count),
      parts,
    );
  }

  /** Number of events restored from the snapshot (0 when there was none or it could not be used). */
  private async restore(): Promise<number> {
    if (!this.snapshotFile) return 0;
    const snapshot = openSnapshot(this.snapshotFile);
    if (!snapshot) return 0;
    const { header } = snapshot;
    const fingerprint = await this.logFingerprint();
    if (header.version !== READ_MODEL_VERSION || header.logFingerprint !== fingerprint || !this.store.isPosition(header.checkpoint)) {
      this.logger.log(
        header.version !== READ_MODEL_VERSION
          ? `Read model code changed (v${header.version} → v${READ_MODEL_VERSION}): rebuilding from the log`
          : 'Persisted read model belongs to another log: rebuilding from the log',
      );
      return 0;
    }
    let restored = 0;
    try {
      const parts = Object.fromEntries(snapshot.parts() as [string, unknown][]) as unknown as ReadModelParts;
      this.model = this.emptyModel(parts);
      restored = this.model.eventCount;
    } catch (error) {
      this.logger.warn(`Persisted read model is damaged (${String(error)}): rebuilding from the log`);
      this.model = this.emptyModel();
      return 0;
    }
    this.checkpoint = header.checkpoint;
    this.lastSnapshot = { checkpoint: header.checkpoint, savedAt: header.savedAt };
    return restored;
  }

  /**
   * Applies the log after `after` to `model`, page by page, up to the end of the log or up to
   * `until()` (asked before each page). Pages follow each other strictly, so no event is applied
   * twice. Returns how many events were applied and the position of the last.
   */
  private async catchUp(
    model: RelationsReadModel,
    after: string | null,
    options: { onProgress?: (p: RebuildProgress) => void; until?: () => string | null; yieldBetweenPages?: boolean } = {},
  ): Promise<{ events: number; position: string | null }> {
    let events = 0;
    let position = after;
    for (let page = await this.store.readAll(after, LOG_PAGE_SIZE); ; page = await this.store.readAll(page.next, LOG_PAGE_SIZE)) {
      const until = options.until ? options.until() : undefined;
      const beyond = (event: StoredEvent) => until !== undefined && (until === null || this.store.comparePositions(event.position, until) > 0);
      // Only the page that reaches `until` needs checking event by event.
      const last = page.events.at(-1);
      const bounded = last !== undefined && beyond(last);
      for (const event of page.events) {
        if (bounded && beyond(event)) return { events, position };
        model.apply(event);
        position = event.position;
        events++;
      }
      options.onProgress?.({ events });
      if (page.next === null || bounded) return { events, position };
      if (options.yieldBetweenPages) await nextTurn();
    }
  }

  private follow(): void {
    clearTimeout(this.followAgainTimer);
    const subscription = this.store.subscribeToAll({
      after: this.checkpoint,
      onEvent: (event) => {
        this.followAgainMs = FOLLOW_AGAIN_MIN_MS;
        // A subscription may hand over an event or two that was already applied.
        if (this.checkpoint !== null && this.store.comparePositions(event.position, this.checkpoint) <= 0) return;
        this.applyLive(event);
        this.unsaved++;
        this.scheduleSnapshot();
      },
      // The store stops a subscription when its connection is lost (a database restart): follow
      // again from the checkpoint, backing off while the store stays unreachable.
      onError: (error) => {
        if (this.subscription !== subscription || this.shuttingDown) return;
        this.subscription = undefined;
        this.logger.error(`log subscription stopped: ${String(error)}; following again in ${this.followAgainMs} ms`);
        this.followAgainTimer = setTimeout(() => this.follow(), this.followAgainMs);
        this.followAgainMs = Math.min(this.followAgainMs * 2, FOLLOW_AGAIN_MAX_MS);
      },
    });
    this.subscription = subscription;
  }

  private applyLive(event: StoredEvent): void {
    const pairKey = this.model.apply(event);
    this.checkpoint = event.position;
    if (pairKey !== null) {
      const relationEvent = { type: event.type, data: event.data } as unknown as RelationEvent;
      this.updates$.next({ pairKey, event: relationEvent, position: event.position, eventId: event.eventId });
    }
    if (this.waiters.length > 0) {
      const done = this.waiters.filter((w) => this.reached(w.position));
      if (done.length > 0) {
        this.waiters = this.waiters.filter((w) => !done.includes(w));
        for (const waiter of done) waiter.resolve();
      }
    }
  }

  private scheduleSnapshot(): void {
    if (!this.snapshotFile) return;
    if (!this.snapshotTimer) {
      this.snapshotTimer = setTimeout(() => void this.persist(), SNAPSHOT_AFTER_MS);
      this.snapshotTimer.unref();
    }
  }

  private async persist(): Promise<void> {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    if (!this.snapshotFile || this.checkpoint === null) return;
    const logFingerprint = await this.logFingerprint();
    // From here on synchronous, so the events written are exactly those up to the checkpoint.
    const checkpoint = this.checkpoint;
    if (!logFingerprint || checkpoint === null) return;
    const savedAt = new Date().toISOString();
    try {
      saveSnapshot(this.snapshotFile, { version: READ_MODEL_VERSION, logFingerprint, checkpoint, savedAt, parts: Object.entries(this.model.toParts()) });
      this.lastSnapshot = { checkpoint, savedAt };
      this.unsaved = 0;
    } catch (error) {
      this.logger.warn(`could not persist the read model: ${String(error)}`);
    }
  }

  /** The log's first event id; it never changes once the log has one, so it is asked for once. */
  private async logFingerprint(): Promise<string | undefined> {
    this.fingerprint ??= (await this.store.readAll(null, 1)).events[0]?.eventId;
    return this.fingerprint;
  }

  private reached(position: string): boolean {
    return this.checkpoint !== null && this.store.comparePositions(this.checkpoint, position) >= 0;
  }
}
