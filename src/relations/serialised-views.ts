import { LRUCache } from 'lru-cache';
import type { RelationsReadModel } from '../projections/relations.read-model.js';

/** Most bodies kept, and most bytes: a relation view is 1–3 KB, so this is at most a few MB. */
const MAX_ENTRIES = 2_000;
const MAX_BYTES = 8 * 1024 * 1024;
/** A body over a sixteenth of the budget (every pair of a large store) is not kept: it would push out everything else. */
const MAX_ENTRY_BYTES = MAX_BYTES / 16;

/**
 * Serialised relation views, by question, each with what it takes to tell whether it still holds
 * (relation-view-answer.ts decides that: the pair's stream revision, the instant, the clock).
 * Least recently used bodies go first, within MAX_ENTRIES and MAX_BYTES (lru-cache, as kept-documents.ts).
 *
 * Bound to one read model: a rebuild or reset starts another, whose revisions may repeat with
 * other contents, so the cache empties when the model it was filled from is replaced.
 */
export class SerialisedViews<T extends {} = string> {
  private readonly bodies: LRUCache<string, T>;
  private model: RelationsReadModel | undefined;
  private readonly sizeOf: (entry: T) => number;

  /** `sizeOf`: the bytes an entry holds (a string's length by default). */
  constructor(sizeOf: (entry: T) => number = (entry) => (entry as unknown as string).length) {
    this.sizeOf = sizeOf;
    this.bodies = new LRUCache<string, T>({ max: MAX_ENTRIES, maxSize: MAX_BYTES, maxEntrySize: MAX_ENTRY_BYTES, sizeCalculation: (entry) => Math.max(1, sizeOf(entry)) });
  }

  get(model: RelationsReadModel, key: string): T | undefined {
    if (model !== this.model) this.reset(model);
    return this.bodies.get(key);
  }

  set(model: RelationsReadModel, key: string, body: T): void {
    if (model !== this.model) this.reset(model);
    this.bodies.set(key, body);
  }

  /** Whether `entry` is within the size one entry may have (lru-cache drops a key set to a larger one). */
  fits(entry: T): boolean {
    return Math.max(1, this.sizeOf(entry)) <= MAX_ENTRY_BYTES;
  }

  /** Bytes held, as the entries' sizes count them. */
  get bytes(): number {
    return this.bodies.calculatedSize;
  }

  get size(): number {
    return this.bodies.size;
  }

  private reset(model: RelationsReadModel): void {
    this.bodies.clear();
    this.model = model;
  }
}
