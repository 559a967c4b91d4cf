/**
 * Generates a realistic event log for `bench/replay.bench.ts`, straight into a fresh SQLite store
 * through the EventStore port (far faster than HTTP, same events).
 *
 * Every event is what the decider decides for a report, correction or retraction against the
 * pair's state (src/domain/relation.decider.ts): types the relation does not allow at that point
 * are rejected by the decider and replaced by an accusation, expulsions answering the other side's
 * become ReciprocalExpulsion, and so on. The mix:
 *  - pairs: `pairs` distinct country pairs, activity Zipf-distributed (exponent `skew`): the two
 *    busiest pairs between the most newsworthy countries carry a large share, thousands of pairs
 *    see a handful of incidents;
 *  - time: reports spread evenly over 2014–2024; most occurred the day they were reported, some
 *    days or weeks earlier, a few (late reports) months earlier; dates mostly to the day, some to
 *    the month or year, a few to the minute;
 *  - types: statements, summonses, threats, talks and agreements make up the chatter; structural
 *    incidents (expulsions, recalls, sanctions, severing) are rare per pair, as in life — a busy
 *    pair does not expel diplomats a thousand times a decade;
 *  - amendments: about 1.5 % corrections and 0.5 % retractions of recent statements.
 */
import countries from 'i18n-iso-countries';
import { v7 as uuidv7 } from 'uuid';
import { RelationRuleViolation } from '../src/domain/domain-errors.js';
import type { IncidentDetails, IncidentEvent, RelationEvent, Source } from '../src/domain/incident.js';
import { INCIDENT_CATALOG, SANCTION_SCOPES } from '../src/domain/incident-catalog.js';
import type { IncidentType } from '../src/domain/incident-types.js';
import { parseOccurrence } from '../src/domain/occurrence.js';
import { factsOf, relationDecider, type RelationCommand, type RelationDecisionState } from '../src/domain/relation.decider.js';

const { decide, evolve, initialState } = relationDecider;
import { ambassadorOf, unansweredExpulsions } from '../src/domain/relation-facts.js';
import { pairKey, relationStreamId } from '../src/domain/relation-pair.js';
import type { JsonObject } from '../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';

export interface GenerateOptions {
  file: string;
  events: number;
  pairs: number;
  /** Zipf exponent of pair activity. */
  skew: number;
  seed: number;
  onProgress?(written: number): void;
}

export interface GeneratedLog {
  events: number;
  reports: number;
  corrections: number;
  retractions: number;
  /** Reports the decider refused as posted (replaced by an accusation). */
  refused: number;
  pairs: number;
  busiest: { pair: string; events: number }[];
  /** Events of the median pair. */
  medianPairEvents: number;
  countsByType: Record<string, number>;
  ms: number;
}

const START_MS = Date.UTC(2014, 0, 1);
const END_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;
/** Appends issued before awaiting: the store group-commits them in one transaction. */
const BATCH = 20_000;
/** Structural incidents a pair sees over the whole span, at most (on average). */
const STRUCTURAL_BUDGET = 80;
/** Recent statements per pair that may still be corrected or retracted. */
const AMENDABLE_PER_PAIR = 16;

const CHATTER: [IncidentType, number][] = [
  ['TalksHeld', 22],
  ['Accusation', 17],
  ['PublicCondemnation', 15],
  ['AmbassadorSummoned', 7],
  ['ThreatIssued', 7],
  ['AgreementSigned', 6],
  ['OppositionRallied', 4],
  ['MeetingBoycotted', 3],
  ['MilitaryAidPledged', 2],
  ['ArmsDealSigned', 1.5],
  ['MilitaryOffensive', 1.5],
];

const STRUCTURAL: [IncidentType, number][] = [
  ['DiplomatsExpelled', 25],
  ['SanctionsImposed', 25],
  ['SanctionsEased', 15],
  ['AmbassadorRecalled', 12],
  ['AmbassadorReturned', 12],
  ['DiplomaticRelationsRestored', 10],
  ['DiplomaticRelationsSevered', 1],
];

