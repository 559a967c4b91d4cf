import { readFileSync } from 'node:fs';
import type { EscalationLevel } from '../../src/domain/escalation.js';
import { ESCALATION_LEVELS } from '../../src/domain/escalation.js';
import type { IncidentEvent } from '../../src/domain/incident.js';
import type { IncidentType } from '../../src/domain/incident-types.js';
import type { ReportIncident } from '../../src/domain/relation.decider.js';
import { describeRelation, foldRelation, scoredIncidents } from '../oracle/relation-fold.js';
import { relationAsOf } from '../oracle/relation-history.js';
import { judgeMonth } from '../../src/domain/monthly-judgement.js';
import { aReport, incidentId, record } from './decider-harness.js';
import { DAY_MS } from '../../src/domain/numbers.js';

/**
 * Calibration: real episodes from the public record, recorded through the real decider, read as an
 * analyst would read them — levels and orderings, not exact numbers. The README's "Escalation
 * score" section lists the same episodes beside the constants they calibrate.
 */

const RECORDED = '2026-12-01T00:00:00Z';
const RANK = new Map<EscalationLevel, number>(ESCALATION_LEVELS.map((band, rank) => [band.level, rank]));

interface Step {
  type: IncidentType;
  by: string;
  on: string;
  to: string;
  details?: ReportIncident['data']['details'];
}

function episode(steps: Step[]): IncidentEvent[] {
  return record(steps.map(({ type, by, to, on, details }) => aReport(type, { actor: by, target: to, occurredOn: on, details: details ?? {}, recordedAt: RECORDED })));
}

/** The escalation of the pair as it stood at the end of `day` (UTC). */
function on(events: IncidentEvent[], day: string) {
  const atMs = Date.parse(`${day}T23:59:59.999Z`);
  const { state, scored } = relationAsOf(events[0].data.actor, events[0].data.target, events, atMs);
  return describeRelation(state, scored, atMs, new Date(atMs).toISOString()).escalation;
}

const levelOn = (events: IncidentEvent[], day: string) => on(events, day).level;
const atLeast = (level: EscalationLevel, floor: EscalationLevel) => RANK.get(level)! >= RANK.get(floor)!;

/** Every day from `from` to `to`, as YYYY-MM-DD. */
function days(from: string, to: string, stepDays = 1): string[] {
  const out: string[] = [];
  for (let at = Date.parse(from); at <= Date.parse(to); at += stepDays * DAY_MS) out.push(new Date(at).toISOString().slice(0, 10));
  return out;
}

// Saudi Arabia (with the UAE, Bahrain and Egypt) cut ties with Qatar on 5 June 2017 and closed
// land, sea and air links; the Al-Ula declaration of 5 January 2021 restored relations and lifted them.
const saudiQatar = episode([
  { type: 'DiplomaticRelationsSevered', by: 'SAU', to: 'QAT', on: '2017-06-05' },
  { type: 'SanctionsImposed', by: 'SAU', to: 'QAT', on: '2017-06-05', details: { scope: ['trade', 'travel'] } },
  { type: 'DiplomaticRelationsRestored', by: 'SAU', to: 'QAT', on: '2021-01-05' },
  { type: 'SanctionsEased', by: 'SAU', to: 'QAT', on: '2021-01-05' },
]);

// 24 February 2022: Russia's full-scale invasion; Ukraine severs diplomatic relations the same day;
// Ukraine bans imports from Russia on 9 April 2022. No ceasefire since.
const russiaUkraine = episode([
  { type: 'MilitaryOffensive', by: 'RUS', to: 'UKR', on: '2022-02-24', details: { region: 'Ukraine (full-scale invasion)' } },
  { type: 'DiplomaticRelationsSevered', by: 'UKR', to: 'RUS', on: '2022-02-24' },
  { type: 'SanctionsImposed', by: 'UKR', to: 'RUS', on: '2022-04-09', details: { scope: ['trade'] } },
]);

