import type { RelationsReadModel } from '../projections/relations.read-model.js';

/** Most bodies kept, and most bytes: a relation view is 1–3 KB, so this is at most a few MB. */
const MAX_ENTRIES = 2_000;
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * Serialised relation views, by question, each with what it takes to tell whether it still holds
 * (relation-view-answer.ts decides that: the pair's stream revision, the instant, the clock).
 * Least recently used bodies go first, within MAX_ENTRIES and MAX_BYTES.
 *
 * Bound to one read model: a rebuild or reset starts another, whose revisions may repeat with
 * other contents, so the cache empties when the model it was filled from is replaced.
 */
export class SerialisedViews<T = string> {
  private readonly bodies = new Map<string, T>();
  private bytes = 0;
  private model: RelationsReadModel | undefined;

  /** `sizeOf`: the bytes an entry holds (a string's length by default). */
  constructor(private readonly sizeOf: (entry: T) => number = (entry) => (entry as string).length) {}

  get(model: RelationsReadModel, key: string): T | undefined {
    if (model !== this.model) this.reset(model);
    const body = this.bodies.get(key);
    if (body === undefined) return undefined;
    // Map order is insertion order: moving a hit to the end makes the first entry the least recently used.
    this.bodies.delete(key);
    this.bodies.set(key, body);
    return body;
  }

  set(model: RelationsReadModel, key: string, body: T): void {
    if (model !== this.model) this.reset(model);
    const size = this.sizeOf(body);
    if (size > MAX_BYTES / 16) return;
    const previous = this.bodies.get(key);
    if (previous !== undefined) {
      this.bytes -= this.sizeOf(previous);
      this.bodies.delete(key);
    }
    this.bodies.set(key, body);
    this.bytes += size;
    for (const [oldest, oldBody] of this.bodies) {
      if (this.bodies.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.bodies.delete(oldest);
      this.bytes -= this.sizeOf(oldBody);
    }
  }

  get size(): number {
    return this.bodies.size;
  }

  private reset(model: RelationsReadModel): void {
    this.bodies.clear();
    this.bytes = 0;
    this.model = model;
  }
}
