/** The most bytes a message may have to fit SHA-1's one 64-byte block with its padding and length. */
export const ONE_BLOCK_MAX_BYTES = 55;

const schedule = new Int32Array(80);

/**
 * SHA-1 (FIPS 180-4 §6.1) of `bytes[0, length)` when it fits one block (length ≤
 * ONE_BLOCK_MAX_BYTES), written big-endian into `digest[0, 20)`. An import names two UUIDs v5 per
 * row — namespace and row key, 30-odd bytes — and `crypto.hash`'s crossing into C++ and fresh
 * Buffer for each cost ≈ 2.3 µs and 200 bytes of garbage a name; this loop costs ≈ 0.6 µs and
 * nothing (measured on 200,000 GDELT row keys, docs/importing.md, sixth pass). Longer messages
 * are `crypto.hash`'s to do; test/import/uuid-v5.spec.ts holds this one to it at every length.
 */
export function sha1OneBlock(bytes: Uint8Array, length: number, digest: Uint8Array): void {
  if (length > ONE_BLOCK_MAX_BYTES) throw new RangeError(`sha1OneBlock takes at most ${ONE_BLOCK_MAX_BYTES} bytes, not ${length}`);
  const w = schedule;
  w.fill(0, 0, 16);
  for (let i = 0; i < length; i++) w[i >> 2] |= bytes[i] << (24 - 8 * (i & 3));
  w[length >> 2] |= 0x80 << (24 - 8 * (length & 3));
  w[15] = length * 8;
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  let e = 0xc3d2e1f0 | 0;
  for (let i = 0; i < 80; i++) {
    const f = i < 20 ? (b & c) | (~b & d) : i < 40 || i >= 60 ? b ^ c ^ d : (b & c) | (b & d) | (c & d);
    const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc | 0 : 0xca62c1d6 | 0;
    const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  writeWord(digest, 0, a + 0x67452301);
  writeWord(digest, 4, b + 0xefcdab89);
  writeWord(digest, 8, c + 0x98badcfe);
  writeWord(digest, 12, d + 0x10325476);
  writeWord(digest, 16, e + 0xc3d2e1f0);
}

function writeWord(digest: Uint8Array, at: number, word: number): void {
  digest[at] = word >>> 24;
  digest[at + 1] = word >>> 16;
  digest[at + 2] = word >>> 8;
  digest[at + 3] = word;
}
