/**
 * Columns of numbers, one row per reported incident (in log order), so a read model of a million
 * incidents stays a few tens of megabytes: no object per incident, no string per incident id.
 * The documents themselves (summary, sources, details) stay in the event store.
 */

import type { TypedArray, TypedArrayConstructor } from '../domain/growable-column.js';

/** Rows per chunk of a ChunkedColumn. */
const CHUNK_BITS = 16;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const ROW_IN_CHUNK = CHUNK_ROWS - 1;

/**
 * A column of the whole table, in fixed chunks of 65,536 rows: it grows without copying, so a
 * million rows never hold two copies at once, and wastes at most one chunk.
 */
export class ChunkedColumn<T extends TypedArray> {
  private readonly chunks: T[] = [];
  length = 0;

  constructor(
    private readonly Type: TypedArrayConstructor<T>,
    /** Values per row. */
    private readonly width = 1,
  ) {}

  get(row: number, at = 0): number {
    return this.chunks[row >>> CHUNK_BITS][(row & ROW_IN_CHUNK) * this.width + at];
  }

  set(row: number, value: number, at = 0): void {
    this.chunks[row >>> CHUNK_BITS][(row & ROW_IN_CHUNK) * this.width + at] = value;
  }

  /** Adds a row of zeros and returns its number. */
  addRow(): number {
    const row = this.length++;
    if ((row >>> CHUNK_BITS) === this.chunks.length) this.chunks.push(new this.Type(CHUNK_ROWS * this.width));
    return row;
  }

  push(value: number): void {
    this.set(this.addRow(), value);
  }

  /** The filled part, in one array (for persisting). */
  toArray(): T {
    const all = new this.Type(this.length * this.width);
    this.chunks.forEach((chunk, n) => all.set(chunk.subarray(0, Math.min(CHUNK_ROWS, this.length - n * CHUNK_ROWS) * this.width), n * CHUNK_ROWS * this.width));
    return all;
  }

  static from<T extends TypedArray>(Type: TypedArrayConstructor<T>, values: T, width = 1): ChunkedColumn<T> {
    const column = new ChunkedColumn(Type, width);
    column.length = values.length / width;
    for (let start = 0; start < values.length; start += CHUNK_ROWS * width) {
      const chunk = new Type(CHUNK_ROWS * width);
      chunk.set(values.subarray(start, start + CHUNK_ROWS * width));
      column.chunks.push(chunk);
    }
    return column;
  }
}

/**
 * The value of 1 to 10 decimal digits when it fits in 32 bits, else -1. What `/^\d{1,10}$/` and
 * `Number` said, by hand: a rebuild asks once per event, and the regular expression showed in its profile.
 */
function uint32Of(text: string): number {
  if (text.length === 0 || text.length > 10) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value <= 0xffffffff ? value : -1;
}

/** Log positions: as 32-bit numbers while the store's positions are small integers (SQLite), as strings otherwise. */
export class PositionColumn {
  private numbers: ChunkedColumn<Uint32Array> | null = new ChunkedColumn(Uint32Array);
  private strings: string[] | null = null;

  push(position: string): void {
    const value = this.numbers ? uint32Of(position) : -1;
    if (value >= 0) {
      this.numbers!.push(value);
      return;
    }
    if (this.numbers) {
      this.strings = Array.from(this.numbers.toArray(), String);
      this.numbers = null;
    }
    this.strings!.push(position);
  }

  get(row: number): string {
    return this.numbers ? String(this.numbers.get(row)) : this.strings![row];
  }

  /** The position of `row` as a number, when positions are kept as numbers. */
  numberAt(row: number): number | undefined {
    return this.numbers?.get(row);
  }

  toSnapshot(): Uint32Array | string[] {
    return this.numbers ? this.numbers.toArray() : [...this.strings!];
  }

  static fromSnapshot(saved: Uint32Array | string[]): PositionColumn {
    const column = new PositionColumn();
    if (!Array.isArray(saved)) column.numbers = ChunkedColumn.from(Uint32Array, saved);
    else {
      column.numbers = null;
      column.strings = saved;
    }
    return column;
  }
}

/** Each distinct string once (dates repeat: a few thousand days cover a decade of incidents). */
export class StringPool {
  private readonly numbers = new Map<string, number>();

