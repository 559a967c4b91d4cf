import { v5 } from 'uuid';
import { uuidV5Namer } from '../../src/import/uuid-v5.js';

const NAMESPACE = '8f2d6c4a-1b7e-4e95-a0c3-6d2b9e7f1a54';

describe('uuidV5Namer', () => {
  const name = uuidV5Namer(NAMESPACE);

  it('gives the uuid library’s v5 for row keys, non-ASCII names and names longer than its buffer', () => {
    const names = ['gdelt2/410412347', 'incident/icews/12/34/5', 'plover/é–日本', '', 'x'.repeat(340), 'y'.repeat(5000), 'ü'.repeat(400)];
    for (let i = 0; i < 2000; i++) names.push(`gdelt2/${500_000_000 + i * 7919}`);
    for (const each of names) expect(name(each)).toBe(v5(each, NAMESPACE));
  });

  it('gives the v5 of head and tail joined, wherever the name is cut in two', () => {
    const names = ['gdelt2/410412347', 'incident/gdelt2/410412347', 'plover/é–日本', 'ab', 'x'.repeat(340) + 'ü'.repeat(20), 'y'.repeat(5000)];
    for (const each of names) {
      for (const at of [0, 1, 7, Math.floor(each.length / 2), each.length]) expect(name(each.slice(0, at), each.slice(at))).toBe(v5(each, NAMESPACE));
    }
  });

  it('does not carry one name’s bytes into the next, shorter one', () => {
    expect(name('gdelt2/123456789')).toBe(v5('gdelt2/123456789', NAMESPACE));
    expect(name('gdelt2/1')).toBe(v5('gdelt2/1', NAMESPACE));
    expect(name('gdelt2/', '123456789')).toBe(v5('gdelt2/123456789', NAMESPACE));
    expect(name('gdelt2/', '12')).toBe(v5('gdelt2/12', NAMESPACE));
    expect(name('gdelt2/', '12345678')).toBe(v5('gdelt2/12345678', NAMESPACE));
  });
});
