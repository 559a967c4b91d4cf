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
      const grown = new this.Type(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
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
