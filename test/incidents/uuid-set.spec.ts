import { randomUUID } from 'node:crypto';
import { v5 } from 'uuid';
import { UuidSet } from '../../src/incidents/uuid-set.js';

describe('UuidSet', () => {
  it('holds exactly the ids added, through many growths, as a Set of strings would', () => {
    const set = new UuidSet();
    const added = Array.from({ length: 5_000 }, (_, i) => v5(`gdelt2/${i}`, '8f2d6c4a-1b7e-4e95-a0c3-6d2b9e7f1a54'));
    const absent = Array.from({ length: 5_000 }, () => randomUUID());
    for (const id of added) set.add(id);
    for (const id of added.slice(0, 100)) set.add(id);
    expect(set.size).toBe(5_000);
    expect(added.every((id) => set.has(id))).toBe(true);
    expect(absent.some((id) => set.has(id))).toBe(false);
  });

  it('tells apart ids that differ in one hex digit anywhere', () => {
    const set = new UuidSet();
    const id = '640657eb-bdc1-592f-a872-7190444b8140';
    set.add(id);
    for (let i = 0; i < id.length; i++) {
      if (id[i] === '-') continue;
      const other = id.slice(0, i) + (id[i] === '0' ? '1' : '0') + id.slice(i + 1);
      expect(set.has(other)).toBe(false);
    }
    expect(set.has(id)).toBe(true);
  });

  it('keeps ids not in canonical form, and the nil UUID, as they are', () => {
    const set = new UuidSet();
    const notCanonical = [
      'seed-1',
      '640657EB-BDC1-592F-A872-7190444B8140',
      '00000000-0000-0000-0000-000000000000',
      // A character that is no hex digit in each segment, a non-ASCII one, a dash out of place.
      'g40657eb-bdc1-592f-a872-7190444b8140',
      '640657eb-bdc1-592f-a872-7190444b814z',
      '640657eb-bdc1-592f-a8 2-7190444b8140',
      '640657eb-bdc1-592f-a872-7190444b81\u00e90',
      '640657eb-bdc1-592f-a8727-190444b8140',
    ];
    for (const id of notCanonical) {
      expect(set.has(id)).toBe(false);
      set.add(id);
      expect(set.has(id)).toBe(true);
    }
    expect(set.has('640657eb-bdc1-592f-a872-7190444b8140')).toBe(false);
    expect(set.has('640657eb-bdc1-592f-a872-7190444b8141')).toBe(false);
    expect(set.size).toBe(notCanonical.length);
  });
});
