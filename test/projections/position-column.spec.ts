import { PositionColumn } from '../../src/projections/incident-table.js';

describe('PositionColumn', () => {
  it('keeps positions of up to ten digits that fit in 32 bits as numbers, and hands each back as given', () => {
    const column = new PositionColumn();
    for (const position of ['0', '1', '42', '4294967295']) column.push(position);
    expect([0, 1, 2, 3].map((row) => column.get(row))).toEqual(['0', '1', '42', '4294967295']);
    expect(column.numberAt(3)).toBe(4294967295);
    expect(column.toSnapshot()).toBeInstanceOf(Uint32Array);
  });

  it.each(['4294967296', '12345678901', '', 'C:1/P:1', '12a', '-1', '1.5', '１２'])('turns to strings, keeping every position, on %j', (odd) => {
    const column = new PositionColumn();
    column.push('7');
    column.push(odd);
    column.push('8');
    expect([0, 1, 2].map((row) => column.get(row))).toEqual(['7', odd, '8']);
    expect(column.numberAt(0)).toBeUndefined();
    expect(Array.isArray(column.toSnapshot())).toBe(true);
  });
});