  constructor(private readonly strings: string[] = []) {
    strings.forEach((value, n) => this.numbers.set(value, n));
  }

  intern(value: string): number {
    let n = this.numbers.get(value);
    if (n === undefined) {
      n = this.strings.length;
      this.strings.push(value);
      this.numbers.set(value, n);
    }
    return n;
  }

  get(n: number): string {
    return this.strings[n];
  }

  toSnapshot(): string[] {
    return [...this.strings];
  }
}

const EMPTY = 0xffffffff;
/** Value of each ASCII hex digit (lower case), -1 for any other character. */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) HEX['0123456789abcdef'.charCodeAt(d)] = d;

/** The four 32-bit words of a canonical (lower-case) UUID into `words`; false for anything else. */
function uuidWords(id: string, words: Uint32Array): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) return false;
  let word = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const c = id.charCodeAt(i);
    const digit = c < 128 ? HEX[c] : -1;
    if (digit < 0) return false;
    value = value * 16 + digit;
    if (++digits === 8) {
      words[word++] = value;
      value = 0;
      digits = 0;
    }
  }
  return true;
}

/**
 * Incident ids → row, for ids in canonical UUID form (the server generates them): each id kept as
 * four 32-bit words in a column, the table itself an open-addressing array of rows. Any other id
 * (none today) goes to an ordinary Map.
 */
export class IncidentIdIndex {
  private readonly words: ChunkedColumn<Uint32Array>;
  private slots: Uint32Array;
  private filled = 0;
  private readonly others: Map<string, number>;
  private readonly key = new Uint32Array(4);

  constructor(saved?: { words: Uint32Array; slots: Uint32Array; filled: number; others: [string, number][] }) {
    this.words = saved ? ChunkedColumn.from(Uint32Array, saved.words, 4) : new ChunkedColumn(Uint32Array, 4);
    this.slots = saved?.slots ?? new Uint32Array(2048).fill(EMPTY);
    this.filled = saved?.filled ?? 0;
    this.others = new Map(saved?.others ?? []);
  }

  /** Records `id` as the id of the next row (rows are added in order). */
  add(id: string): void {
    const row = this.words.addRow();
    if (!uuidWords(id, this.key)) {
      this.others.set(id, row);
      return;
    }
    for (let w = 0; w < 4; w++) this.words.set(row, this.key[w], w);
    if ((this.filled + 1) * 2 > this.slots.length) this.grow();
    this.place(row, this.key[0], this.key[3]);
    this.filled++;
  }

  get(id: string): number | undefined {
    if (!uuidWords(id, this.key)) return this.others.get(id);
    const key = this.key;
    const mask = this.slots.length - 1;
    for (let slot = this.slotOf(key[0], key[3]); ; slot = (slot + 1) & mask) {
      const row = this.slots[slot];
      if (row === EMPTY) return undefined;
      if (this.words.get(row, 0) === key[0] && this.words.get(row, 1) === key[1] && this.words.get(row, 2) === key[2] && this.words.get(row, 3) === key[3]) {
        return row;
      }
    }
  }

  /** The four words of `row`'s id (zeros for an id kept aside) into `out` from `at`. */
  copyWords(row: number, out: Uint32Array, at: number): void {
    for (let w = 0; w < 4; w++) out[at + w] = this.words.get(row, w);
  }

  /** The id of `row`, as it was given. */
  idOf(row: number): string {
    if (this.others.size > 0) for (const [id, r] of this.others) if (r === row) return id;
    const hex = (w: number) => this.words.get(row, w).toString(16).padStart(8, '0');
    const [a, b, c, d] = [hex(0), hex(1), hex(2), hex(3)];
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }

  toSnapshot() {
    return { words: this.words.toArray(), slots: this.slots.slice(), filled: this.filled, others: [...this.others] };
  }

  private slotOf(first: number, last: number): number {
    // The last word of a UUID v7 is random; mix in the first (time) word for other versions.
    return (Math.imul(last ^ (first >>> 7), 0x9e3779b1) >>> 0) & (this.slots.length - 1);
  }

  private place(row: number, first: number, last: number): void {
    const mask = this.slots.length - 1;
    let slot = this.slotOf(first, last);
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = row;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2).fill(EMPTY);
    for (const row of old) if (row !== EMPTY) this.place(row, this.words.get(row, 0), this.words.get(row, 3));
  }
}
