const WORDS = 4;
const FIRST_SLOTS = 16;

/**
 * A set of UUIDs held as their 128 bits in one typed array (open addressing, linear probing),
 * with a plain Set for any id not in canonical form. A stream's imported event ids are kept only
 * to skip rows recorded before; as strings in a Set they took ≈ 100 bytes each (≈ 55 MB at a
 * million rows), here 32–64 bytes and no object per id for the collector to walk.
 * The all-zero UUID (the nil UUID) marks an empty slot, and is kept in the plain Set instead.
 */
export class UuidSet {
  private words = new Uint32Array(FIRST_SLOTS * WORDS);
  private used = 0;
  private readonly others = new Set<string>();
  private readonly key = new Uint32Array(WORDS);

  get size(): number {
    return this.used + this.others.size;
  }

  add(id: string): this {
    if (!this.parse(id)) {
      this.others.add(id);
      return this;
    }
    if ((this.used + 1) * 2 > this.words.length / WORDS) this.grow();
    const slot = this.find(this.words, this.key);
    if (this.isEmpty(this.words, slot)) {
      this.words.set(this.key, slot * WORDS);
      this.used++;
    }
    return this;
  }

  has(id: string): boolean {
    if (!this.parse(id)) return this.others.has(id);
    return !this.isEmpty(this.words, this.find(this.words, this.key));
  }

  /** Reads the id into `key`; false when it is not a canonical (lowercase) UUID or is the nil UUID. */
  private parse(id: string): boolean {
    if (id.length !== 36) return false;
    let word = 0;
    let digits = 0;
    let nonZero = 0;
    for (let i = 0; i < 36; i++) {
      const code = id.charCodeAt(i);
      // Dashes where the canonical form has them, lowercase hex digits everywhere else.
      const dash = i === 8 || i === 13 || i === 18 || i === 23;
      if (dash !== (code === 45)) return false;
      if (dash) continue;
      const digit = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1;
      if (digit < 0) return false;
      word = (word << 4) | digit;
      if (++digits % 8 === 0) {
        this.key[digits / 8 - 1] = word >>> 0;
        nonZero |= word;
        word = 0;
      }
    }
    return nonZero !== 0;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(words: Uint32Array, key: Uint32Array): number {
    const mask = words.length / WORDS - 1;
    // The last word is hashed bits (SHA-1 for v5, random for v7): good enough as a hash.
    for (let slot = key[3] & mask; ; slot = (slot + 1) & mask) {
      const at = slot * WORDS;
      if (this.isEmpty(words, slot) || (words[at] === key[0] && words[at + 1] === key[1] && words[at + 2] === key[2] && words[at + 3] === key[3])) return slot;
    }
  }

  private isEmpty(words: Uint32Array, slot: number): boolean {
    const at = slot * WORDS;
    return (words[at] | words[at + 1] | words[at + 2] | words[at + 3]) === 0;
  }

  private grow(): void {
    const old = this.words;
    this.words = new Uint32Array(old.length * 2);
    const key = new Uint32Array(WORDS);
    for (let at = 0; at < old.length; at += WORDS) {
      if ((old[at] | old[at + 1] | old[at + 2] | old[at + 3]) === 0) continue;
      // Word by word: a subarray per key was a typed array object each, ≈ 25 MB of garbage in a 300k-row import's growths.
      for (let word = 0; word < WORDS; word++) key[word] = old[at + word];
      this.words.set(key, this.find(this.words, key) * WORDS);
    }
  }
}
