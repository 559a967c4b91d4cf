import fc from 'fast-check';
import { CORROBORATION_WINDOW_DAYS, emptyCodedIndex, indexed, matchingIncident, startOfDayMs, type CodedIndex } from '../../src/domain/coded-event-matching.js';
import type { RelationEvent } from '../../src/domain/incident.js';
import { DAY_MS } from '../../src/domain/numbers.js';
import { parseOccurrence } from '../../src/domain/occurrence.js';

/** Days from 2024-01-01, as an occurrence of day or month precision. */
const occurrenceArb = fc.oneof(
  fc.integer({ min: 0, max: 120 }).map((day) => new Date(Date.UTC(2024, 0, 1) + day * DAY_MS).toISOString().slice(0, 10)),
  fc.integer({ min: 1, max: 4 }).map((month) => `2024-0${month}`),
);

const report = (n: number, occurredOn: string): RelationEvent =>
  ({ type: 'AssaultCommitted', data: { incidentId: `incident-${n}`, actor: 'AZE', target: 'FRA', occurredOn, details: { cameo: '1823' } } }) as unknown as RelationEvent;

/** The rule read plainly: every incident of the key, the closest within the window, ties to the first reported. */
function closestByScanningAll(reported: readonly string[], rowDay: string): string | undefined {
  const dayMs = Date.parse(`${rowDay}T00:00:00Z`);
  let best: { incidentId: string; distance: number } | undefined;
  reported.forEach((occurredOn, n) => {
    const { startMs, endMs } = parseOccurrence(occurredOn);
    const distance = Math.max(0, startMs - dayMs, dayMs - (endMs - DAY_MS));
    if (distance <= CORROBORATION_WINDOW_DAYS * DAY_MS && (!best || distance < best.distance)) best = { incidentId: `incident-${n}`, distance };
  });
  return best?.incidentId;
}

describe('matching a coded row to the incidents of its key', () => {
  it('finds what a scan of every incident finds, whatever order the incidents were reported in (the walk stops early only when nothing behind can match)', () => {
    fc.assert(
      fc.property(fc.array(occurrenceArb, { maxLength: 40 }), fc.array(fc.integer({ min: -5, max: 130 }), { minLength: 1, maxLength: 10 }), (reported, rowDays) => {
        const index = reported.reduce<CodedIndex>((built, occurredOn, n) => indexed(built, report(n, occurredOn), () => undefined), emptyCodedIndex);
        for (const offset of rowDays) {
          const occurredOn = new Date(Date.UTC(2024, 0, 1) + offset * DAY_MS).toISOString().slice(0, 10);
          expect(matchingIncident(index, { actor: 'AZE', target: 'FRA', cameo: '1823', occurredOn })).toBe(closestByScanningAll(reported, occurredOn));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('still matches an old incident behind many later ones when the row is dated near it', () => {
    const reported = ['2024-01-10', ...Array.from({ length: 30 }, (_, n) => new Date(Date.UTC(2024, 2, 1) + n * DAY_MS).toISOString().slice(0, 10))];
    const index = reported.reduce<CodedIndex>((built, occurredOn, n) => indexed(built, report(n, occurredOn), () => undefined), emptyCodedIndex);
    expect(matchingIncident(index, { actor: 'AZE', target: 'FRA', cameo: '1823', occurredOn: '2024-01-11' })).toBe('incident-0');
    expect(matchingIncident(index, { actor: 'AZE', target: 'FRA', cameo: '1823', occurredOn: '2024-02-10' })).toBeUndefined();
  });
});

describe("a row's day as a number", () => {
  const sameAsDateParse = (day: string) => expect(Object.is(startOfDayMs(day), Date.parse(`${day}T00:00:00Z`))).toBe(true);

  it('is what Date.parse makes of the day at midnight UTC, for every day-shaped text (impossible days, years below 100, months and days out of range included)', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (year, month, day) =>
        sameAsDateParse(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`),
      ),
      { numRuns: 2_000 },
    );
  });

  it('is NaN where Date.parse finds no date, and agrees on arbitrary text', () => {
    for (const text of ['', '2015-1-01', '2015-01-1', '2015/01/01', '20150101', '2015-0a-01', '2015-01-01T', '+02015-01-01', '2015-01-０１']) sameAsDateParse(text);
    expect(startOfDayMs('2015-13-01')).toBeNaN();
    expect(startOfDayMs('2015-02-30')).toBe(Date.UTC(2015, 2, 2));
    fc.assert(fc.property(fc.string({ maxLength: 12 }), sameAsDateParse), { numRuns: 2_000 });
  });
});
