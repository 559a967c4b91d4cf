import type { ImportCodedEvent } from '../../src/domain/relation.decider.js';
import { CORROBORATION_WINDOW_DAYS } from '../../src/domain/coded-event-matching.js';
import { anIncident, given, incidentId, RECORDED_AT } from './decider-harness.js';

const provenance = (row: string) => ({ dataset: 'gdelt2', row, line: Number(row) });

function aCodedRow(row: string, overrides: Partial<ImportCodedEvent['data']> = {}): ImportCodedEvent {
  return {
    type: 'ImportCodedEvent',
    data: {
      incidentId: incidentId(900 + Number(row)),
      actor: 'AZE',
      target: 'FRA',
      cameo: '1823',
      occurredOn: '2024-05-01',
      summary: 'Kill by physical assault',
      source: { url: `https://news.example/${row}`, publisher: 'news.example' },
      provenance: provenance(row),
      recordedAt: RECORDED_AT,
      ...overrides,
    },
  };
}

const assault = anIncident('AssaultCommitted', { incidentId: incidentId(1), details: { cameo: '1823' }, occurredOn: '2024-05-01', provenance: provenance('1') });

describe('importing a machine-coded row', () => {
  it('becomes a new incident of its CAMEO category, carrying the full code and where it came from', () => {
    given([]).when(aCodedRow('7')).then([
      {
        type: 'AssaultCommitted',
        data: {
          incidentId: incidentId(907), actor: 'AZE', target: 'FRA', occurredOn: '2024-05-01', precision: 'day', summary: 'Kill by physical assault',
          sources: [{ url: 'https://news.example/7', publisher: 'news.example' }], details: { cameo: '1823' }, recordedAt: RECORDED_AT, provenance: provenance('7'),
        },
      },
    ]);
  });

  it('becomes an incident of the specific type that stands for its code', () => {
    given([]).when(aCodedRow('8', { cameo: '111' })).then([expect.objectContaining({ type: 'PublicCondemnation', data: expect.objectContaining({ details: {} }) })]);
  });

  it(`corroborates the incident of the same direction and code within ${CORROBORATION_WINDOW_DAYS} days instead of adding one`, () => {
    given([assault]).when(aCodedRow('9', { occurredOn: '2024-05-03' })).then([
      { type: 'IncidentCorroborated', data: { incidentId: incidentId(1), source: { url: 'https://news.example/9', publisher: 'news.example' }, provenance: provenance('9'), recordedAt: RECORDED_AT } },
    ]);
  });

  it('corroborates an analyst\'s report of a specific type whose code it has', () => {
    given([anIncident('PublicCondemnation', { incidentId: incidentId(2) })]).when(aCodedRow('10', { cameo: '111' })).then([expect.objectContaining({ type: 'IncidentCorroborated', data: expect.objectContaining({ incidentId: incidentId(2) }) })]);
  });

  it.each([
    ['the other direction', { actor: 'FRA', target: 'AZE' }],
    ['another code of the same category', { cameo: '182' }],
    ['a day outside the window', { occurredOn: '2024-05-04' }],
  ])('adds a new incident for %s', (_case, overrides) => {
    given([assault]).when(aCodedRow('11', overrides)).then([expect.objectContaining({ type: 'AssaultCommitted', data: expect.objectContaining({ incidentId: incidentId(911) }) })]);
  });

  it('does not corroborate a retracted incident', () => {
    given([assault, { type: 'IncidentRetracted', data: { incidentId: incidentId(1), reason: 'wrong', recordedAt: RECORDED_AT } }])
      .when(aCodedRow('12'))
      .then([expect.objectContaining({ type: 'AssaultCommitted' })]);
  });

  it('corroborates the closest incident in time when several match', () => {
    const later = anIncident('AssaultCommitted', { incidentId: incidentId(3), details: { cameo: '1823' }, occurredOn: '2024-05-03' });
    given([assault, later]).when(aCodedRow('13', { occurredOn: '2024-05-04' })).then([expect.objectContaining({ type: 'IncidentCorroborated', data: expect.objectContaining({ incidentId: incidentId(3) }) })]);
  });
});

describe('matching after corrections', () => {
  it('matches an incident at its corrected date, and under its corrected code', () => {
    const moved = { type: 'IncidentCorrected' as const, data: { incidentId: incidentId(1), changes: { occurredOn: '2024-05-20' }, reason: 'date', recordedAt: RECORDED_AT } };
    given([assault, moved]).when(aCodedRow('20', { occurredOn: '2024-05-21' })).then([expect.objectContaining({ type: 'IncidentCorroborated' })]);
    given([assault, moved]).when(aCodedRow('21', { occurredOn: '2024-05-01' })).then([expect.objectContaining({ type: 'AssaultCommitted' })]);
    const recoded = { type: 'IncidentCorrected' as const, data: { incidentId: incidentId(1), changes: { details: { cameo: '182' } }, reason: 'code', recordedAt: RECORDED_AT } };
    given([assault, recoded]).when(aCodedRow('22', { cameo: '182' })).then([expect.objectContaining({ type: 'IncidentCorroborated' })]);
    given([assault, recoded]).when(aCodedRow('23')).then([expect.objectContaining({ type: 'AssaultCommitted' })]);
  });
});