const PUBLISHERS = ['Reuters', 'Agence France-Presse', 'Associated Press', 'BBC Monitoring', 'Xinhua', 'TASS', 'Al Jazeera', 'Kyodo News', 'Anadolu Agency', 'EFE'];

const TOPICS: Partial<Record<IncidentType, string[]>> = {
  Accusation: ['interfering in its internal affairs', 'espionage against its defence industry', 'backing separatists', 'a disinformation campaign before the elections', 'violating the ceasefire'],
  PublicCondemnation: ['the arrest of opposition figures', 'a missile test', 'the treatment of its nationals', 'strikes on civilian infrastructure'],
  ThreatIssued: ['retaliatory tariffs', 'closing its airspace', 'a military response', 'cutting gas supplies'],
  TalksHeld: ['trade and energy', 'border demarcation', 'visa liberalisation', 'a prisoner exchange', 'regional security'],
  AgreementSigned: ['a trade agreement', 'a memorandum on energy cooperation', 'an extradition treaty', 'a cultural exchange programme'],
};

/** Deterministic pseudo-random numbers (mulberry32), so a given seed gives the same log. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PairState {
  key: string;
  a: string;
  b: string;
  streamId: string;
  revision: number;
  /**
   * The decider's state over the pair's incidents that have rules or effects (expulsions, recalls,
   * sanctions, …). Statements and talks have neither, so leaving them out changes no decision, and
   * keeps deciding cheap on a pair with a hundred thousand incidents.
   */
  decision: RelationDecisionState;
  events: number;
  /** Chance that an incident of this pair is structural, so that each pair sees about STRUCTURAL_BUDGET. */
  structuralShare: number;
  amendable: IncidentEvent[];
}

