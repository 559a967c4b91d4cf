import type { JsonObject, StoredEvent } from './event-store.port.js';

/** What a stored event is besides its data and metadata. */
export type StoredEventHead = Omit<StoredEvent, 'data' | 'metadata'>;

/**
 * A just-written event with its data and metadata parsed from the JSON that was written on first
 * read, not before: the command handler reads only ids, types and revisions of what it appended,
 * and parsing every event of an import back was a tenth of its CPU and most of its garbage. Read,
 * they are what JSON.parse gives (plain, enumerable properties, deep-equal to any reader's copy).
 */
export function storedEventOfText(head: StoredEventHead, data: string, metadata: string): StoredEvent {
  const event = head as StoredEvent;
  lazilyParsed(event, 'data', data);
  // Most events carry none: a fresh empty object is what parsing '{}' would give.
  if (metadata === '{}') event.metadata = {};
  else lazilyParsed(event, 'metadata', metadata);
  return event;
}

function lazilyParsed(event: StoredEvent, field: 'data' | 'metadata', text: string): void {
  Object.defineProperty(event, field, {
    enumerable: true,
    configurable: true,
    get(): JsonObject {
      const value = JSON.parse(text) as JsonObject;
      // From now on a plain property, as if it had been parsed at once.
      Object.defineProperty(event, field, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(value: JsonObject) {
      Object.defineProperty(event, field, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}
