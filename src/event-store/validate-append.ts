import type { ExpectedRevision, NewEvent } from './event-store.port.js';

/** Refuses an append no store could record (a caller bug), before anything is written. */
export function validateAppend(events: NewEvent[], expectedRevision: ExpectedRevision): void {
  if (events.length === 0) throw new TypeError('append needs at least one event');
  if (events.length > 1 && new Set(events.map((event) => event.eventId)).size !== events.length) {
    throw new TypeError('append got the same event id twice');
  }
  if (typeof expectedRevision === 'number' && !(Number.isSafeInteger(expectedRevision) && expectedRevision >= 0)) {
    throw new TypeError(`invalid expected revision ${expectedRevision}`);
  }
}
