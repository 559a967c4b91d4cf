/** One page of the log as a replay sends it: its `update` messages, encoded. */
export interface EncodedPage {
  /** The page's `update` messages, concatenated. */
  text: string;
  /** Relation updates in the page. */
  updates: number;
  /** Position of the page's last update; null when it held none. */
  lastUpdate: string | null;
  /** Position of the page's last event of any kind. */
  lastEvent: string;
  /** Where the next page starts; null at the end of the log. */
  next: string | null;
}

/**
 * Replayed pages, encoded once for every client that replays the same stretch of the log (after a
 * restart, every dashboard asks for the same recent pages; clients asking for the whole log all
 * start with the same ones). An entry holds only while nothing changed what it says: the caller
 * names the generation (the read model's position and the summaries' time window), and a new
 * generation empties the cache. Least recently used pages go first past `maxBytes`.
 */
export class EncodedPageCache {
  private readonly pages = new Map<string, EncodedPage>();
  private bytes = 0;
  private generation = '';

  constructor(private readonly maxBytes: number) {}

  get(cursor: string | null, generation: string): EncodedPage | undefined {
    this.enter(generation);
    const key = cursor ?? '';
    const page = this.pages.get(key);
    if (page) {
      // Map order is insertion order: moving a page to the end keeps the least recently used first.
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(cursor: string | null, generation: string, page: EncodedPage): void {
    this.enter(generation);
    if (page.text.length > this.maxBytes) return;
    const key = cursor ?? '';
    const replaced = this.pages.get(key);
    if (replaced) this.bytes -= replaced.text.length;
    this.pages.delete(key);
    this.pages.set(key, page);
    this.bytes += page.text.length;
    for (const [oldest, evicted] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(oldest);
      this.bytes -= evicted.text.length;
    }
  }

  private enter(generation: string): void {
    if (generation === this.generation) return;
    this.pages.clear();
    this.bytes = 0;
    this.generation = generation;
  }
}
