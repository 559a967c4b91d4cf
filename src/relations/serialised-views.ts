import type { RelationsReadModel } from '../projections/relations.read-model.js';

/** Most bodies kept, and most bytes: a relation view is 1–3 KB, so this is at most a few MB. */
const MAX_ENTRIES = 2_000;
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * Serialised relation views that cannot change while their key holds: (pair, stream revision,
 * asOf, knownAt). A view with asOf or knownAt is fixed at its instant, so only a new event for
 * the pair (a new revision) or another question changes it. Least recently used bodies go first.
 *
 * Bound to one read model: a rebuild or reset starts another, whose revisions may repeat with
 * other contents, so the cache empties when the model it was filled from is replaced.
 */
export class SerialisedViews {
  private readonly bodies = new Map<string, string>();
  private bytes = 0;
  private model: RelationsReadModel | undefined;

  get(model: RelationsReadModel, key: string): string | undefined {
    if (model !== this.model) this.reset(model);
    const body = this.bodies.get(key);
    if (body === undefined) return undefined;
    // Map order is insertion order: moving a hit to the end makes the first entry the least recently used.
    this.bodies.delete(key);
    this.bodies.set(key, body);
    return body;
  }

  set(model: RelationsReadModel, key: string, body: string): void {
    if (model !== this.model) this.reset(model);
    if (body.length > MAX_BYTES / 16) return;
    const previous = this.bodies.get(key);
    if (previous !== undefined) {
      this.bytes -= previous.length;
      this.bodies.delete(key);
    }
    this.bodies.set(key, body);
    this.bytes += body.length;
    for (const [oldest, oldBody] of this.bodies) {
      if (this.bodies.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.bodies.delete(oldest);
      this.bytes -= oldBody.length;
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
