import { Column } from '../../src/domain/growable-column.js';

describe('a growable column', () => {
  it('grows by doubling, and trimming hands back the unused capacity, keeping the values', () => {
    const column = new Column(Float64Array);
    for (let i = 0; i < 17; i++) column.push(i / 2);
    expect(column.data.length).toBe(32);
    column.trim();
    expect(column.data.length).toBe(17);
    expect(Array.from(column.data)).toEqual(Array.from({ length: 17 }, (_, i) => i / 2));
  });

  it('grows again after a trim, even from nothing', () => {
    const empty = new Column(Uint32Array);
    empty.trim();
    expect(empty.data.length).toBe(0);
    empty.push(7);
    empty.push(8);
    expect(Array.from(empty.toArray())).toEqual([7, 8]);
    const full = Column.from(Uint32Array, Uint32Array.of(1, 2, 3));
    full.trim();
    full.push(4);
    expect(Array.from(full.toArray())).toEqual([1, 2, 3, 4]);
  });
});
