import type { EventFields, EventStore, StoredEvent } from './event-store.port.js';

/** Reads some top-level fields of the data of a stream's events: EventStore.readStreamFields, or its stand-in. */
export type FieldReader = (streamId: string, fromRevision: number, maxCount: number, fields: readonly string[]) => Promise<EventFields[]>;

/**
 * The store's own way to read only some fields, or else its events read whole and the fields
 * picked out: the same values either way (a field that is null or absent is undefined).
 */
export function fieldReaderOf(store: {
  readStream(streamId: string, fromRevision: number, maxCount: number): Promise<StoredEvent[]>;
  readStreamFields?: EventStore['readStreamFields'];
}): FieldReader {
  if (store.readStreamFields) return (streamId, fromRevision, maxCount, fields) => store.readStreamFields!(streamId, fromRevision, maxCount, fields);
  return async (streamId, fromRevision, maxCount, fields) => {
    const events = await store.readStream(streamId, fromRevision, maxCount);
    return events.map(({ revision, data }) => ({ revision, values: fields.map((field) => data[field] ?? undefined) }));
  };
}
