import type { Logger } from '@nestjs/common';
import type { EventStore, StoredEvent } from '../event-store/event-store.port.js';
import type { LogAddress } from './log-address.js';
import { saveSnapshot, UnusableSnapshotError } from './read-model-snapshot.js';
import { READ_MODEL_VERSION } from './relations.projection.js';
import type { RelationsReadModel } from './relations.read-model.js';
import type { ReadModelParts } from './incident-rows.js';
import { logIdentity, restoreSnapshot } from './snapshot-restore.js';

/**
 * Persist the read model this long after the first unsaved event (and at shutdown). Saving blocks
 * the event loop for about 0.2–0.4 s per million incidents (copying and writing ~60 MB of
 * columns), so once a minute costs under 1% of the time, and after a crash the restart replays
 * at most a minute of events.
 */
const SNAPSHOT_AFTER_MS = 60_000;

/** The live model and the last event it applied (its checkpoint), as the runner holds them. */
export interface ModelAtCheckpoint {
  model: RelationsReadModel;
  lastApplied: LogAddress | null;
}

/**
 * The runner's persisted copy of the read model (when it has a file): restores it at start when
 * every check passes, and saves it a while after the first unsaved event, after a rebuild and at
 * shutdown. Without a file it keeps nothing and every start rebuilds from the log.
 */
export class SnapshotKeeper {
  /** The checkpoint and time of the last snapshot written or restored. */
  lastSnapshot: { checkpoint: string; savedAt: string } | null = null;
  private unsaved = 0;
  private timer?: NodeJS.Timeout;
  private firstEvent?: StoredEvent;

  constructor(
    private readonly store: EventStore,
    private readonly file: string | undefined,
    private readonly logger: Logger,
    private readonly current: () => ModelAtCheckpoint,
  ) {}

  /**
   * The persisted model and the event it reflects, when there is one that can be trusted whole;
   * otherwise undefined, and why not is said in one log line (the caller then rebuilds from the log).
   */
  async restore(build: (parts: ReadModelParts) => RelationsReadModel): Promise<{ model: RelationsReadModel; checkpoint: LogAddress } | undefined> {
    if (!this.file) return undefined;
    let restored: Awaited<ReturnType<typeof restoreSnapshot>>;
    try {
      restored = await restoreSnapshot(this.file, this.store, await this.logStart(), build);
    } catch (error) {
      if (!(error instanceof UnusableSnapshotError)) throw error;
      this.logger.warn(`Persisted read model ${this.file} discarded: ${error.message}. Rebuilding it from the log.`);
      return undefined;
    }
    if (!restored) return undefined;
    const { model, header } = restored;
    this.lastSnapshot = { checkpoint: header.log.checkpoint.position, savedAt: header.savedAt };
    return { model, checkpoint: header.log.checkpoint };
  }

  /** `events` were applied that the file does not hold (saved at the next save). */
  applied(events: number): void {
    this.unsaved += events;
  }

  /** One live event was applied: save within SNAPSHOT_AFTER_MS. */
  appliedLive(): void {
    this.unsaved++;
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => void this.save(), SNAPSHOT_AFTER_MS);
    this.timer.unref();
  }

  async saveIfUnsaved(): Promise<void> {
    if (this.unsaved > 0) await this.save();
  }

  /** No timed save from now on (shutdown). */
  stop(): void {
    clearTimeout(this.timer);
  }

  async save(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.file || this.current().lastApplied === null) return;
    const first = await this.logStart();
    // From here on synchronous, so the events written are exactly those up to the checkpoint.
    const { model, lastApplied: last } = this.current();
    if (!first || !last) return;
    const savedAt = new Date().toISOString();
    try {
      saveSnapshot(this.file, { version: READ_MODEL_VERSION, log: logIdentity(first, last), savedAt, parts: Object.entries(model.toParts()) });
      this.lastSnapshot = { checkpoint: last.position, savedAt };
      this.unsaved = 0;
    } catch (error) {
      this.logger.warn(`could not persist the read model: ${String(error)}`);
    }
  }

  /**
   * The log's first event; it never changes once the log has one, so it is asked for once. A
   * page may come back empty before the end of the log (EventStoreDB skips its own records a
   * bounded number at a time), so the pages are followed until an event or the end.
   */
  private async logStart(): Promise<StoredEvent | undefined> {
    if (this.firstEvent) return this.firstEvent;
    let page = await this.store.readAll(null, 1);
    while (page.events.length === 0 && page.next !== null) page = await this.store.readAll(page.next, 1);
    this.firstEvent = page.events[0];
    return this.firstEvent;
  }
}
