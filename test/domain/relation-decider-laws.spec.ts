import fc from 'fast-check';
import { cameoDetailsFor } from '../support/cameo-details.js';
import { RelationRuleViolation } from '../../src/domain/domain-errors.js';
import type { IncidentEvent, RelationEvent } from '../../src/domain/incident.js';
import { INCIDENT_CATALOG } from '../../src/domain/incident-catalog.js';
import { INCIDENT_TYPES } from '../../src/domain/incident-types.js';
import { applyIncident, believedIncidents, foldFacts, inOccurrenceOrder } from '../../src/domain/incident-effects.js';
import { noFacts } from '../../src/domain/relation-facts.js';
import { relationDecider, type RelationCommand, type RelationDecisionState } from '../../src/domain/relation.decider.js';
import { aCorrection, aReport, aRetraction, incidentId } from './decider-harness.js';
import { DAY_MS } from '../../src/domain/numbers.js';

/**
 * The decider skips the incidents its rules never look at (no effect on the facts, no rule of
 * their own) when it refolds and rechecks the past. These laws hold it to the plain definitions:
 * its facts are the fold of every believed incident in occurrence order, and nothing it accepts
 * makes some incident, replayed in occurrence order, break a rule it did not break before.
 */

const START = Date.UTC(2024, 0, 1);

/** Reports of every type, either direction, dated over a year and recorded up to 90 days late, with some amendments. */
const aCommand = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constantFrom(...INCIDENT_TYPES), day: fc.integer({ min: 0, max: 364 }), late: fc.integer({ min: 0, max: 90 }), forward: fc.boolean(), includesAmbassador: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ amend: fc.constantFrom('correct', 'retract'), which: fc.nat(), day: fc.integer({ min: 0, max: 364 }) }) },
);

function commandFrom(spec: Record<string, unknown>, n: number, reported: string[]): RelationCommand | undefined {
  const day = (d: number) => new Date(START + d * DAY_MS).toISOString().slice(0, 10);
  const recordedAt = new Date(START + 400 * DAY_MS + n * 60_000).toISOString();
  if ('amend' in spec) {
    if (reported.length === 0) return undefined;
    const id = reported[(spec.which as number) % reported.length];
    return spec.amend === 'retract' ? aRetraction(id, { recordedAt }) : aCorrection(id, { occurredOn: day(spec.day as number) }, { recordedAt });
  }
  const type = spec.type as (typeof INCIDENT_TYPES)[number];
  const [actor, target] = spec.forward ? ['AZE', 'FRA'] : ['FRA', 'AZE'];
  const details = type === 'DiplomatsExpelled' || type === 'ReciprocalExpulsion' ? { diplomats: 2, includesAmbassador: spec.includesAmbassador as boolean } : cameoDetailsFor(type, spec.day as number);
  return aReport(type, { incidentId: incidentId(n + 1), actor, target, occurredOn: day(spec.day as number), recordedAt, ...(details ? { details } : {}) });
}

/** Rule-breaking incidents when `incidents` are replayed in occurrence order (the plain definition). */
function violations(incidents: IncidentEvent[]): Set<string> {
  const broken = new Set<string>();
  let facts = noFacts;
  for (const incident of inOccurrenceOrder(incidents)) {
    if (INCIDENT_CATALOG[incident.type].violation?.(facts, incident)) broken.add(incident.data.incidentId);
    facts = applyIncident(facts, incident);
  }
  return broken;
}

describe('relation decider laws', () => {
  it('keeps the facts every believed incident folds to, and accepts no change that breaks a rule in occurrence order', () => {
    const seen = { refused: 0, acceptedLate: 0 };
    fc.assert(
      fc.property(fc.array(aCommand, { minLength: 1, maxLength: 120 }), (specs) => {
        let state: RelationDecisionState = relationDecider.initialState;
        const events: RelationEvent[] = [];
        const reported: string[] = [];
        let latestOccurredOn = '';
        specs.forEach((spec, n) => {
          const command = commandFrom(spec as Record<string, unknown>, n, reported);
          if (!command) return;
          let decided: RelationEvent[] | undefined;
          try {
            decided = relationDecider.decide(command, state);
          } catch (error) {
            if (!(error instanceof RelationRuleViolation)) throw error;
            seen.refused++;
          }
          if (decided && command.type === 'ReportIncident' && command.data.occurredOn < latestOccurredOn) seen.acceptedLate++;
          if (decided && command.type === 'ReportIncident' && command.data.occurredOn > latestOccurredOn) latestOccurredOn = command.data.occurredOn;
          if (command.type !== 'RetractIncident') {
            // A refusal must be a new broken rule; an acceptance must break none (checked on the event decided).
            const before = believedIncidents(events);
            const candidate = decided ?? undefined;
            if (candidate) {
              const after = believedIncidents([...events, ...candidate]);
              const introduced = [...violations(after)].filter((id) => !violations(before).has(id));
              expect(introduced).toEqual([]);
            }
          }
          for (const event of decided ?? []) {
            events.push(event);
            state = relationDecider.evolve(state, event);
            if (event.type !== 'IncidentCorrected' && event.type !== 'IncidentRetracted') reported.push(event.data.incidentId);
          }
          expect(state.facts).toEqual(foldFacts(believedIncidents(events)));
        });
      }),
      { numRuns: 150 },
    );
    // The generated histories did exercise refusals and reports dated before what came earlier.
    expect(seen.refused).toBeGreaterThan(50);
    expect(seen.acceptedLate).toBeGreaterThan(100);
  });
});
