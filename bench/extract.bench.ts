/**
 * `npm run bench:extract`
 *
 * How well the extractor (src/extraction) reads news, in one run:
 *
 *   (a) seeds    the two seed articles in ../shared/seeds against the hand-coded incidents in
 *                seeds/2023-12-azerbaijan-france.json: recall of the gold incidents (type, actor, target,
 *                date at the gold's precision) and precision of the proposals, every miss and extra printed
 *   (b) PLOVER   the gold-standard sentences of ../shared/data/plover-gsr-cameo.half-a.json whose source and
 *                target are two different states: detection recall, category precision (types mapped to
 *                PLOVER through CAMEO, bench/plover-categories.ts), actor/target accuracy, every miss and
 *                wrong category printed with its sentence
 *   (c) speed    sentences per second over both sets, and the time for a 1,000-word article
 *
 * It reports; it does not judge. Targets (issue #16): seeds recall ≥ 0.9, precision ≥ 0.85; PLOVER
 * category precision ≥ 0.85, recall ≥ 0.7, actor/target ≥ 0.8; a 1,000-word article ≤ 100 ms.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { extractIncidents } from '../src/extraction/extract.js';
import type { ProposedIncident } from '../src/extraction/proposal.js';
import { seedsDirectory } from '../src/seeding/seed-loader.js';
import { isCountryCode } from '../src/domain/countries.js';
import { acrossArticles, scoreAgainstGold, type GoldIncident } from './extraction-scoring.js';
import { ploverCategory } from './plover-categories.js';
import { sharedFile } from './shared-data.js';
import { SEED_ARTICLES } from './seed-articles.js';

const line = (p: ProposedIncident) => `${p.type} ${p.actor}→${p.target} ${p.occurredOn} ${JSON.stringify(p.details)}`;
const fixed = (n: number) => n.toFixed(2);

function seeds(): number {
  const gold = (JSON.parse(readFileSync(`${seedsDirectory()}/2023-12-azerbaijan-france.json`, 'utf8')) as { incidents: GoldIncident[] }).incidents;
  let sentences = 0;
  const proposals: ProposedIncident[] = [];
  for (const article of SEED_ARTICLES) {
    const result = extractIncidents({ text: readFileSync(sharedFile('seeds', article.file), 'utf8'), publishedOn: article.publishedOn });
    sentences += result.sentences;
    proposals.push(...result.proposals);
  }
  const score = scoreAgainstGold(acrossArticles(proposals), gold);
  console.log(`\n(a) seed articles: ${gold.length} gold incidents, ${score.matched.length + score.extra.length} proposals`);
  console.log(`    recall ${fixed(score.recall)} (target ≥ 0.90)   precision ${fixed(score.precision)} (target ≥ 0.85)`);
  for (const [g, p] of score.matched) console.log(`    found  ${g.key}: ${line(p)} (confidence ${p.confidence})`);
  for (const g of score.missed) console.log(`    MISSED ${g.key}: ${g.type} ${g.actor}→${g.target} ${g.occurredOn}`);
  for (const p of score.extra) console.log(`    EXTRA  ${line(p)}\n           «${p.evidence.sentence.text}»\n           why: ${p.why}`);
  return sentences;
}

interface PloverRecord {
  id: string; date?: string; event: string; text?: string;
  source?: Array<{ code: string }>; target?: Array<{ code: string }>;
}

function plover(): number {
  const records = (JSON.parse(readFileSync(sharedFile('data', 'plover-gsr-cameo.half-a.json'), 'utf8')) as PloverRecord[])
    .filter((r) => r.text && r.source?.[0] && r.target?.[0] && isState(r.source[0].code) && isState(r.target[0].code) && iso(r.source[0].code) !== iso(r.target[0].code));
  let detected = 0; let rightCategory = 0; let rightParties = 0; let sentences = 0; let extras = 0;
  const report: string[] = [];
  for (const record of records) {
    const source = iso(record.source![0]!.code); const target = iso(record.target![0]!.code);
    const result = extractIncidents({ text: record.text!, publishedOn: /^\d{4}-\d{2}-\d{2}$/.test(record.date ?? '') ? record.date! : '2000-01-01' });
    sentences += result.sentences;
    const coded = result.proposals.map((p) => ({ p, category: ploverCategory(p.type, p.details) })).filter((c) => c.category);
    if (coded.length === 0) { report.push(`    MISSED ${record.id} ${record.event} ${source}→${target}\n           «${record.text}»`); continue; }
    detected++;
    // The proposal compared with the gold: one between the gold's two states if any, else the most confident.
    const best = coded.find((c) => c.p.actor === source && c.p.target === target && c.category === record.event)
      ?? coded.find((c) => c.p.actor === source && c.p.target === target)
      ?? coded.find((c) => c.category === record.event) ?? coded.sort((a, b) => b.p.confidence - a.p.confidence)[0]!;
    const categoryRight = best.category === record.event;
    const partiesRight = best.p.actor === source && best.p.target === target;
    if (categoryRight) rightCategory++;
    if (partiesRight) rightParties++;
    extras += coded.length - 1;
    if (!categoryRight || !partiesRight) report.push(`    WRONG  ${record.id} gold ${record.event} ${source}→${target}, proposed ${best.category} ${best.p.actor}→${best.p.target} (${best.p.type})\n           «${record.text}»\n           why: ${best.p.why}`);
    for (const other of coded.filter((c) => c !== best)) report.push(`    EXTRA  ${record.id} ${other.category} ${other.p.actor}→${other.p.target} (${other.p.type}) on "${other.p.evidence.trigger.text}"\n           «${record.text}»`);
  }
  console.log(`\n(b) PLOVER gold sentences between two states: ${records.length}`);
  console.log(`    detection recall ${fixed(detected / records.length)} (target ≥ 0.70)   category precision ${fixed(rightCategory / Math.max(1, detected))} (target ≥ 0.85)   actor/target right ${fixed(rightParties / Math.max(1, detected))} (target ≥ 0.80)   extra proposals ${extras}`);
  for (const entry of report) console.log(entry);
  return sentences;
}

/** The gold records use CAMEO actor codes; these few differ from ISO alpha-3 (the rest are the same). */
const ISO_OF_CAMEO_ACTOR: Readonly<Record<string, string>> = { JAP: 'JPN', VTN: 'VNM', ITL: 'ITA' };
const iso = (code: string) => ISO_OF_CAMEO_ACTOR[code] ?? code;

function isState(code: string): boolean {
  return isCountryCode(iso(code));
}

function speed(sentencesRead: number, elapsedMs: number): void {
  const article = readFileSync(sharedFile('seeds', SEED_ARTICLES[0].file), 'utf8');
  const words = article.split(/\s+/).length;
  const thousandWords = Array.from({ length: Math.ceil(1000 / words) }, () => article).join('\n\n').split(/(?<=\s)/).slice(0, 1000).join('');
  extractIncidents({ text: thousandWords, publishedOn: '2023-12-27' });
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    extractIncidents({ text: thousandWords, publishedOn: '2023-12-27' });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`\n(c) speed: ${Math.round(sentencesRead / (elapsedMs / 1000))} sentences/s over (a) and (b) (first run, cold); 1,000-word article: median ${times[10]!.toFixed(1)} ms, worst ${times.at(-1)!.toFixed(1)} ms of 20 (target ≤ 100 ms)`);
}

const started = performance.now();
const sentences = seeds() + plover();
speed(sentences, performance.now() - started);