// China recalls its ambassador on 10 August 2021 over the Taiwanese Representative Office in
// Vilnius and asks Lithuania to recall its own (done on 3 September); on 21 November 2021 China
// downgrades relations to chargé d'affaires level. Nothing has restored them since.
const chinaLithuania = episode([
  { type: 'AmbassadorRecalled', by: 'CHN', to: 'LTU', on: '2021-08-10' },
  { type: 'AmbassadorRecalled', by: 'LTU', to: 'CHN', on: '2021-09-03' },
  { type: 'DiplomaticRelationsDowngraded', by: 'CHN', to: 'LTU', on: '2021-11-21' },
]);

// The Pahalgam attack of 22 April 2025: India blames Pakistan, expels its defence advisers and
// suspends visas and trade; Pakistan answers in kind. India strikes on 7 May (Operation Sindoor),
// Pakistan strikes back with drones and missiles on 8 May; both sides agree a ceasefire on 10 May.
const indiaPakistan = episode([
  { type: 'Accusation', by: 'IND', to: 'PAK', on: '2025-04-23' },
  { type: 'DiplomatsExpelled', by: 'IND', to: 'PAK', on: '2025-04-23', details: { diplomats: 5 } },
  { type: 'SanctionsImposed', by: 'IND', to: 'PAK', on: '2025-04-23', details: { scope: ['trade', 'travel'] } },
  { type: 'ReciprocalExpulsion', by: 'PAK', to: 'IND', on: '2025-04-24', details: { diplomats: 5 } },
  { type: 'SanctionsImposed', by: 'PAK', to: 'IND', on: '2025-04-24', details: { scope: ['trade', 'travel'] } },
  { type: 'MilitaryOffensive', by: 'IND', to: 'PAK', on: '2025-05-07', details: { region: 'Operation Sindoor' } },
  { type: 'MilitaryOffensive', by: 'PAK', to: 'IND', on: '2025-05-08' },
  { type: 'CeasefireDeclared', by: 'PAK', to: 'IND', on: '2025-05-10' },
]);

// Colombia breaks off relations with Israel over the war in Gaza (effective 2 May 2024).
const colombiaIsrael = episode([{ type: 'DiplomaticRelationsSevered', by: 'COL', to: 'ISR', on: '2024-05-02' }]);

