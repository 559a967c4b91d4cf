import { readFileSync } from 'node:fs';
import { CAMEO_CODES } from '../../src/domain/cameo-codes.data.js';
import { goldsteinOf, INCIDENT_CATALOG, incidentTypeForCameo, isConflict } from '../../src/domain/incident-catalog.js';
import { checkedDetails } from '../../src/domain/incident-details.js';
import { InvalidIncidentDetails } from '../../src/domain/domain-errors.js';
import { INCIDENT_TYPES, type IncidentType } from '../../src/domain/incident-types.js';

/**
 * The CAMEO 1.1b3 codes with their Goldstein weights, copied from shared/reference so CI does not
 * depend on a checkout beside this one.
 */
function cameoReference(): Map<string, { name: string; goldstein: number | null }> {
  const text = readFileSync(new URL('../fixtures/cameo-goldstein.csv', import.meta.url), 'utf8');
  const [header, ...rows] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  expect(header).toBe('cameo_code,name,goldstein');
  /** A code the reference gives no weight (NA) maps to null. */
  const reference = new Map<string, { name: string; goldstein: number | null }>();
  for (const row of rows) {
    const m = /^(\d+),("(?:[^"]|"")*"|[^,"]*),(-?\d+(?:\.\d+)?|NA)$/.exec(row);
    if (!m) throw new Error(`unreadable reference row: ${row}`);
    const name = m[2].startsWith('"') ? m[2].slice(1, -1).replace(/""/g, '"') : m[2];
    reference.set(m[1], { name, goldstein: m[3] === 'NA' ? null : Number(m[3]) });
  }
  return reference;
}

const reference = cameoReference();

describe('incident catalogue', () => {
  it('reads the whole reference table (so a broken fixture cannot pass silently)', () => {
    expect(reference.size).toBe(317);
    expect(reference.get('0332')).toEqual({ name: 'Express intent to provide military aid', goldstein: 5.2 });
    expect(reference.get('085')).toEqual({ name: 'Ease economic sanctions, boycott, embargo', goldstein: 7 });
  });

  it('defines exactly the listed incident types, each under its own name', () => {
    expect(Object.keys(INCIDENT_CATALOG).sort()).toEqual([...INCIDENT_TYPES].sort());
    for (const type of INCIDENT_TYPES) expect(INCIDENT_CATALOG[type].type).toBe(type);
  });

  it.each(INCIDENT_TYPES.map((type) => [type]))('%s carries the Goldstein weight and name of its CAMEO code', (type) => {
    const definition = INCIDENT_CATALOG[type as IncidentType];
    const cameo = reference.get(definition.cameo);
    expect(cameo).toBeDefined();
    expect({ cameoName: definition.cameoName, goldstein: definition.goldstein }).toEqual({ cameoName: cameo!.name, goldstein: cameo!.goldstein });
  });

  it.each([
    ['AmbassadorSummoned', '110', -2],
    ['DiplomatsExpelled', '161', -4],
    ['ReciprocalExpulsion', '161', -4],
    ['MeetingBoycotted', '125', -5],
    ['AmbassadorRecalled', '161', -4],
    ['AmbassadorReturned', '050', 3.5],
    ['DiplomaticRelationsSevered', '161', -4],
    ['DiplomaticRelationsRestored', '054', 6],
    ['SanctionsImposed', '163', -8],
    ['SanctionsEased', '085', 7],
    ['PublicCondemnation', '111', -2],
    ['Accusation', '112', -2],
    ['ThreatIssued', '130', -4.4],
    ['MilitaryAidPledged', '0332', 5.2],
    ['ArmsDealSigned', '057', 8],
    ['TalksHeld', '046', 7],
    ['AgreementSigned', '057', 8],
    ['MilitaryOffensive', '190', -10],
    ['DiplomaticRelationsDowngraded', '161', -4],
    ['CeasefireDeclared', '0871', 9],
  ] as const)('%s is CAMEO %s with Goldstein %d, as the issue specifies', (type, cameo, goldstein) => {
    expect({ cameo: INCIDENT_CATALOG[type].cameo, goldstein: INCIDENT_CATALOG[type].goldstein }).toEqual({ cameo, goldstein });
  });

  it('counts negative-Goldstein types as conflict and the others as cooperation', () => {
    const conflict = INCIDENT_TYPES.filter(isConflict);
    expect(conflict.sort()).toEqual(
      [
        'AmbassadorSummoned', 'DiplomatsExpelled', 'ReciprocalExpulsion', 'MeetingBoycotted', 'AmbassadorRecalled',
        'DiplomaticRelationsSevered', 'DiplomaticRelationsDowngraded', 'SanctionsImposed', 'PublicCondemnation', 'Accusation', 'ThreatIssued',
        'OppositionRallied', 'MilitaryOffensive',
        // CAMEO categories 09–20, by their root code's weight (each incident weighs its own code's).
        'InvestigationConducted', 'DemandMade', 'DisapprovalExpressed', 'ProposalRejected', 'ThreatMade', 'ProtestHeld',
        'ForcePostureExhibited', 'RelationsReduced', 'CoercionUsed', 'AssaultCommitted', 'FightingOccurred', 'MassViolenceUsed',
      ].sort(),
    );
  });
});

describe('the whole CAMEO vocabulary', () => {
  const reference = [...readFileSync(new URL('../fixtures/cameo-goldstein.csv', import.meta.url), 'utf8').trim().split('\n').slice(1)]
    .map((line) => /^(\d+),/.exec(line)![1]);

  it('gives every code of the reference a type: a specific one that stands for it, else its root category', () => {
    expect(reference).toHaveLength(317);
    for (const code of reference) {
      const { type, details } = incidentTypeForCameo(code);
      const definition = INCIDENT_CATALOG[type];
      if (definition.standsForCameoCode) expect(definition.cameo).toBe(code);
      else expect({ root: definition.cameo, details }).toEqual({ root: code.slice(0, 2), details: { cameo: code } });
    }
    expect(incidentTypeForCameo('111').type).toBe('PublicCondemnation');
    // 161 is shared by four types with rules and effects: a machine-coded one cannot say which.
    expect(incidentTypeForCameo('161')).toEqual({ type: 'RelationsReduced', details: { cameo: '161' } });
  });

  it("weighs a category incident by its full code's Goldstein value, an extension code without one by its parent's", () => {
    expect(goldsteinOf('AssaultCommitted', { cameo: '1823' })).toBe(-10);
    expect(goldsteinOf('AssaultCommitted', { cameo: '181' })).toBe(-9);
    expect(goldsteinOf('PublicStatementMade', { cameo: '013' })).toBe(0.4);
    expect(goldsteinOf('ForcePostureExhibited', { cameo: '155' })).toBe(-7.2);
    expect(goldsteinOf('Accusation', {})).toBe(-2);
  });

  it('accepts only codes of its own category in a category type\'s details', () => {
    expect(checkedDetails('AssaultCommitted', { cameo: '1823' })).toEqual({ cameo: '1823' });
    expect(() => checkedDetails('AssaultCommitted', { cameo: '190' })).toThrow(InvalidIncidentDetails);
    expect(() => checkedDetails('AssaultCommitted', {})).toThrow(InvalidIncidentDetails);
  });
});

describe('cameo-codes.data.ts', () => {
  it('is the reference CSV, code for code (regenerate with scripts/generate-cameo-codes.mjs)', () => {
    const reference = cameoReference();
    expect(CAMEO_CODES.map(([code]) => code)).toEqual([...reference.keys()]);
    for (const [code, name, goldstein] of CAMEO_CODES) expect({ name, goldstein }).toEqual(reference.get(code));
  });
});
