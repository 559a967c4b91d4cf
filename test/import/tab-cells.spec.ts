import { TabCells } from '../../src/import/formats/tab-cells.js';

describe('TabCells', () => {
  const cells = new TabCells();

  it('gives each cell of a line as split would, empty cells and a trailing carriage return included', () => {
    for (const line of ['a\tb\t\tc', '\t', 'one', '', 'x\ty\r', 'a\t\r\tb\t']) {
      const expected = line.replace(/\r$/, '').split('\t');
      cells.read(line);
      expect(cells.count).toBe(expected.length);
      expect(expected.map((_, i) => cells.cell(i))).toEqual(expected);
      expect(cells.cell(expected.length)).toBe('');
    }
  });

  it('reads lines with more cells than it first made room for, and a shorter line after them', () => {
    const long = Array.from({ length: 200 }, (_, i) => `c${i}`);
    cells.read(long.join('\t'));
    expect(cells.count).toBe(200);
    expect([cells.cell(0), cells.cell(63), cells.cell(64), cells.cell(199)]).toEqual(['c0', 'c63', 'c64', 'c199']);
    cells.read('p\tq');
    expect([cells.count, cells.cell(1), cells.cell(2)]).toEqual([2, 'q', '']);
  });
});