describe('calibration on real episodes', () => {
  it('Saudi Arabia–Qatar reads rupture from the June 2017 severance through three and a half years without incidents, and not after the Al-Ula restoration', () => {
    for (const day of ['2017-06-05', '2017-12-31', '2018-06-30', '2019-06-30', '2020-06-30', '2021-01-04']) expect([day, levelOn(saudiQatar, day)]).toEqual([day, 'rupture']);
    for (const day of ['2021-01-05', '2021-03-01', '2021-12-31']) expect(levelOn(saudiQatar, day)).not.toBe('rupture');
    // Mending: the embassies' posts wait for new ambassadors — calm, not a protest.
    expect(on(saudiQatar, '2021-06-30')).toMatchObject({ level: 'calm', conditions: [{ kind: 'ambassador_post_vacant' }, { kind: 'ambassador_post_vacant' }] });
    // The severance is what keeps it there, named as an analyst would.
    expect(on(saudiQatar, '2019-06-30').conditions[0]).toMatchObject({
      kind: 'relations_severed',
      description: 'Diplomatic relations severed by Saudi Arabia since 5 Jun 2017',
    });
  });

  it('Russia–Ukraine never reads below crisis while relations are severed and the war goes on — it reads rupture', () => {
    for (const day of days('2022-02-24', '2026-11-30', 7)) expect([day, levelOn(russiaUkraine, day)]).toEqual([day, 'rupture']);
    expect(on(russiaUkraine, '2025-06-30').conditions.map((c) => c.kind)).toEqual(['relations_severed', 'hostilities', 'sanctions']);
  });

  it('China–Lithuania is not calm while relations stay downgraded to chargé level, and reads more tense than with one ambassador away', () => {
    for (const day of days('2021-11-21', '2026-11-30', 30)) expect(atLeast(levelOn(chinaLithuania, day), 'friction')).toBe(true);
    expect(on(chinaLithuania, '2024-06-30').score).toBeGreaterThan(on(chinaLithuania, '2021-08-31').score);
    expect(on(chinaLithuania, '2021-08-31').conditions.map((c) => c.description)).toEqual(["China's ambassador withdrawn since 10 Aug 2021"]);
    expect(on(chinaLithuania, '2024-06-30').conditions.map((c) => c.description)).toEqual([
      'Diplomatic relations downgraded below ambassador level by China since 21 Nov 2021',
    ]);
  });

  it('India–Pakistan peaks with the strikes of May 2025, not after the ceasefire of 10 May, and eases once it holds', () => {
    const spring = days('2025-04-20', '2025-07-31').map((day) => ({ day, score: on(indiaPakistan, day).score }));
    const peak = spring.reduce((best, point) => (point.score > best.score ? point : best));
    expect(peak.day >= '2025-05-07' && peak.day < '2025-05-10').toBe(true);
    expect(levelOn(indiaPakistan, '2025-05-08')).toBe('rupture');
    expect(on(indiaPakistan, '2025-05-10').score).toBeLessThan(on(indiaPakistan, '2025-05-09').score);
    // The sanctions both ways still stand in July: not calm, but no longer crisis.
    expect(levelOn(indiaPakistan, '2025-07-31')).toMatch(/^(friction|strained)$/);
  });

  it('Colombia–Israel reads rupture for as long as relations stay severed', () => {
    for (const day of ['2024-05-02', '2024-12-31', '2026-11-30']) expect(levelOn(colombiaIsrael, day)).toBe('rupture');
  });

  it('orders the episodes as an analyst would in mid-2024: war and severance, then severance, then a downgrade', () => {
    const scoreOn = (events: IncidentEvent[]) => on(events, '2024-06-30').score;
    expect(scoreOn(russiaUkraine)).toBeGreaterThan(scoreOn(colombiaIsrael));
    expect(scoreOn(colombiaIsrael)).toBeGreaterThan(scoreOn(chinaLithuania));
    expect(scoreOn(chinaLithuania)).toBeGreaterThan(scoreOn(saudiQatar));
  });
});

describe('monthly judgements on real episodes', () => {
  /** The month `month` (YYYY-MM) against the end of the month before, as GET …/months judges it. */
  function month(events: IncidentEvent[], monthKey: string) {
    const [y, m] = monthKey.split('-').map(Number);
    const end = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const before = on(events, end(Date.UTC(y, m - 1, 0)));
    const after = on(events, end(Date.UTC(y, m, 0)));
    const inMonth = events.filter((e) => e.data.occurredOn.startsWith(monthKey)).length;
    // The peak from the end of each day of the month (the API looks right after each day's last incident).
    const peak = days(`${monthKey}-01`, end(Date.UTC(y, m, 0)))
      .map((day) => ({ day, score: on(events, day).score }))
      .reduce((best, point) => (point.score > best.score ? point : best), { day: `${monthKey}-01`, score: before.score });
    return judgeMonth(monthKey, before, after, { conflict: inMonth, cooperation: 0 }, peak);
  }

  it('judges April 2022 deteriorated for Russia–Ukraine although the score barely moves near 100: sanctions began', () => {
    const april = month(russiaUkraine, '2022-04');
    expect(Math.abs(april.change)).toBeLessThan(5);
    expect(april.judgement).toBe('deteriorated');
    expect(april.reasons).toContain("Began: Ukraine's trade sanctions on Russia in force since 9 Apr 2022");
  });

  it('judges India–Pakistan: April and May 2025 deteriorated — May flared up although it ended with a ceasefire —, June improved', () => {
    expect(month(indiaPakistan, '2025-04').judgement).toBe('deteriorated');
    const may = month(indiaPakistan, '2025-05');
    expect(may.change).toBeLessThan(5);
    expect(may).toMatchObject({ judgement: 'deteriorated', peakOn: '2025-05-08' });
    expect(may.reasons).toContain(`Flared up: ${may.peak} on 2025-05-08, from ${may.scoreBefore}`);
    expect(month(indiaPakistan, '2025-06')).toMatchObject({ judgement: 'improved', reasons: [expect.stringMatching(/^Momentum down .*earlier incidents fading$/)] });
  });

  it('judges January 2021 improved for Saudi Arabia–Qatar: the severance and the sanctions ended', () => {
    const january = month(saudiQatar, '2021-01');
    expect(january.judgement).toBe('improved');
    expect(january.reasons).toEqual(
      expect.arrayContaining(['Ended: Diplomatic relations severed by Saudi Arabia since 5 Jun 2017', "Ended: Saudi Arabia's trade, travel sanctions on Qatar in force since 5 Jun 2017"]),
    );
  });
});

