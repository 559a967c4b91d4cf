import { RelationRuleViolation, IncidentNotFound } from '../../src/domain/domain-errors.js';
import type { ConfirmIncident } from '../../src/domain/relation.decider.js';
import { anIncident, given, incidentId, RECORDED_AT } from './decider-harness.js';

const imported = anIncident('AssaultCommitted', { incidentId: incidentId(1), details: { cameo: '1823' }, occurredOn: '2024-05-01', provenance: { dataset: 'gdelt2', row: '1', line: 1 } });
const reportedByAnalyst = anIncident('PublicCondemnation', { incidentId: incidentId(2) });

function confirm(id: string, data: Partial<ConfirmIncident['data']> = {}): ConfirmIncident {
  return { type: 'ConfirmIncident', data: { incidentId: id, recordedAt: RECORDED_AT, ...data } };
}

describe('confirming an imported incident', () => {
  it('records the confirmation with the note and source given', () => {
    const source = { url: 'https://www.mfa.example/statement', publisher: 'Ministry' };
    given([imported]).when(confirm(incidentId(1), { note: 'checked the ministry statement', source })).then([
      { type: 'IncidentConfirmed', data: { incidentId: incidentId(1), note: 'checked the ministry statement', source, recordedAt: RECORDED_AT } },
    ]);
  });

  it('needs neither a note nor a source', () => {
    given([imported]).when(confirm(incidentId(1))).then([{ type: 'IncidentConfirmed', data: { incidentId: incidentId(1), recordedAt: RECORDED_AT } }]);
  });

  it("refuses an analyst's report, which already counts fully", () => {
    given([reportedByAnalyst]).when(confirm(incidentId(2))).thenRejects(RelationRuleViolation, /reported by an analyst and already counts fully/);
  });

  it('refuses a retracted incident', () => {
    const retraction = { type: 'IncidentRetracted' as const, data: { incidentId: incidentId(1), reason: 'not an assault', recordedAt: RECORDED_AT } };
    given([imported, retraction]).when(confirm(incidentId(1))).thenRejects(RelationRuleViolation, /has been retracted/);
  });

  it('refuses a second confirmation, naming the first', () => {
    const first = { type: 'IncidentConfirmed' as const, data: { incidentId: incidentId(1), recordedAt: '2024-05-02T10:00:00.000Z' } };
    given([imported, first]).when(confirm(incidentId(1))).thenRejects(RelationRuleViolation, /already confirmed at 2024-05-02T10:00:00.000Z/);
  });

  it('refuses an incident the pair does not have', () => {
    given([imported]).when(confirm(incidentId(3))).thenRejects(IncidentNotFound);
  });
});
