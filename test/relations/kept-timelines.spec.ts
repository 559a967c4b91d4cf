import { RelationsReadModel } from '../../src/projections/relations.read-model.js';
import { KeptTimelines, timelineJson } from '../../src/relations/timeline-kept.js';
import { fixedClock } from '../support/test-app.js';

/** When a timeline's answer may be kept, and when a kept one still answers (the HTTP side: test/e2e/kept-timelines.e2e-spec.ts). */

const NOW = '2024-06-01T12:00:00.000Z';
const model = new RelationsReadModel(
  (a, b) => Number(a) - Number(b),
  async () => [],
);
const noEncoding = () => undefined;

describe('KeptTimelines', () => {
  it('keeps only a span, and a knownAt, that ended before now', () => {
    const kept = new KeptTimelines(fixedClock(NOW));
    expect(kept.keyOf('AZE', 'FRA', { from: '2024-01-01', to: '2024-05-31' })).toBeDefined();
    expect(kept.keyOf('AZE', 'FRA', { from: '2024-01-01', to: '2024-05-31', knownAt: '2024-05-31' })).toBeDefined();
    expect(kept.keyOf('AZE', 'FRA', { from: '2024-01-01' })).toBeUndefined();
    expect(kept.keyOf('AZE', 'FRA', { from: '2024-01-01', to: '2024-06-01' })).toBeUndefined();
    expect(kept.keyOf('AZE', 'FRA', { from: '2024-01-01', to: '2024-05-31', knownAt: '2024-06-01' })).toBeUndefined();
  });

  it('tells every question apart that shapes the answer', () => {
    const kept = new KeptTimelines(fixedClock(NOW));
    const base = { from: '2024-01-01', to: '2024-05-31' };
    const variants = [
      kept.keyOf('AZE', 'FRA', base),
      kept.keyOf('FRA', 'AZE', base),
      kept.keyOf('AZE', 'FRA', { ...base, from: '2024-01-02' }),
      kept.keyOf('AZE', 'FRA', { ...base, to: '2024-05-30' }),
      kept.keyOf('AZE', 'FRA', { ...base, interval: 'week' }),
      kept.keyOf('AZE', 'FRA', { ...base, knownAt: '2024-05-01' }),
      kept.keyOf('AZE', 'FRA', { ...base, incidents: 'all' }),
      kept.keyOf('AZE', 'FRA', { ...base, provenance: 'analyst' }),
      kept.keyOf('AZE', 'FRA', { ...base, minSources: 2 }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('answers while the pair is at the revision it was kept at and the clock is past the span', () => {
    const clock = fixedClock(NOW);
    const kept = new KeptTimelines(clock);
    const question = { from: '2024-01-01', to: '2024-05-31' };
    const key = kept.keyOf('AZE', 'FRA', question)!;
    kept.keep(model, key, question, 7, timelineJson('{"points":[]}', noEncoding));
    expect(kept.answer(model, key, 7, noEncoding)).toEqual({ body: '{"points":[]}' });
    expect(kept.answer(model, key, 8, noEncoding)).toBeUndefined();
    // A clock set back into the span: worked out again, as without the cache.
    clock.set('2024-05-31T12:00:00.000Z');
    expect(kept.answer(model, key, 7, noEncoding)).toBeUndefined();
    clock.set('2024-06-01T00:00:00.000Z');
    expect(kept.answer(model, key, 7, noEncoding)).toEqual({ body: '{"points":[]}' });
  });

  it('empties when the read model it was filled from is replaced', () => {
    const kept = new KeptTimelines(fixedClock(NOW));
    const question = { to: '2024-05-31' };
    const key = kept.keyOf('AZE', 'FRA', question)!;
    kept.keep(model, key, question, 1, timelineJson('[]', noEncoding));
    const rebuilt = new RelationsReadModel((a, b) => Number(a) - Number(b), async () => []);
    expect(kept.answer(rebuilt, key, 1, noEncoding)).toBeUndefined();
  });
});
