/** A log far larger than socket buffers, for the live stream's back-pressure specs. */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../src/event-store/event-store.port.js';

/**
 * Appends `count` accusations between AZE and FRA of about 4 KB each straight through the store
 * port (far faster than HTTP), `batchSize` at a time (group-committed, so applied together);
 * returns their positions in log order.
 */
export async function appendAccusations(store: EventStore, count: number, batchSize = 500): Promise<string[]> {
  const sources = Array.from({ length: 20 }, (_, i) => ({ publisher: `Wire service ${i}`, url: `https://news.example.org/${'a'.repeat(120)}/${i}` }));
  const positions: string[] = [];
  for (let from = 0; from < count; from += batchSize) {
    const batch = [];
    for (let i = from; i < Math.min(count, from + batchSize); i++) {
      const data = {
        incidentId: randomUUID(),
        actor: 'AZE',
        target: 'FRA',
        occurredOn: `2024-05-${String((i % 28) + 1).padStart(2, '0')}`,
        precision: 'day',
        summary: `Baku accuses Paris of interference, statement ${i}: ${'s'.repeat(220)}`,
        sources,
        details: {},
        recordedAt: '2024-06-01T12:00:00.000Z',
      };
      batch.push(store.append('relation-AZE-FRA', [{ eventId: randomUUID(), type: 'Accusation', data }], 'any'));
    }
    for (const result of await Promise.all(batch)) positions.push(result.position);
  }
  return positions.sort((a, b) => store.comparePositions(a, b));
}
