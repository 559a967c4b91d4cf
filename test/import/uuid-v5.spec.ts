import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { v5 } from 'uuid';
import { ONE_BLOCK_MAX_BYTES, sha1OneBlock } from '../../src/import/sha1-one-block.js';
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

describe('sha1OneBlock', () => {
  it('gives crypto’s SHA-1 for every length one block holds, and refuses a longer message', () => {
    const digest = new Uint8Array(20);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: ONE_BLOCK_MAX_BYTES }), (bytes) => {
        sha1OneBlock(bytes, bytes.length, digest);
        expect(Buffer.from(digest).toString('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
      }),
      { numRuns: 2000 },
    );
    // Each length at the edges of the padding (a length word that shares the block: 55; 56 does not fit).
    for (let length = 0; length <= ONE_BLOCK_MAX_BYTES; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      sha1OneBlock(bytes, length, digest);
      expect(Buffer.from(digest).toString('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
    }
    expect(() => sha1OneBlock(new Uint8Array(56), 56, digest)).toThrow(RangeError);
  });

  it('names ids across the one-block edge (names of 39 and 40 bytes) as the uuid library does', () => {
    const name = uuidV5Namer(NAMESPACE);
    for (let length = 30; length <= 45; length++) expect(name('k'.repeat(length))).toBe(v5('k'.repeat(length), NAMESPACE));
  });
});
