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

  it('does not carry one name’s bytes into the next, shorter one', () => {
    expect(name('gdelt2/123456789')).toBe(v5('gdelt2/123456789', NAMESPACE));
    expect(name('gdelt2/1')).toBe(v5('gdelt2/1', NAMESPACE));
  });
});
