import { isRelationStreamId } from '../domain/relation-pair.js';
import type { EventStore, ReadAllPage, StoredEvent } from '../event-store/event-store.port.js';

/**
 * One page of the global log with only Demarche's events (its pairs' streams): a store may also
 * hold someone else's streams (another tool writing to the same SQLite file or EventStoreDB
 * server). Reads on past runs of those until the page is full or the log ends, so a short page
 * still means the end of the log, and `next` resumes right after the last event handed out.
 */
export async function readRelationLog(store: EventStore, after: string | null, limit: number): Promise<ReadAllPage> {
  const events: StoredEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll(cursor, limit);
    for (const event of page.events) {
      if (!isRelationStreamId(event.streamId)) continue;
      events.push(event);
      if (events.length === limit) {
        const isLastOfLog = page.next === null && event === page.events.at(-1);
        return { events, next: isLastOfLog ? null : event.position };
      }
    }
    if (page.next === null) return { events, next: null };
    cursor = page.next;
  }
}
