import { readFileSync } from 'node:fs';
import { INCIDENT_CATALOG, INCIDENT_TYPES } from '../src/domain/incident-catalog.js';
import { ESCALATION_CONSTANTS } from '../src/domain/escalation.js';

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

  it('shows the two commands', () => {
    expect(readme).toMatch(/^npm start\b/m);
    expect(readme).toMatch(/^npm test\b/m);
  });
});
