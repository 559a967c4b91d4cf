import {
  InvalidOccurrenceError,
  isInFuture,
  parseOccurrence,
  referenceInstant,
} from '../../src/domain/occurrence.js';

const at = (iso: string) => Date.parse(iso);

describe('parseOccurrence', () => {
  it.each([
    ['2023', 'year', '2023-01-01T00:00:00Z', '2024-01-01T00:00:00Z'],
    ['2023-12', 'month', '2023-12-01T00:00:00Z', '2024-01-01T00:00:00Z'],
    ['2024-02', 'month', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'],
    ['2023-12-26', 'day', '2023-12-26T00:00:00Z', '2023-12-27T00:00:00Z'],
    ['2023-12-31', 'day', '2023-12-31T00:00:00Z', '2024-01-01T00:00:00Z'],
  ])('reads %s as the %s [%s, %s)', (occurredOn, precision, start, end) => {
    expect(parseOccurrence(occurredOn)).toEqual({ occurredOn, precision, startMs: at(start), endMs: at(end) });
  });

  it.each([
    ['2023-12-26T10:15Z', '2023-12-26T10:15:00.000Z'],
    ['2023-12-26T10:15:30Z', '2023-12-26T10:15:30.000Z'],
    ['2023-12-26T10:15:30.250Z', '2023-12-26T10:15:30.250Z'],
    ['2023-12-26T14:15:00+04:00', '2023-12-26T10:15:00.000Z'],
    ['2023-12-26T00:30:00-05:30', '2023-12-26T06:00:00.000Z'],
    ['2023-12-31T23:59:59+14:00', '2023-12-31T09:59:59.000Z'],
  ])('reads the instant %s as the single millisecond at %s UTC', (occurredOn, utc) => {
    expect(parseOccurrence(occurredOn)).toEqual({ occurredOn, precision: 'instant', startMs: at(utc), endMs: at(utc) + 1 });
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseOccurrence('2024-02-29')).toMatchObject({ startMs: at('2024-02-29T00:00:00Z'), endMs: at('2024-03-01T00:00:00Z') });
    expect(parseOccurrence('2024-02-29T12:00Z').startMs).toBe(at('2024-02-29T12:00:00Z'));
  });

  it.each([
    ['2023-02-29', /2023-02-29 is not a calendar date/],
    ['2023-02-30', /2023-02-30 is not a calendar date/],
    ['2023-04-31', /2023-04-31 is not a calendar date/],
    ['2023-12-00', /2023-12-00 is not a calendar date/],
    ['2023-12-32', /2023-12-32 is not a calendar date/],
    ['2023-13', /month 13 does not exist/],
    ['2023-00', /month 00 does not exist/],
    ['2023-13-01', /month 13 does not exist/],
    ['2023-02-30T10:00Z', /2023-02-30 is not a calendar date/],
    ['2023-12-26T25:00Z', /not a valid time of day/],
    ['2023-12-26T24:00Z', /not a valid time of day/],
    ['2023-12-26T10:60Z', /not a valid time of day/],
    ['2023-12-26T10:00:60Z', /not a valid time of day/],
    ['2023-12-26T10:00+15:00', /impossible UTC offset/],
    ['2023-12-26T10:00+04:60', /impossible UTC offset/],
    ['1799', /years before 1800 are not tracked/],
  ])('rejects %s', (occurredOn, reason) => {
    expect(() => parseOccurrence(occurredOn)).toThrow(InvalidOccurrenceError);
    expect(() => parseOccurrence(occurredOn)).toThrow(reason);
  });

  it.each([
    '2023-12-26T10:00', // no offset: the instant would depend on the server's time zone
    '2023-12-26T10:00+0400',
    '2023-12-26T10:00+4:00',
    '2023-12-26 10:00Z',
    '23-12-26',
    '2023-1',
    '2023-12-26Z',
    'December 2023',
    '',
  ])('rejects %j as not a date in an accepted format', (occurredOn) => {
    expect(() => parseOccurrence(occurredOn)).toThrow(/is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 timestamp with a UTC offset/);
  });
});