export async function generateLog(options: GenerateOptions): Promise<GeneratedLog> {
  const started = performance.now();
  const rand = random(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const weighted = (table: [IncidentType, number][]) => {
    let r = rand() * table.reduce((sum, [, w]) => sum + w, 0);
    for (const [type, w] of table) if ((r -= w) < 0) return type;
    return table[0][0];
  };

  const pairs = choosePairs(options.pairs, options.skew, options.events, rand);
  const cumulative: number[] = [];
  let total = 0;
  for (const pair of pairs) cumulative.push((total += pair.weight));
  const pairFor = (r: number) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r * total) hi = mid;
      else lo = mid + 1;
    }
    return pairs[lo].state;
  };

  const store = new SqliteEventStore({ file: options.file });
  const counts: Record<string, number> = {};
  const outcome = { reports: 0, corrections: 0, retractions: 0, refused: 0 };
  let pending: Promise<unknown>[] = [];
  try {
    for (let i = 0; i < options.events; i++) {
      const pair = pairFor(rand());
      const recordedMs = START_MS + ((i + rand()) * (END_MS - START_MS)) / options.events;
      const recordedAt = new Date(recordedMs).toISOString();
      const event = amendOrReport(pair, recordedMs, recordedAt);
      counts[event.type] = (counts[event.type] ?? 0) + 1;
      pending.push(
        store.append(
          pair.streamId,
          [{ eventId: uuidv7({ msecs: Math.floor(recordedMs) }), type: event.type, data: event.data as unknown as JsonObject }],
          pair.revision < 0 ? 'no_stream' : pair.revision,
        ),
      );
      pair.revision++;
      pair.events++;
      if (pending.length === BATCH) {
        await Promise.all(pending);
        pending = [];
        options.onProgress?.(i + 1);
      }
    }
    await Promise.all(pending);
  } finally {
    await store.close();
  }

  const byActivity = pairs.map((p) => p.state).sort((x, y) => y.events - x.events);
  return {
    events: options.events,
    ...outcome,
    pairs: byActivity.filter((p) => p.events > 0).length,
    busiest: byActivity.slice(0, 5).map((p) => ({ pair: p.key, events: p.events })),
    medianPairEvents: byActivity[Math.floor(byActivity.length / 2)].events,
    countsByType: counts,
    ms: performance.now() - started,
  };

  function amendOrReport(pair: PairState, recordedMs: number, recordedAt: string): RelationEvent {
    const r = rand();
    if (pair.amendable.length > 0 && r < 0.02) {
      const amended = amend(pair, recordedMs, recordedAt, r < 0.005 ? 'retract' : 'correct');
      if (amended) return amended;
    }
    return report(pair, recordedMs, recordedAt);
  }

  function amend(pair: PairState, recordedMs: number, recordedAt: string, action: 'retract' | 'correct'): RelationEvent | undefined {
    const index = Math.floor(rand() * pair.amendable.length);
    const incident = pair.amendable[index];
    const { incidentId } = incident.data;
    let command: RelationCommand;
    if (action === 'retract') {
      command = { type: 'RetractIncident', data: { incidentId, reason: 'The report was not confirmed by a second source', recordedAt } };
    } else {
      const what = rand();
      const changes =
        what < 0.5 ? { summary: `${incident.data.summary} (corrected)` }
        : what < 0.8 ? { occurredOn: earlierDate(incident.data.occurredOn) }
        : { sources: [...incident.data.sources, source(recordedMs, incident.type, incident.data.sources.length + 1)] };
      command = { type: 'CorrectIncident', data: { incidentId, changes, reason: 'A later dispatch gives more accurate information', recordedAt } };
    }
    let event: RelationEvent;
    try {
      // Statements have no rules or effects: the decider needs only them and the pair's structural incidents.
      [event] = decide(command, evolve(pair.decision, incident));
    } catch (error) {
      if (error instanceof RelationRuleViolation) return undefined;
      throw error;
    }
    if (event.type === 'IncidentRetracted') {
      pair.amendable.splice(index, 1);
      outcome.retractions++;
    } else if (event.type === 'IncidentCorrected') {
      pair.amendable[index] = { type: incident.type, data: { ...incident.data, ...event.data.changes } };
      outcome.corrections++;
    }
    return event;
  }

  function report(pair: PairState, recordedMs: number, recordedAt: string): IncidentEvent {
    const structural = rand() < pair.structuralShare;
    const posted = structural ? weighted(STRUCTURAL) : weighted(CHATTER);
    const [actor, target] = directionFor(posted, pair);
    const occurredOn = occurrence(recordedMs);
    const report = {
      incidentId: uuidv7({ msecs: Math.floor(recordedMs) }),
      incidentType: posted,
      actor,
      target,
      occurredOn,
      summary: summary(posted, actor, target),
      sources: Array.from({ length: 1 + Math.floor(rand() * rand() * 3) }, (_, n) => source(recordedMs, posted, n + 1)),
      details: details(posted, pair, actor, target),
      recordedAt,
    };
    let event: IncidentEvent;
    try {
      [event] = decide({ type: 'ReportIncident', data: report }, pair.decision) as IncidentEvent[];
    } catch (error) {
      if (!(error instanceof RelationRuleViolation)) throw error;
      outcome.refused++;
      [event] = decide({ type: 'ReportIncident', data: { ...report, incidentType: 'Accusation', summary: summary('Accusation', actor, target), details: {} } }, pair.decision) as IncidentEvent[];
    }
    const { effect, violation } = INCIDENT_CATALOG[event.type];
    if (effect || violation) {
      pair.decision = evolve(pair.decision, event);
    } else {
      pair.amendable.push(event);
      if (pair.amendable.length > AMENDABLE_PER_PAIR) pair.amendable.shift();
    }
    outcome.reports++;
    return event;
  }

  /** Who acts on whom: whoever the incident makes sense for (an expelled side answers, a recalled ambassador returns). */
  function directionFor(type: IncidentType, pair: PairState): [string, string] {
    const { a, b } = pair;
    const facts = factsOf(pair.decision);
    const either = (wanted: (country: string) => boolean): [string, string] => {
      const [first, second] = rand() < 0.5 ? [a, b] : [b, a];
      if (wanted(first)) return [first, second];
      return wanted(second) ? [second, first] : [first, second];
    };
    switch (type) {
      case 'DiplomatsExpelled':
        // Tit for tat: the side whose diplomats were expelled and has not answered yet answers.
        return either((country) => unansweredExpulsions(facts, country === a ? b : a, country).length > 0);
      case 'AmbassadorReturned':
        return either((country) => ambassadorOf(facts, country) !== 'in_post');
      case 'AmbassadorRecalled':
        return either((country) => ambassadorOf(facts, country) === 'in_post');
      case 'SanctionsEased':
        return either((country) => (facts.sanctions[country] ?? []).length > 0);
      default:
        return rand() < 0.5 ? [a, b] : [b, a];
    }
  }

  function details(type: IncidentType, pair: PairState, actor: string, target: string): IncidentDetails {
    switch (type) {
      case 'DiplomatsExpelled': {
        const diplomats = rand() < 0.9 ? 1 + Math.floor(rand() * 4) : 5 + Math.floor(rand() * 36);
        return {
          diplomats,
          ...(rand() < 0.4 ? { deadlineHours: pick([24, 48, 72, 168]) } : {}),
          ...(rand() < 0.05 && ambassadorOf(factsOf(pair.decision), target) === 'in_post' ? { includesAmbassador: true } : {}),
        };
      }
      case 'SanctionsImposed': {
        const scope = new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(SANCTION_SCOPES)));
        return { scope: [...scope] };
      }
      case 'SanctionsEased': {
        const inForce = factsOf(pair.decision).sanctions[actor] ?? [];
        return rand() < 0.5 && inForce.length > 0 ? { scope: [pick(inForce)] } : {};
      }
      case 'MeetingBoycotted':
        return { meeting: pick(['G20 summit', 'OSCE ministerial council', 'peace conference', 'UN General Assembly debate']), ...(rand() < 0.5 ? { place: pick(['Geneva', 'Vienna', 'New York', 'Paris']) } : {}) };
      case 'AmbassadorSummoned':
        return rand() < 0.3 ? { ambassadorName: 'H.E. the Ambassador' } : {};
      case 'PublicCondemnation':
      case 'Accusation':
      case 'ThreatIssued':
        return rand() < 0.5 ? { speaker: pick(['Foreign ministry spokesperson', 'President', 'Prime minister', 'Foreign minister']) } : {};
      case 'OppositionRallied':
        return rand() < 0.5 ? { forum: pick(['UN Security Council', 'UN Human Rights Council', 'European Council']) } : {};
      case 'MilitaryOffensive':
        return rand() < 0.5 ? { region: pick(['the border region', 'the disputed enclave', 'the northern provinces']) } : {};
      case 'TalksHeld':
      case 'AgreementSigned':
      case 'MilitaryAidPledged':
      case 'ArmsDealSigned':
        return rand() < 0.5 ? { agreement: pick(TOPICS.AgreementSigned!) } : {};
      default:
        return {};
    }
  }

  function summary(type: IncidentType, actor: string, target: string): string {
    const [from, to] = [countryName(actor), countryName(target)];
    switch (type) {
      case 'Accusation':
        return `${from} accuses ${to} of ${pick(TOPICS.Accusation!)}`;
      case 'PublicCondemnation':
        return `${from} condemns ${to} over ${pick(TOPICS.PublicCondemnation!)}`;
      case 'ThreatIssued':
        return `${from} threatens ${to} with ${pick(TOPICS.ThreatIssued!)}`;
      case 'TalksHeld':
        return `${from} and ${to} hold talks on ${pick(TOPICS.TalksHeld!)}`;
      case 'AgreementSigned':
        return `${from} and ${to} sign ${pick(TOPICS.AgreementSigned!)}`;
      default:
        return `${INCIDENT_CATALOG[type].description.replace('The actor', from).replace('the target', to)}`.slice(0, 280);
    }
  }

  function source(recordedMs: number, type: IncidentType, n: number): Source {
    const day = new Date(recordedMs).toISOString().slice(0, 10);
    return {
      url: `https://news.example.org/${day.replaceAll('-', '/')}/${type.toLowerCase()}-${Math.floor(rand() * 1e6)}`,
      publisher: pick(PUBLISHERS),
      ...(rand() < 0.5 ? { title: `${type.replace(/([a-z])([A-Z])/g, '$1 $2')} (${n})` } : {}),
      ...(rand() < 0.7 ? { publishedOn: day } : {}),
    };
  }

  /** When the reported incident happened, at the precision the reporting gives; never after the report. */
  function occurrence(recordedMs: number): string {
    const r = rand();
    const lagDays = r < 0.7 ? 0 : r < 0.9 ? 1 + Math.floor(rand() * 3) : r < 0.97 ? 4 + Math.floor(rand() * 27) : 30 + Math.floor(rand() * 330);
    const atMs = Math.max(START_MS - 365 * DAY_MS, recordedMs - lagDays * DAY_MS - rand() * (lagDays === 0 ? recordedMs % DAY_MS : DAY_MS));
    const iso = new Date(atMs).toISOString();
    const p = rand();
    if (p < 0.85) return iso.slice(0, 10);
    if (p < 0.94) return iso.slice(0, 7);
    if (p < 0.97) return iso.slice(0, 4);
    return `${iso.slice(0, 16)}Z`;
  }

  /** A day shortly before the reported period began: a correction of when it happened. */
  function earlierDate(occurredOn: string): string {
    return new Date(parseOccurrence(occurredOn).startMs - (1 + Math.floor(rand() * 3)) * DAY_MS).toISOString().slice(0, 10);
  }
}

