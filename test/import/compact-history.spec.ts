import type { IncidentEvent, RelationEvent } from '../../src/domain/incident.js';
import { believedIncidentsOf, relationDecider, type RelationCommand, type RelationDecisionState } from '../../src/domain/relation.decider.js';
import { eventsOf, reportedIn, withEvent } from '../../src/domain/stream-history.js';

/**
 * The decision state keeps an imported incident's report compact (src/domain/stream-history.ts):
 * read back it must be equal to the report as decided, and every decision that reads it —
 * corrections, retractions, confirmations, corroborations — must come out as with the full report.
 */
const RECORDED_AT = '2024-06-01T00:00:00.000Z';
const ID = '0b6a1c2e-3d4f-5a6b-8c7d-9e0f1a2b3c4d';

function importedReport(overrides: { source?: Record<string, string>; cameo?: string } = {}): RelationCommand {
  return {
    type: 'ImportCodedEvent',
    data: {
      incidentId: ID,
      actor: 'AZE',
      target: 'FRA',
      cameo: overrides.cameo ?? '1823',
      occurredOn: '2024-05-01',
      summary: 'Kill by physical assault (CAMEO 1823), coded by gdelt2',
      source: overrides.source ?? { url: 'https://news.example/7', publisher: 'news.example' },
      provenance: { dataset: 'gdelt2', row: '1234567', line: 7 },
      recordedAt: RECORDED_AT,
    },
  };
}

function decided(state: RelationDecisionState, command: RelationCommand): { state: RelationDecisionState; event: RelationEvent } {
  const [event] = relationDecider.decide(command, state);
  return { state: relationDecider.evolve(state, event), event };
}

describe('the compact history of imported incidents', () => {
  it.each([
    ['a URL and its publisher', { url: 'https://news.example/7', publisher: 'news.example' }, '1823'],
    ['a URL alone', { url: 'https://10.0.0.1/7' }, '1823'],
    ['a publisher alone', { publisher: 'unnamed publisher' }, '1823'],
    ['a specific type (no details)', { url: 'https://news.example/7', publisher: 'news.example' }, '1663'],
  ])('reads an imported report back equal to the one decided, with %s', (_name, source, cameo) => {
    const { state, event } = decided(relationDecider.initialState, importedReport({ source, cameo }));
    // Kept compact, not as the event itself.
    expect(state.history!.entry).not.toBe(event);
    const readBack = reportedIn(state.history, ID)!;
    expect(readBack).toEqual(event);
    expect(JSON.stringify(readBack)).toBe(JSON.stringify(event));
    expect(believedIncidentsOf(state)).toEqual([event]);
  });

  it('keeps whole a report of any other shape (an analyst’s, or extra fields)', () => {
    const analysts: IncidentEvent = {
      type: 'AssaultCommitted',
      data: { incidentId: ID, actor: 'AZE', target: 'FRA', occurredOn: '2024-05-01', precision: 'day', summary: 's', sources: [{ url: 'https://a.example/1', title: 'T' }], details: {}, recordedAt: RECORDED_AT, provenance: { dataset: 'gdelt2', row: '1', line: 1 } },
    };
    const history = withEvent(null, analysts);
    expect(history.entry).toBe(analysts);
    expect(eventsOf(history)).toEqual([analysts]);
  });

  it('refuses a correction that changes nothing of a compact report, and accepts one that changes its source', () => {
    const { state } = decided(relationDecider.initialState, importedReport());
    const same: RelationCommand = { type: 'CorrectIncident', data: { incidentId: ID, changes: { sources: [{ publisher: 'news.example', url: 'https://news.example/7' }] }, reason: 'r', recordedAt: RECORDED_AT } };
    expect(() => relationDecider.decide(same, state)).toThrow(/changes nothing/);
    const changes = { sources: [{ url: 'https://news.example/8', publisher: 'news.example' }] };
    const other: RelationCommand = { type: 'CorrectIncident', data: { incidentId: ID, changes, reason: 'r', recordedAt: RECORDED_AT } };
    expect(relationDecider.decide(other, state)).toEqual([{ type: 'IncidentCorrected', data: { incidentId: ID, changes, reason: 'r', recordedAt: RECORDED_AT } }]);
  });

  it('confirms a compact report once, and corroborates it with a matching row', () => {
    let { state } = decided(relationDecider.initialState, importedReport());
    const confirm = { type: 'ConfirmIncident', data: { incidentId: ID, recordedAt: RECORDED_AT } } as const;
    ({ state } = decided(state, confirm));
    expect(() => relationDecider.decide(confirm, state)).toThrow(/already confirmed/);
    const again = importedReport();
    const [event] = relationDecider.decide({ ...again, data: { ...again.data, incidentId: 'another' } } as RelationCommand, state);
    expect(event).toMatchObject({ type: 'IncidentCorroborated', data: { incidentId: ID } });
  });

  it('drops a retracted compact report from what is believed', () => {
    let { state } = decided(relationDecider.initialState, importedReport());
    ({ state } = decided(state, { type: 'RetractIncident', data: { incidentId: ID, reason: 'wrong', recordedAt: RECORDED_AT } }));
    expect(believedIncidentsOf(state)).toEqual([]);
  });
});
