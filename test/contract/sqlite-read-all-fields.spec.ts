import type { JsonObject, StoredEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { newEvent, temporaryFile } from './sqlite-fixtures.js';

/** What readAllFields must hand over: each event's data reduced to the named fields it has, as readAll gives them. */
function picked(event: StoredEvent, fields: readonly string[]) {
  const data: JsonObject = {};
  for (const field of fields) if (field in event.data) data[field] = event.data[field];
  return { position: event.position, streamId: event.streamId, type: event.type, data };
}

describe('SqliteEventStore.readAllFields', () => {
  let store: SqliteEventStore;
  let removeDirectory: () => void;
  const fields = ['summary', 'sources', 'changes', 'occurredOn', 'count'] as const;

  beforeEach(async () => {
    let file: string;
    ({ file, removeDirectory } = temporaryFile());
    store = new SqliteEventStore({ file });
    await store.append('relation-FRA-RUS', [
      newEvent({ summary: 'Expelled "two" diplomats — Genève\n', sources: [{ publisher: 'Le Monde', url: 'https://lemonde.fr/a' }], occurredOn: '2024-03', details: { n: 1 } }),
      newEvent({ changes: { summary: 'corrected', occurredOn: '2024-03-02' }, count: 0 }),
      newEvent({ summary: null, sources: [], count: 1.5 }),
    ], 'no_stream');
    await store.append('other-stream', [newEvent({ unrelated: true }), newEvent({ summary: '😀 emoji', count: -3 })], 'no_stream');
  });

  afterEach(async () => {
    await store.close();
    removeDirectory();
  });

  it('gives each event of the log with only the named fields its data has, null kept as null, in log order', async () => {
    const whole = (await store.readAll(null, 100)).events;

    const page = await store.readAllFields(null, 100, fields);

    expect(page.events).toEqual(whole.map((event) => picked(event, fields)));
    expect(page.events[2].data).toEqual({ summary: null, sources: [], count: 1.5 });
    expect(page.events[3].data).toEqual({});
    expect(page.next).toBeNull();
  });

  it('pages as readAll does: strictly after `after`, `next` the last position of a full page', async () => {
    const whole = (await store.readAll(null, 100)).events;
    const read: unknown[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await store.readAllFields(after, 2, fields);
      read.push(...page.events);
      if (page.next === null) break;
      expect(page.next).toBe(page.events[page.events.length - 1].position);
      after = page.next;
    }

    expect(read).toEqual(whole.map((event) => picked(event, fields)));
    expect((await store.readAllFields(whole[4].position, 2, fields)).events).toEqual([]);
  });

  it('refuses a field name that is not a plain identifier, and a position it could not have made', async () => {
    await expect(store.readAllFields(null, 10, ["summary') --"])).rejects.toThrow(TypeError);
    await expect(store.readAllFields('-1', 10, fields)).rejects.toThrow(TypeError);
    await expect(store.readAllFields(null, 0, fields)).rejects.toThrow(TypeError);
  });
});
