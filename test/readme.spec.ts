import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { INCIDENT_CATALOG } from '../src/domain/incident-catalog.js';
import { INCIDENT_TYPES } from '../src/domain/incident-types.js';
import { ESCALATION_CONSTANTS, ESCALATION_LEVELS } from '../src/domain/escalation.js';
import { CONDITION_TENSIONS as T } from '../src/domain/standing-conditions.js';

/** The README's catalogue and constants are what analysts read first: they must match the code. */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function catalogueRows(): Map<string, { cameo: string; goldstein: number; nature: string }> {
  const rows = new Map<string, { cameo: string; goldstein: number; nature: string }>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 6 || !(INCIDENT_TYPES as readonly string[]).includes(cells[1])) continue;
    rows.set(cells[1], { cameo: cells[2], goldstein: Number(cells[3].replace('−', '-').replace('+', '')), nature: cells[4] });
  }
  return rows;
}

describe('README', () => {
  it('lists every incident type with the catalogue’s CAMEO code, Goldstein weight and nature', () => {
    const rows = catalogueRows();
    expect([...rows.keys()].sort()).toEqual([...INCIDENT_TYPES].sort());
    for (const type of INCIDENT_TYPES) {
      const { cameo, goldstein } = INCIDENT_CATALOG[type];
      expect({ type, ...rows.get(type) }).toEqual({ type, cameo, goldstein, nature: goldstein < 0 ? 'conflict' : 'cooperation' });
    }
  });

  it('documents the escalation constants the code uses', () => {
    expect(readme).toContain(`| H | ${ESCALATION_CONSTANTS.halfLifeDays} days |`);
    expect(readme).toContain(`| m (tit-for-tat) | × ${ESCALATION_CONSTANTS.reciprocalMultiplier} |`);
    expect(readme).toContain(`| α | ${ESCALATION_CONSTANTS.cooperationOffset} |`);
    expect(readme).toContain(`| S | ${ESCALATION_CONSTANTS.saturation} |`);
  });

  it('documents the standing conditions’ tensions and the level bands the code uses', () => {
    expect(readme).toContain(`| relations severed | DiplomaticRelationsSevered | DiplomaticRelationsRestored | ${T.severed} |`);
    expect(readme).toContain(`| DiplomaticRelationsDowngraded | DiplomaticRelationsRestored | ${T.downgraded} |`);
    expect(readme).toContain(`| MilitaryOffensive | CeasefireDeclared, AgreementSigned with \`peaceAgreement\` | ${T.hostilities} |`);
    expect(readme).toContain(`| AmbassadorReturned | ${T.ambassadorRecalled} per side |`);
    expect(readme).toContain(`| AmbassadorReturned | ${T.ambassadorExpelled} per side |`);
    expect(readme).toContain(`| AmbassadorReturned | ${T.ambassadorPostVacant} per side |`);
    expect(readme).toContain(`| ${T.sanctionsFirstScope} for the first scope, +${T.sanctionsFurtherScope} per further scope, at most ${T.sanctionsMostPerSide} per side |`);
    expect(readme).toContain(`| ${T.unansweredExpulsion}, halving every ${T.unansweredExpulsionHalfLifeDays} days, lapsing after ${T.unansweredExpulsionLapseDays} |`);
    const bands = ESCALATION_LEVELS.slice(1).map((band, i) => `${ESCALATION_LEVELS[i].level} < ${band.from} ≤ `).join('') + ESCALATION_LEVELS[ESCALATION_LEVELS.length - 1].level;
    expect(readme).toContain(bands);
  });

  it('shows the two commands', () => {
    expect(readme).toMatch(/^npm start\b/m);
    expect(readme).toMatch(/^npm test\b/m);
  });
});

/** The paths the README's Layout block names at the start of its lines. */
function layoutPaths(): string[] {
  const section = readme.slice(readme.indexOf('## Layout'));
  const block = section.slice(section.indexOf('```\n') + 4, section.indexOf('\n```', section.indexOf('```\n') + 4));
  return block
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(' '))
    .flatMap((line) => line.split(/\s{2,}/)[0].split(', '))
    .map((path) => path.replace(/\/$/, ''));
}

describe('README layout', () => {
  const root = new URL('../', import.meta.url);
  const paths = layoutPaths();

  it('names only paths that exist', () => {
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((path) => !existsSync(new URL(path, root)))).toEqual([]);
  });

  it('names every folder and file at the top of src/', () => {
    const entries = readdirSync(new URL('src/', root)).map((name) => `src/${name}`);
    expect(entries.filter((entry) => !paths.includes(entry))).toEqual([]);
  });
});

describe('paths named in the README and docs/', () => {
  const root = new URL('../', import.meta.url);
  const documents = ['README.md', ...readdirSync(new URL('docs/', root)).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

  it.each(documents)('%s names only source files that exist', (document) => {
    const text = readFileSync(new URL(document, root), 'utf8');
    const named = [...text.matchAll(/(?<![\w/.-])((?:src|test|bench|scripts)\/[\w./-]+\.(?:ts|js|mjs|cjs))\b/g)].map((match) => match[1]);
    expect(named.filter((path) => !existsSync(new URL(path, root)))).toEqual([]);
  });
});
