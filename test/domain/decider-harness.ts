/**
 * given / when / then over the real relation decider, plus builders for commands and events.
 *
 *   given([anIncident('DiplomatsExpelled', { actor: 'FRA', target: 'AZE' })])
 *     .when(aReport('ReciprocalExpulsion'))
 *     .then([...]);
 *
 * Builders fill in everything a test does not care about with fixed values (AZE acting against
 * FRA on 1 May 2024, recorded on 1 June 2024), so a test only spells out what it is about.
 * Incident ids are derived from the incident's type, actor, target and date, so they are the
 * same in every run and in any test order; pass `incidentId` when two incidents share all four.
 */
import { RelationRuleViolation } from '../../src/domain/domain-errors.js';
import { cameoDetailsFor } from '../support/cameo-details.js';
import type {
  IncidentChanges,
  IncidentData,
  IncidentDetails,
  IncidentEvent,
  RelationEvent,
  Source,
} from '../../src/domain/incident.js';
import type { IncidentType } from '../../src/domain/incident-types.js';
import {
  relationDecider,
  type CorrectIncident,
  type RelationCommand,
  type RelationDecisionState,
  type ReportIncident,
  type RetractIncident,
} from '../../src/domain/relation.decider.js';

export const RECORDED_AT = '2024-06-01T00:00:00.000Z';
export const DEFAULT_OCCURRED_ON = '2024-05-01';

export const DEFAULT_SOURCES: Source[] = [
  { url: 'https://example.org/wire/1', publisher: 'Example Wire', title: 'Test report', publishedOn: '2024-05-02' },
];

/** Details that satisfy each type's details class; types without required details get none. */
const DEFAULT_DETAILS: Partial<Record<IncidentType, IncidentDetails>> = {
  DiplomatsExpelled: { diplomats: 2 },
  ReciprocalExpulsion: { diplomats: 2 },
  MeetingBoycotted: { meeting: 'Regional summit' },
  SanctionsImposed: { scope: ['economic'] },
};

/** A UUID (the shape ReciprocalExpulsionDetails.inResponseTo requires) numbered `n`. */
export function incidentId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A stable UUID-shaped id for a piece of text (FNV-1a), for ids nobody spells out. */
function stableId(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ text.charCodeAt(text.length - 1 - i), 0x811c9dc5) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).padEnd(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function defaultsFor(type: IncidentType, overrides: { actor?: string; target?: string; occurredOn?: string }) {
  const actor = overrides.actor ?? 'AZE';
  const target = overrides.target ?? 'FRA';
  const occurredOn = overrides.occurredOn ?? DEFAULT_OCCURRED_ON;
  return {
    incidentId: stableId(`${type}|${actor}|${target}|${occurredOn}`),
    actor,
    target,
    occurredOn,
    summary: `Reported incident, ${actor} against ${target}`,
    sources: DEFAULT_SOURCES,
    details: DEFAULT_DETAILS[type] ?? cameoDetailsFor(type, occurredOn.length + actor.charCodeAt(0)) ?? {},
    recordedAt: RECORDED_AT,
  };
}

/** A ReportIncident command. */
export function aReport(type: IncidentType, overrides: Partial<Omit<ReportIncident['data'], 'incidentType'>> = {}): ReportIncident {
  return { type: 'ReportIncident', data: { incidentType: type, ...defaultsFor(type, overrides), ...overrides } };
}

/**
 * An incident event as it sits in a stream. `precision` defaults to 'day', matching the default
 * date; give it whenever `occurredOn` has another precision.
 */
export function anIncident(type: IncidentType, overrides: Partial<IncidentData> = {}): IncidentEvent {
  return { type, data: { ...defaultsFor(type, overrides), precision: 'day', ...overrides } };
}

/** A CorrectIncident command amending `incidentId`. */
export function aCorrection(incidentId: string, changes: IncidentChanges, overrides: Partial<CorrectIncident['data']> = {}): CorrectIncident {
  return { type: 'CorrectIncident', data: { incidentId, changes, reason: 'The first report had it wrong', recordedAt: RECORDED_AT, ...overrides } };
}

/** A RetractIncident command withdrawing `incidentId`. */
export function aRetraction(incidentId: string, overrides: Partial<RetractIncident['data']> = {}): RetractIncident {
  return { type: 'RetractIncident', data: { incidentId, reason: 'The report was false', recordedAt: RECORDED_AT, ...overrides } };
}

/** The state the decider reaches after `events`, folded in stream order. */
export function stateAfter(events: readonly RelationEvent[]): RelationDecisionState {
  return events.reduce(relationDecider.evolve, relationDecider.initialState);
}

export function given(events: readonly RelationEvent[]) {
  return {
    when(command: RelationCommand) {
      const decision = () => relationDecider.decide(command, stateAfter(events));
      const name = command.type === 'ReportIncident' ? command.data.incidentType : command.type;
      return {
        then(expected: RelationEvent[]): void {
          expect(decision()).toEqual(expected);
        },
        thenRejects(errorClass: new (...args: any[]) => Error, reason?: RegExp): void {
          let thrown: unknown;
          try {
            decision();
          } catch (error) {
            thrown = error;
          }
          if (thrown === undefined) throw new Error(`expected ${name} to be rejected with ${errorClass.name}`);
          expect(thrown).toBeInstanceOf(errorClass);
          if (reason) expect((thrown as Error).message).toMatch(reason);
        },
      };
    },
  };
}

/**
 * Runs commands through the real decider one after another, evolving the state, and returns the
 * recorded stream. A rejected command fails the test unless `skipRejected` is set (for generated
 * command sequences, where a rejection is expected now and then).
 */
export function record(commands: readonly ReportIncident[], options: { skipRejected?: boolean } = {}): IncidentEvent[] {
  const events: IncidentEvent[] = [];
  let state = relationDecider.initialState;
  for (const command of commands) {
    let decided: IncidentEvent[];
    try {
      // A report is always recorded as one incident event.
      decided = relationDecider.decide(command, state) as IncidentEvent[];
    } catch (error) {
      if (options.skipRejected && error instanceof RelationRuleViolation) continue;
      throw error;
    }
    for (const event of decided) {
      events.push(event);
      state = relationDecider.evolve(state, event);
    }
  }
  return events;
}

/** The one incident event the real decider records for `command` after `events`. */
export function recordNext(events: readonly RelationEvent[], command: ReportIncident): IncidentEvent {
  const decided = relationDecider.decide(command, stateAfter(events));
  expect(decided).toHaveLength(1);
  return decided[0] as IncidentEvent;
}
