import { LRUCache } from 'lru-cache';
import type { StoredEvent } from '../event-store/event-store.port.js';

/**
 * Bytes of documents kept. A page of 50 pairs shows about 250 top contributors of 1–2 KB each, so
 * 16 MB holds the documents of every page of 5,000 pairs a dashboard walks through, and no more.
 */
export const KEPT_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** What a kept event costs beyond its data's JSON: the object, its ids and position strings, the key. */
const PER_EVENT_OVERHEAD = 512;

/**
 * Events read back from the store for the documents a relation view shows (a report, a
 * correction), by stream and revision, least recently used dropped past KEPT_DOCUMENT_BYTES. A
 * stored event never changes, so nothing here goes stale: a new correction is another revision,
 * and what is believed of an incident is still worked out per response from its amendments.
 */
export class KeptDocuments {
  private readonly events = new LRUCache<string, StoredEvent>({
    maxSize: KEPT_DOCUMENT_BYTES,
    sizeCalculation: (event) => JSON.stringify(event.data).length + PER_EVENT_OVERHEAD,
  });

  get(streamId: string, revision: number): StoredEvent | undefined {
    return this.events.get(keyOf(streamId, revision));
  }

  keep(event: StoredEvent): void {
    this.events.set(keyOf(event.streamId, event.revision), event);
  }

  /** Estimated bytes kept (what the budget counts). */
  get bytes(): number {
    return this.events.calculatedSize;
  }
}

function keyOf(streamId: string, revision: number): string {
  return `${streamId}@${revision}`;
}
