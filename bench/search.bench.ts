/**
 * `npm run bench:search [-- --incidents 100000 --queries 200]`
 *
 * The incident search index (src/search/incident-text-index.ts) on generated incidents, in one run:
 *
 *   (a) baseline      one statement per incident, as a live event arrives: incidents/s
 *   (b) start         a page of 1,000 per transaction, as the log is read at start: incidents/s and
 *                     the ratio to (a)
 *   (c) queries       p50/p99 of words by relevance, words newest first, a country by occurrence
 *                     and the second page of each, over --queries random queries
 *
 * It reports; it does not judge.
 */
import { IncidentTextIndex, type IndexChange, type IndexedIncident, type SearchCriteria, type SearchHit } from '../src/search/incident-text-index.js';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const INCIDENTS = argument('incidents', 100_000);
const QUERIES = argument('queries', 200);
const WORDS = ['expels', 'summons', 'ambassador', 'sanctions', 'talks', 'Baku', 'Paris', 'diplomats', 'protest', 'agreement', 'border', 'ministry', 'ceasefire', 'condemns', 'accuses', 'Genève'];
const COUNTRIES = ['AZE', 'FRA', 'ARM', 'TUR', 'RUS', 'UKR', 'USA', 'CHN', 'IRN', 'ISR'];

/** A deterministic pseudo-random sequence, so runs compare. */
let state = 1;
const random = () => ((state = (state * 48271) % 2147483647) / 2147483647);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];

function incident(i: number): IndexedIncident {
  const actor = pick(COUNTRIES);
  let target = pick(COUNTRIES);
  while (target === actor) target = pick(COUNTRIES);
  return {
    incidentId: `id-${i}`,
    position: String(i + 1),
    actor,
    target,
    type: 'Accusation',
    occurredMs: Date.UTC(2000, 0, 1) + Math.floor(random() * 25 * 365) * 86_400_000,
    summary: Array.from({ length: 10 + Math.floor(random() * 20) }, () => pick(WORDS)).join(' '),
    sources: [{ publisher: `${pick(WORDS)} wire`, url: `https://example.org/${i}` }],
  };
}

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

const incidents = Array.from({ length: INCIDENTS }, (_, i) => incident(i));

const oneByOne = new IncidentTextIndex();
const baselineMs = timed(() => incidents.forEach((i) => oneByOne.add(i)));
oneByOne.close();

const index = new IncidentTextIndex();
const changes: IndexChange[] = incidents.map((i) => ({ kind: 'add', ...i }));
const pagedMs = timed(() => {
  for (let from = 0; from < changes.length; from += 1000) index.apply(changes.slice(from, from + 1000));
});

const rate = (ms: number) => Math.round(INCIDENTS / (ms / 1000)).toLocaleString('en');
console.log(`${INCIDENTS.toLocaleString('en')} incidents`);
console.log(`(a) baseline, one statement each   ${baselineMs.toFixed(0)} ms  ${rate(baselineMs)} incidents/s`);
console.log(`(b) start, pages of 1,000          ${pagedMs.toFixed(0)} ms  ${rate(pagedMs)} incidents/s  ×${(baselineMs / pagedMs).toFixed(1)} of (a)`);

const kinds: [string, () => Omit<SearchCriteria, 'limit' | 'includeRetracted'>][] = [
  ['words by relevance', () => ({ text: pick(WORDS).slice(0, 5), order: 'relevance' })],
  ['words newest first', () => ({ text: `${pick(WORDS)} ${pick(WORDS)}`, order: '-reported' })],
  ['country by occurrence', () => ({ country: pick(COUNTRIES), order: 'occurred' })],
];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
for (const [name, criteria] of kinds) {
  const first: number[] = [];
  const second: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const asked = { ...criteria(), limit: 50, includeRetracted: false };
    let page: SearchHit[] = [];
    first.push(timed(() => (page = index.search(asked))));
    if (page.length > 50) second.push(timed(() => index.search({ ...asked, afterPosition: page[49].position })));
  }
  const [a, b] = [first.sort((x, y) => x - y), second.sort((x, y) => x - y)];
  console.log(`(c) ${name.padEnd(22)} p50 ${percentile(a, 0.5).toFixed(1)} ms  p99 ${percentile(a, 0.99).toFixed(1)} ms · page 2 p50 ${b.length ? percentile(b, 0.5).toFixed(1) : '–'} ms  p99 ${b.length ? percentile(b, 0.99).toFixed(1) : '–'} ms`);
}
index.close();