describe('the seed story on the calibration scale', () => {
  const seeds = JSON.parse(readFileSync(new URL('../../seeds/2023-12-azerbaijan-france.json', import.meta.url), 'utf8')) as {
    incidents: { type: IncidentType; actor: string; target: string; occurredOn: string; details?: ReportIncident['data']['details'] }[];
  };
  const story = seeds.incidents.filter((i) => [i.actor, i.target].sort().join('-') === 'AZE-FRA');
  // As the seed loader does: an answer names what it answers by its key.
  const idOf = new Map(story.map((i, n) => [(i as { key?: string }).key, incidentId(n + 1)]));
  const azeFra = record(
    story.map((i, n) => {
      const answers = i.details?.inResponseTo;
      const details = typeof answers === 'string' ? { ...i.details, inResponseTo: idOf.get(answers)! } : (i.details ?? {});
      return aReport(i.type, { incidentId: incidentId(n + 1), actor: i.actor, target: i.target, occurredOn: i.occurredOn, details, recordedAt: RECORDED });
    }),
  );

  it('reads strained on 28 December 2023, Azerbaijan’s expulsion still unanswered, and calm today with nothing standing', () => {
    const december = on(azeFra, '2023-12-28');
    expect(december.level).toBe('strained');
    expect(december.conditions.map((c) => c.description)).toEqual(["Azerbaijan's expulsion of 2 diplomats of France on 26 Dec 2023, not answered yet"]);
    const today = on(azeFra, '2026-11-30');
    expect({ level: today.level, conditions: today.conditions }).toEqual({ level: 'calm', conditions: [] });
  });

  it('counts France’s reciprocal expulsion and its summons in protest ("2023-12") after the Azerbaijani expulsion of 26 December', () => {
    const scored = scoredIncidents(azeFra);
    const answer = scored.find((i) => i.type === 'ReciprocalExpulsion')!;
    const cause = scored.find((i) => i.incidentId === answer.context.data.inResponseTo)!;
    const protest = scored.find((i) => i.type === 'AmbassadorSummoned' && i.actor === 'FRA')!;
    expect(cause.occurredOn).toBe('2023-12-26');
    expect(protest.context.data.inResponseTo).toBe(cause.incidentId);
    for (const response of [answer, protest]) {
      expect(response.atMs).toBeGreaterThan(cause.atMs);
      expect(new Date(response.atMs).toISOString()).toBe('2023-12-29T06:00:00.000Z');
    }
    // So on 28 December France had not answered yet; by the 30th it had.
    expect(foldRelation('AZE', 'FRA', azeFra).facts.expulsions.map((e) => e.by)).toEqual(['AZE', 'FRA']);
    expect(on(azeFra, '2023-12-30').conditions).toEqual([]);
  });
});
