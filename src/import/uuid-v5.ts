import { hash } from 'node:crypto';
import { parse as parseUuid } from 'uuid';
import { ONE_BLOCK_MAX_BYTES, sha1OneBlock } from './sha1-one-block.js';

/** Bytes a name may take in the reused buffer; longer names (never a dataset row key in practice) take a fresh one. */
const NAME_CAPACITY = 1024;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;

/**
 * UUID version 5 (RFC 9562 §5.5: SHA-1 of namespace and name) for one namespace, as `uuid`'s v5
 * makes it, bit for bit (test/import/uuid-v5.spec.ts), but over a reused buffer: an import derives
 * two ids per row, and `uuid`'s v5 (a Hash object, a byte array per name) was a tenth of its CPU.
 * A row key's name fits one SHA-1 block, hashed in place (sha1-one-block.ts); a longer one goes
 * to the one-shot `crypto.hash`.
 */
export function uuidV5Namer(namespace: string): (name: string) => string {
  const buffer = Buffer.alloc(16 + NAME_CAPACITY);
  buffer.set(parseUuid(namespace), 0);
  const text = Buffer.alloc(36);
  const oneBlockDigest = new Uint8Array(20);
  /** SHA-1 of namespace and name: in place when they fit one block (every row key), else by crypto. */
  const digestOf = (name: string): Uint8Array => {
    // 3 bytes per UTF-16 unit is the most UTF-8 can take, so a name within it is never cut short.
    if (name.length * 3 > NAME_CAPACITY) return hash('sha1', Buffer.concat([buffer.subarray(0, 16), Buffer.from(name, 'utf8')]), 'buffer');
    const length = 16 + buffer.write(name, 16, 'utf8');
    if (length > ONE_BLOCK_MAX_BYTES) return hash('sha1', buffer.subarray(0, length), 'buffer');
    sha1OneBlock(buffer, length, oneBlockDigest);
    return oneBlockDigest;
  };
  return (name) => {
    const digest = digestOf(name);
    digest[6] = (digest[6] & 0x0f) | 0x50; // version 5
    digest[8] = (digest[8] & 0x3f) | 0x80; // variant 10xx
    // Written out byte by byte and read back whole: one flat string of 36 characters. Pieces
    // joined with + would be a tree of slices, several times the size, and imported incidents keep their ids.
    for (let i = 0, at = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = DASH;
      text[at++] = HEX[digest[i] >> 4];
      text[at++] = HEX[digest[i] & 0x0f];
    }
    return text.toString('latin1');
  };
}