function countryName(code: string): string {
  return countries.getName(code, 'en') ?? code;
}

/** The countries most often in diplomatic news, most prominent first; the rest follow in random order. */
const PROMINENT = ['USA', 'RUS', 'CHN', 'UKR', 'ISR', 'IRN', 'GBR', 'FRA', 'DEU', 'TUR', 'IND', 'PAK', 'PRK', 'KOR', 'JPN', 'SAU', 'SYR', 'ARM', 'AZE', 'POL'];

/** `count` distinct pairs, the most active between the most newsworthy countries; weights Zipf(skew) by rank. */
function choosePairs(count: number, skew: number, events: number, rand: () => number) {
  const rest = Object.keys(countries.getAlpha3Codes()).filter((code) => !PROMINENT.includes(code)).sort();
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  const codes = [...PROMINENT, ...rest];
  const prominence = codes.map((_, rank) => 1 / (rank + 1));
  const maxPairs = (codes.length * (codes.length - 1)) / 2;
  if (count > maxPairs) throw new Error(`at most ${maxPairs} pairs exist`);
  const cumulative: number[] = [];
  let total = 0;
  for (const p of prominence) cumulative.push((total += p));
  const country = () => {
    const r = rand() * total;
    return cumulative.findIndex((c) => c > r);
  };
  const chosen = new Map<string, { i: number; j: number }>();
  while (chosen.size < count) {
    const [i, j] = [country(), country()];
    if (i === j || i < 0 || j < 0) continue;
    chosen.set(pairKey(codes[i], codes[j]), { i, j });
  }
  const ranked = [...chosen.entries()].sort(([kx, x], [ky, y]) => prominence[y.i] * prominence[y.j] - prominence[x.i] * prominence[x.j] || kx.localeCompare(ky));
  const weights = ranked.map((_, rank) => 1 / Math.pow(rank + 1, skew));
  const weightTotal = weights.reduce((sum, w) => sum + w, 0);
  return ranked.map(([key], rank) => {
    const [a, b] = key.split('-');
    const expected = (events * weights[rank]) / weightTotal;
    const state: PairState = {
      key,
      a,
      b,
      streamId: relationStreamId(a, b),
      revision: -1,
      decision: initialState,
      events: 0,
      structuralShare: Math.min(0.05, STRUCTURAL_BUDGET / Math.max(expected, 1)),
      amendable: [],
    };
    return { weight: weights[rank], state };
  });
}
