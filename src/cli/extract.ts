import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { extractIncidents } from '../extraction/extract.js';
import type { ExtractionResult } from '../extraction/proposal.js';

/**
 * `npm run extract -- FILE [--published-on YYYY-MM-DD] [--json]`: the incidents an article reports, as
 * proposals with their evidence and the rules that fired. Nothing is recorded. Without --published-on the
 * date is read from a "date YYYY-MM-DD" line at the top of the file (the seed articles carry one), else today.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'published-on': { type: 'string' }, json: { type: 'boolean', default: false } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: npm run extract -- FILE [--published-on YYYY-MM-DD] [--json]');
  process.exit(2);
}
const given = values['published-on'];
if (given !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(given)) {
  console.error(`--published-on must be YYYY-MM-DD, got "${given}"`);
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`no such file: ${file}`);
  process.exit(2);
}
const text = readFileSync(file, 'utf8');
const publishedOn = given ?? /^\s*date\s+(\d{4}-\d{2}-\d{2})\b/.exec(text)?.[1] ?? new Date().toISOString().slice(0, 10);
const result = extractIncidents({ text, publishedOn });
console.log(values.json ? JSON.stringify(result, null, 2) : readable(result, publishedOn));

function readable(result: ExtractionResult, publishedOn: string): string {
  const lines = [`${result.proposals.length} proposed incident(s) from ${result.sentences} sentence(s), published ${publishedOn}`];
  for (const [i, p] of result.proposals.entries()) {
    lines.push('', `${i + 1}. ${p.type}  ${p.actor} → ${p.target}  ${p.occurredOn}  (confidence ${p.confidence})`, `   ${p.summary}`);
    if (Object.keys(p.details).length) lines.push(`   details: ${JSON.stringify(p.details)}`);
    if (p.inResponseTo) lines.push(`   in response to proposal ${result.proposals.findIndex((q) => q.proposalId === p.inResponseTo) + 1}`);
    lines.push(`   evidence: «${highlight(p.evidence.sentence.text, p.evidence.sentence.start, p.evidence.trigger)}»`, `   why: ${p.why}`);
  }
  return lines.join('\n');
}

/** The sentence with its trigger in [brackets]. */
function highlight(sentence: string, sentenceStart: number, trigger: { start: number; end: number }): string {
  const from = trigger.start - sentenceStart;
  const to = trigger.end - sentenceStart;
  return `${sentence.slice(0, from)}[${sentence.slice(from, to)}]${sentence.slice(to)}`;
}
