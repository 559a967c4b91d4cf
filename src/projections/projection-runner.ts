import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { RelationEvent } from '../domain/incident.js';
import { relationStateProjection } from '../domain/relation-state.projection.js';
import { EVENT_STORE, type EventStore, type StoredEvent, type Subscription } from '../event-store/event-store.port.js';
import { loadSnapshot, saveSnapshot } from './read-model-snapshot.js';
import { READ_MODEL_VERSION, RelationsReadModel } from './relations.read-model.js';

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

/** Page size when reading the log: bounded memory, few round trips. */
const PAGE = 5_000;
/**
 * Persist the read model this long after the first unsaved event (and at shutdown). Saving blocks
 * the event loop for about a second per million events, so it is rare: after a crash the restart
 * replays whatever came after the last snapshot.
 */
const SNAPSHOT_AFTER_MS = 5 * 60_000;

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
  private readonly logger = new Logger(ProjectionRunner.name);

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
    const replayed = await this.catchUp(this.model, restored ? this.checkpoint : null, () => undefined);
    if (replayed > 0) this.unsaved += replayed;
    this.follow();
    if (this.unsaved > 0) await this.persist();
    return { restored, replayed, ms: performance.now() - started };
  }

  /** Builds a fresh read model from the whole log and swaps it in; reads keep being served meanwhile. */
  async rebuild(onProgress: (progress: RebuildProgress) => void = () => undefined): Promise<{ events: number; ms: number; hash: string }> {
    const started = performance.now();
    await this.subscription?.close();
    this.subscription = undefined;
    const fresh = this.emptyModel();
    const previousCheckpoint = this.checkpoint;
    this.checkpoint = null;
    let events: number;
    try {
      events = await this.catchUp(fresh, null, onProgress);
    } catch (error) {
      this.checkpoint = previousCheckpoint;
      this.follow();
      throw error;
    }
    this.model = fresh;
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
    await this.subscription?.close();
    clearTimeout(this.snapshotTimer);
    if (this.unsaved > 0) await this.persist();
    this.updates$.complete();
  }

  private emptyModel(): RelationsReadModel {
    return new RelationsReadModel((a, b) => this.store.comparePositions(a, b));
  }

  /** Number of events restored from the snapshot (0 when there was none or it could not be used). */
  private async restore(): Promise<number> {
    if (!this.snapshotFile) return 0;
    const snapshot = loadSnapshot(this.snapshotFile);
    if (!snapshot) return 0;
    const fingerprint = await this.logFingerprint();
    if (snapshot.version !== READ_MODEL_VERSION || snapshot.logFingerprint !== fingerprint || !this.store.isPosition(snapshot.checkpoint)) {
      this.logger.log(
        snapshot.version !== READ_MODEL_VERSION
          ? `Read model code changed (v${snapshot.version} → v${READ_MODEL_VERSION}): rebuilding from the log`
          : 'Persisted read model belongs to another log: rebuilding from the log',
      );
      return 0;
    }
    for (const event of snapshot.events) this.model.apply(event);
    this.checkpoint = snapshot.checkpoint;
    this.lastSnapshot = { checkpoint: snapshot.checkpoint, savedAt: snapshot.savedAt };
    return snapshot.events.length;
  }

  private async catchUp(model: RelationsReadModel, after: string | null, onProgress: (p: RebuildProgress) => void): Promise<number> {
    let events = 0;
    for (let page = await this.store.readAll(after, PAGE); ; page = await this.store.readAll(page.next, PAGE)) {
      for (const event of page.events) this.applyTo(model, event);
      events += page.events.length;
      onProgress({ events });
      if (page.next === null) return events;
    }
  }

  private follow(): void {
    this.subscription = this.store.subscribeToAll({
      after: this.checkpoint,
      onEvent: (event) => {
        this.applyTo(this.model, event);
        this.unsaved++;
        this.scheduleSnapshot();
      },
      onError: (error) => this.logger.error(`log subscription stopped: ${String(error)}`),
    });
  }

  private applyTo(model: RelationsReadModel, event: StoredEvent): void {
    // Catch-up pages and the live subscription can overlap by an event or two.
    if (this.checkpoint !== null && this.store.comparePositions(event.position, this.checkpoint) <= 0) return;
    const applied = model.apply(event);
    this.checkpoint = event.position;
    if (applied && model === this.model) this.updates$.next({ ...applied, position: event.position, eventId: event.eventId });
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
    const checkpoint = this.checkpoint;
    if (!this.snapshotFile || checkpoint === null) return;
    const events = [...this.model.entries()];
    const savedAt = new Date().toISOString();
    const logFingerprint = await this.logFingerprint();
    if (!logFingerprint) return;
    try {
      saveSnapshot(this.snapshotFile, { version: READ_MODEL_VERSION, logFingerprint, checkpoint, savedAt, events });
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