describe('referenceInstant', () => {
  const recordedLater = at('2030-01-01T00:00:00Z');

  it.each([
    ['2023', '2023-07-02T12:00:00Z'],
    ['2024', '2024-07-02T00:00:00Z'],
    ['2023-12', '2023-12-16T12:00:00Z'],
    ['2024-02', '2024-02-15T12:00:00Z'],
    ['2023-12-26', '2023-12-26T12:00:00Z'],
    ['2023-12-26T10:15:30.250+01:00', '2023-12-26T09:15:30.250Z'],
  ])('is the middle of %s: %s', (occurredOn, middle) => {
    expect(referenceInstant(parseOccurrence(occurredOn), recordedLater)).toBe(at(middle));
  });

  it('is the middle of the part of the period before the incident was recorded, nothing being reported before it happens', () => {
    const recordedAt = at('2023-12-10T08:00:00Z');
    // Recorded on 10 December: it happened between 1 December and then; the middle is 5 December 16:00.
    expect(referenceInstant(parseOccurrence('2023-12'), recordedAt)).toBe(at('2023-12-05T16:00:00Z'));
    expect(referenceInstant(parseOccurrence('2023'), at('2023-03-01T00:00:00Z'))).toBe(at('2023-01-30T12:00:00Z'));
    expect(referenceInstant(parseOccurrence('2023'), recordedAt)).toBe(at('2023-06-21T16:00:00Z'));
    expect(referenceInstant(parseOccurrence('2023-12-10'), recordedAt)).toBe(at('2023-12-10T04:00:00Z'));
    expect(referenceInstant(parseOccurrence('2023-12-09'), recordedAt)).toBe(at('2023-12-09T12:00:00Z'));
    for (const occurredOn of ['2023', '2023-12', '2023-12-10']) expect(referenceInstant(parseOccurrence(occurredOn), recordedAt)).toBeLessThanOrEqual(recordedAt);
  });

  it('is after the incident it answers: the middle of what is left of the period after the cause', () => {
    const recordedLater = at('2026-12-02T16:00:00Z');
    // The seed story: Azerbaijan expels two French diplomats on 26 December 2023 (noon); France answers "in December".
    const azerbaijanExpels = referenceInstant(parseOccurrence('2023-12-26'), recordedLater);
    const franceAnswers = referenceInstant(parseOccurrence('2023-12'), recordedLater, azerbaijanExpels);
    expect(franceAnswers).toBe(at('2023-12-29T06:00:00Z'));
    expect(franceAnswers).toBeGreaterThan(azerbaijanExpels);
    // A cause before the period leaves the period as it is; a day-precise answer keeps its day.
    expect(referenceInstant(parseOccurrence('2023-12'), recordedLater, at('2023-11-20T00:00:00Z'))).toBe(at('2023-12-16T12:00:00Z'));
    expect(referenceInstant(parseOccurrence('2023-12-26'), recordedLater, azerbaijanExpels)).toBe(at('2023-12-26T18:00:00Z'));
    // Between the cause and the recording.
    expect(referenceInstant(parseOccurrence('2023-12'), at('2023-12-28T12:00:00Z'), azerbaijanExpels)).toBe(at('2023-12-27T12:00:00Z'));
  });
});

describe('isInFuture', () => {
  const now = at('2024-06-01T00:00:00Z');

  it('is true only for a period that has not begun yet', () => {
    expect(isInFuture(parseOccurrence('2024-06-02'), now)).toBe(true);
    expect(isInFuture(parseOccurrence('2024-07'), now)).toBe(true);
    expect(isInFuture(parseOccurrence('2025'), now)).toBe(true);
    expect(isInFuture(parseOccurrence('2024-06-01T00:00:00.001Z'), now)).toBe(true);
  });

  it('is false for a period that has begun, even when it is still running', () => {
    expect(isInFuture(parseOccurrence('2024-06-01'), now)).toBe(false);
    expect(isInFuture(parseOccurrence('2024-06'), now)).toBe(false);
    expect(isInFuture(parseOccurrence('2024'), now)).toBe(false);
    expect(isInFuture(parseOccurrence('2024-06-01T00:00Z'), now)).toBe(false);
    expect(isInFuture(parseOccurrence('2024-05-31'), now)).toBe(false);
  });
});
