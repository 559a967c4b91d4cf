import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The dashboard's own module, as the browser loads it (plain ESM, no build step). */
const { comparePositions } = (await import(pathToFileURL(resolve('public/assets/js/positions.js')).href)) as {
  comparePositions(a: string, b: string): number;
};

describe('the dashboard orders incidents by log position', () => {
  it('orders EventStoreDB positions by commit, then prepare, numerically', () => {
    const positions = ['1200/1100', '980/980', '1200/1200', '10000/10000', '1200/1150'];
    expect([...positions].sort(comparePositions)).toEqual(['980/980', '1200/1100', '1200/1150', '1200/1200', '10000/10000']);
  });

  it('tells apart positions that are equal as JavaScript numbers', () => {
    // 2^53 and 2^53 + 1 are the same Number; these two events are not at the same place in the log.
    const low = '9007199254740992/9007199254740992';
    const high = '9007199254740993/9007199254740993';
    expect(comparePositions(low, high)).toBeLessThan(0);
    expect(comparePositions(high, low)).toBeGreaterThan(0);
    expect(comparePositions('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
  });

  it('orders SQLite positions numerically, not as text', () => {
    expect(['10', '9', '100', '11'].sort(comparePositions)).toEqual(['9', '10', '11', '100']);
    expect(comparePositions('42', '42')).toBe(0);
  });

  it('gives a consistent order, never NaN, whatever it is handed', () => {
    for (const [a, b] of [['1/1', 'x'], ['x', '1/1'], ['x', 'y'], ['5', '']]) {
      const result = comparePositions(a, b);
      expect(Number.isNaN(result)).toBe(false);
      expect(Math.sign(result)).toBe(-Math.sign(comparePositions(b, a)));
    }
  });
});
