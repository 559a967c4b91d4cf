import type { RelationEvent } from '../../src/domain/incident.js';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { RelationsReadModel } from '../../src/projections/relations.read-model.js';
import { anIncident, incidentId } from '../domain/decider-harness.js';

/** The write side finds an incident's pair, and a keyed event's stream, from the read model alone. */

let position = 0;
function stored(streamId: string, revision: number, event: RelationEvent, metadata: StoredEvent['metadata'] = {}): StoredEvent {
  position++;
  return { eventId: `event-${position}`, type: event.type, streamId, revision, position: String(position), data: event.data as unknown as StoredEvent['data'], metadata };
}

describe('IncidentDirectory', () => {
  const model = new RelationsReadModel((a, b) => Number(a) - Number(b), async () => []);
  const keyed = stored('relation-AZE-FRA', 0, anIncident('Accusation', { incidentId: incidentId(1) }), { idempotencyKey: 'k-1' });
  model.apply(keyed);
  model.apply(stored('relation-DEU-RUS', 0, anIncident('DiplomatsExpelled', { incidentId: incidentId(2), actor: 'RUS', target: 'DEU', details: { diplomats: 3 } })));
  const unkeyed = stored('relation-DEU-RUS', 1, anIncident('Accusation', { incidentId: incidentId(3), actor: 'DEU', target: 'RUS' }));
  model.apply(unkeyed);

  it('names the stream each incident was reported in', () => {
    expect(model.directory.streamOfIncident(incidentId(1))).toBe('relation-AZE-FRA');
    expect(model.directory.streamOfIncident(incidentId(2))).toBe('relation-DEU-RUS');
    expect(model.directory.streamOfIncident(incidentId(4))).toBeUndefined();
  });

  it('names the stream of an event written under an Idempotency-Key, and of no other', () => {
    expect(model.directory.streamOfEvent(keyed.eventId)).toBe('relation-AZE-FRA');
    expect(model.directory.streamOfEvent(unkeyed.eventId)).toBeUndefined();
  });

  it('names the pair of an incident, in the order pairs are keyed', () => {
    expect(model.directory.pairOfIncident(incidentId(2))).toBe('DEU-RUS');
  });
});
