/** Numbers kept in typed arrays, without an object per value. */

export type TypedArray = Float64Array | Uint32Array | Uint16Array | Uint8Array;
export type TypedArrayConstructor<T extends TypedArray> = { new (length: number): T };

/** A typed array that grows by doubling: a pair's list of rows, an index's sorted instants. */
export class Column<T extends TypedArray> {
  data: T;
  length = 0;

  constructor(private readonly Type: TypedArrayConstructor<T>) {
    this.data = new Type(16);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      // At least 16: a trimmed column may hold nothing.
      const grown = new this.Type(Math.max(16, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /**
   * Hands back the capacity beyond the filled part: for a column built whole that seldom grows
   * after (a pair's index, built at its first read). Doubling leaves up to half of it unused; over
   * every pair of the 1M store that was tens of MB held for nothing. A push after it grows it again.
   */
  trim(): void {
    if (this.data.length > this.length) this.data = this.data.slice(0, this.length) as T;
  }

  /** The filled part, for persisting (a copy, so the live column may keep growing). */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }

  static from<T extends TypedArray>(Type: TypedArrayConstructor<T>, values: T): Column<T> {
    const column = new Column(Type);
    if (values.length > 0) column.data = values;
    column.length = values.length;
    return column;
  }
}
