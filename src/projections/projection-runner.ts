import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { RelationEvent } from '../domain/incident.js';
import { fieldReaderOf } from '../event-store/event-fields.js';
import { EVENT_STORE, type EventStore, type StoredEvent, type Subscription } from '../event-store/event-store.port.js';
import type { IncidentLookup } from './incident-directory.js';
import type { ReadModelParts } from './incident-rows.js';
import type { LogAddress } from './log-address.js';
import { catchUp, type CatchUpOptions, type RebuildProgress } from './log-catch-up.js';
import { PositionWaiters } from './position-waiters.js';
import { READ_MODEL_NAME, READ_MODEL_VERSION } from './relations.projection.js';
import { RelationsReadModel } from './relations.read-model.js';
import { DEFAULT_RESUBSCRIBE_BACKOFF, type BackoffOptions } from './retry-backoff.js';
import { SnapshotKeeper } from './snapshot-keeper.js';
import { SubscriptionOutages, type FollowState } from './subscription-outages.js';

export { LOG_PAGE_SIZE, type RebuildProgress } from './log-catch-up.js';

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

/** Where the read model is persisted between runs; absent = rebuild from the log at every start. */
export const READ_MODEL_FILE = Symbol('ReadModelFile');
/** BackoffOptions for resubscribing after the log subscription stopped; absent = DEFAULT_RESUBSCRIBE_BACKOFF. */
export const RESUBSCRIBE_BACKOFF = Symbol('ResubscribeBackoff');

/**
 * A subscription opened during an outage ends it once it delivers an event, or once it has
 * stayed up this long: a store that is still away fails a new subscription within moments, and
 * counting it back at once would log an outage and a recovery per attempt.
 */
const RESUBSCRIBED_CONFIRM_MS = 1_000;

/**
 * Keeps the read model following the store's global log: restores the persisted copy, catches up
 * from its checkpoint before the app serves, then follows a catch-up subscription, so incidents
 * appended by any process sharing the store show up. When the subscription stops (the store went
 * away, a read failed, the stream ended), it subscribes again from its checkpoint, with capped
 * exponential backoff, for as long as the process lives. Owns rebuilds and snapshots.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationShutdown {
  readonly updates$ = new Subject<ReadModelUpdate>();
  /** Called with every event applied live (see `onLiveEvent`). */
  private readonly liveListeners = new Set<(event: StoredEvent) => void>();
  private model: RelationsReadModel;
  private checkpoint: string | null = null;
  /** The event at the checkpoint: what a snapshot records to be recognised by this log only. */
  private lastApplied: LogAddress | null = null;
  private subscription?: Subscription;
  /** Set once start() has caught up: from then on the model follows the log (or tries to). */
  private started = false;
  private stopping = false;
  private readonly outages: SubscriptionOutages;
  private resumeTimer?: NodeJS.Timeout;
  /** The subscription opened during an outage, until it shows that it works. */
  private unconfirmed?: Subscription;
  private confirmTimer?: NodeJS.Timeout;
  /** Set while a rebuild swaps its model in: no resubscription meanwhile (the rebuild follows on from its own end). */
  private swapping = false;
  /** Set between pauseFollowing() and resumeFollowing(): the model stays at its checkpoint and nothing resubscribes. */
  private paused = false;
  /** When the model was last known to hold the whole log: when start() had caught up with it. */
  private caughtUpMs?: number;
  private readonly waiters: PositionWaiters;
  private readonly snapshots: SnapshotKeeper;
  private rebuilding?: Promise<{ events: number; ms: number; hash: string }>;
  private readonly logger = new Logger(ProjectionRunner.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(READ_MODEL_FILE) private readonly snapshotFile?: string,
    @Optional() @Inject(RESUBSCRIBE_BACKOFF) private readonly backoff: BackoffOptions = DEFAULT_RESUBSCRIBE_BACKOFF,
  ) {
    this.model = this.emptyModel();
    this.outages = new SubscriptionOutages(this.logger, backoff);
    this.waiters = new PositionWaiters((a, b) => store.comparePositions(a, b));
    this.snapshots = new SnapshotKeeper(store, snapshotFile, this.logger, () => ({ model: this.model, lastApplied: this.lastApplied }));
  }

  get readModel(): RelationsReadModel {
    return this.model;
  }

  /** Which stream an incident or a keyed event belongs to, in whichever model is live: what the write side looks up. */
  readonly directory: IncidentLookup = {
    streamOfIncident: (incidentId) => this.model.directory.streamOfIncident(incidentId),
    streamOfEvent: (eventId) => this.model.directory.streamOfEvent(eventId),
  };

  /** Position of the last event applied, or null before the first. */
  get position(): string | null {
    return this.checkpoint;
  }

  /** Whether the model follows the log, or since when and why not. */
  get following(): FollowState {
    return this.outages.state;
  }

  /** When the model was last known to hold the whole log (epoch ms), if ever. */
  get caughtUpAtMs(): number | undefined {
    return this.caughtUpMs;
  }

  /** Restores the persisted read model when it is still valid, catches up with the log, then follows it. */
  async start(): Promise<{ restored: number; replayed: number; ms: number }> {
    const started = performance.now();
    const restored = await this.restore();
    const caughtUp = await this.catchUp((event) => this.model.apply(event), this.checkpoint);
    const replayed = caughtUp.events;
    if (caughtUp.last) this.noteApplied(caughtUp.last);
    this.snapshots.applied(replayed);
    this.caughtUpMs = Date.now();
    this.started = true;
    this.follow();
    if (this.subscription) this.outages.following(this.checkpoint);
    await this.snapshots.saveIfUnsaved();
    const ms = performance.now() - started;
    this.logger.log(
      `Read model ready: ${restored} events restored from the snapshot, ${replayed} replayed from the log ` +
        `(checkpoint ${this.checkpoint ?? 'none'}, ${Math.round(ms)} ms)`,
    );
    return { restored, replayed, ms };
  }

  /**
   * Starts with the read model empty and paused, nothing restored or read from the log: for a
   * process that only appends and serves nothing (`npm run import`), which would otherwise hold a
   * model of the whole log it never reads (≈ 180 MB of live heap for 557,692 events). Its writes
   * reach a read model as any other process's do, when one next catches up from its checkpoint.
   * Nothing is applied, so nothing is saved at shutdown and a snapshot on disk stays as it was.
   * What reads the model here sees one behind the log, as in any paused process or a first
   * import's: the watches' evaluator raises and clears nothing on a model behind its last
   * judgement, and an empty one gives it nothing to raise.
   */
  startPaused(): void {
    this.paused = true;
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
    const apply = (event: StoredEvent) => fresh.apply(event);
    // While the live model follows the log, build up to wherever it has got to (it moves on meanwhile).
    const upToLive = this.started ? () => this.checkpoint : undefined;
    const built = await this.catchUp(apply, null, { onProgress, until: upToLive, yieldBetweenPages: true });
    // Stop the live model, bring the fresh one to the very same event, swap, and follow on from
    // there: every event is announced once, by the model that was live when it was applied.
    this.swapping = true;
    let rest: Awaited<ReturnType<ProjectionRunner['catchUp']>>;
    try {
      await this.unsubscribe();
      rest = await this.catchUp(apply, built.last?.position ?? null, { until: upToLive });
    } catch (error) {
      this.swapping = false;
      if (this.started) this.stopped(error);
      throw error;
    }
    const events = built.events + rest.events;
    onProgress({ events });
    this.model = fresh;
    const last = rest.last ?? built.last;
    this.checkpoint = last?.position ?? null;
    this.lastApplied = last;
    this.swapping = false;
    if (this.started && !this.paused) this.follow();
    await this.snapshots.save();
    return { events, ms: performance.now() - started, hash: fresh.hash() };
  }

  /**
   * Stops following the log until resumeFollowing(): for a process that appends a large import
   * and serves nothing meanwhile (`npm run import`), reading back and applying every event it has
   * just appended was about a quarter of the import's CPU (docs/importing.md). The model keeps
   * answering from its checkpoint; a snapshot saved meanwhile holds that checkpoint, so the next
   * start catches up from the log like any start after other processes appended.
   */
  async pauseFollowing(): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    await this.unsubscribe();
  }

  /**
   * Applies what the log gained during the pause in one pass of pages (each event announced as a
   * live one would be), then follows the log again. Returns how many events it applied.
   */
  async resumeFollowing(): Promise<number> {
    if (!this.paused) return 0;
    const caughtUp = await this.catchUp((event) => this.applyLive(event), this.checkpoint);
    this.snapshots.applied(caughtUp.events);
    this.paused = false;
    if (this.started && !this.swapping) this.follow();
    return caughtUp.events;
  }

  status(): ProjectionStatus {
    return {
      name: READ_MODEL_NAME,
      version: READ_MODEL_VERSION,
      checkpoint: this.checkpoint,
      hash: this.model.hash(),
      events: this.model.eventCount,
      incidents: this.model.incidentCount,
      pairs: this.model.pairCount,
      lastSnapshot: this.snapshots.lastSnapshot,
    };
  }

  /**
   * Calls `listener` synchronously with each event the read model applies from the log after
   * start, once each and in log order: another index kept beside the read model (the search
   * index) follows the log on this pass instead of a subscription of its own, which cost every
   * append a second read and parse of the event. Returns the way to stop listening.
   */
  onLiveEvent(listener: (event: StoredEvent) => void): () => void {
    this.liveListeners.add(listener);
    return () => this.liveListeners.delete(listener);
  }

  /** Resolves true once the read model has applied `position`, false after `timeoutMs`. */
  waitFor(position: string, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(position, this.checkpoint, timeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.resumeTimer);
    clearTimeout(this.confirmTimer);
    await this.unsubscribe();
    this.snapshots.stop();
    await this.snapshots.saveIfUnsaved();
    this.updates$.complete();
  }

  /** A new read model: empty, or restored from its persisted parts. */
  private emptyModel(parts?: ReadModelParts): RelationsReadModel {
    return new RelationsReadModel(
      (a, b) => this.store.comparePositions(a, b),
      (streamId, revision, count) => this.store.readStream(streamId, revision, count),
      parts,
      fieldReaderOf(this.store),
    );
  }

  /** Number of events restored from the snapshot: 0 when there is none that can be trusted whole. */
  private async restore(): Promise<number> {
    const restored = await this.snapshots.restore((parts) => this.emptyModel(parts));
    if (!restored) return 0;
    this.model = restored.model;
    this.noteApplied(restored.checkpoint);
    return restored.model.eventCount;
  }

  private catchUp(apply: (event: StoredEvent) => void, after: string | null, options?: CatchUpOptions) {
    return catchUp(this.store, apply, after, options);
  }

  private follow(): void {
    clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    let subscription: Subscription | undefined;
    let failedAtOnce: { error: unknown } | undefined;
    try {
      subscription = this.store.subscribeToAll({
        after: this.checkpoint,
        onEvent: (event) => this.deliver(event),
        onError: (error) => {
          // A subscription closed or replaced on purpose may still report; only the current one counts.
          if (subscription === undefined) failedAtOnce = { error };
          else if (subscription === this.subscription) this.stopped(error);
        },
      });
    } catch (error) {
      failedAtOnce = { error };
    }
    if (failedAtOnce || !subscription) return this.stopped(failedAtOnce?.error);
    this.subscription = subscription;
    if (this.outages.inOutage) {
      // Opening is not proof: a store that is still away fails the subscription a moment later.
      const opened = subscription;
      this.unconfirmed = opened;
      this.confirmTimer = setTimeout(() => this.confirm(opened), RESUBSCRIBED_CONFIRM_MS);
      this.confirmTimer.unref();
    }
  }

  /** An event from the subscription: applied unless already applied (after a resubscription a store may hand over again what it delivered). */
  private deliver(event: StoredEvent): void {
    if (this.unconfirmed) this.confirm(this.unconfirmed);
    if (this.checkpoint !== null && this.store.comparePositions(event.position, this.checkpoint) <= 0) return;
    this.applyLive(event);
    this.snapshots.appliedLive();
  }

  /** Delivery stopped other than by close(): note the outage (logged once) and try again after a backoff delay. */
  private stopped(error: unknown): void {
    this.subscription = undefined;
    clearTimeout(this.confirmTimer);
    this.unconfirmed = undefined;
    if (this.stopping) return;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => this.resume(), this.outages.failed(error, this.checkpoint));
    this.resumeTimer.unref();
  }

  /** Subscribes again from the checkpoint, unless a rebuild swapping its model in (which follows on from it) or shutdown came first. */
  private resume(): void {
    this.resumeTimer = undefined;
    if (!this.stopping && !this.swapping && !this.paused && !this.subscription) this.follow();
  }

  /** The subscription opened during an outage has shown it works (delivered an event, or stayed up a while): the outage is over. */
  private confirm(subscription: Subscription): void {
    clearTimeout(this.confirmTimer);
    this.unconfirmed = undefined;
    if (subscription === this.subscription) this.outages.following(this.checkpoint);
  }

  /** Closes the subscription on purpose: it is forgotten first, so that whatever it reports while closing is not an outage. */
  private async unsubscribe(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  private noteApplied(event: LogAddress): void {
    this.checkpoint = event.position;
    this.lastApplied = event;
  }

  private applyLive(event: StoredEvent): void {
    const pairKey = this.model.apply(event);
    this.checkpoint = event.position;
    this.lastApplied = event;
    if (pairKey !== null) {
      const relationEvent = { type: event.type, data: event.data } as unknown as RelationEvent;
      this.updates$.next({ pairKey, event: relationEvent, position: event.position, eventId: event.eventId });
    }
    this.waiters.applied(event.position);
    for (const listener of this.liveListeners) listener(event);
  }
}
