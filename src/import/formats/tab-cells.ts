/**
 * The cells of one tab-separated line, cut out only when asked for: an import reads 6 of a GDELT
 * line's 61 columns, and `split('\t')` made all 61 strings and an array per line (most of the
 * reading time, and garbage). One instance is reused line after line.
 */
export class TabCells {
  private line = '';
  /** Offsets of the line's tabs (grows for lines with more). */
  private tabs: Int32Array = new Int32Array(64);
  /** Number of cells in the line: tabs + 1. */
  count = 0;

  /** Takes the next line (a trailing carriage return is not part of its last cell). */
  read(line: string): this {
    this.line = line.endsWith('\r') ? line.slice(0, -1) : line;
    let tabs = 0;
    for (let at = this.line.indexOf('\t'); at !== -1; at = this.line.indexOf('\t', at + 1)) {
      if (tabs === this.tabs.length) this.tabs = grown(this.tabs);
      this.tabs[tabs++] = at;
    }
    this.count = tabs + 1;
    return this;
  }

  /** The `index`th cell (0-based); '' past the last. */
  cell(index: number): string {
    if (index >= this.count) return '';
    const start = index === 0 ? 0 : this.tabs[index - 1] + 1;
    const end = index === this.count - 1 ? this.line.length : this.tabs[index];
    return this.line.slice(start, end);
  }
}

function grown(tabs: Int32Array): Int32Array {
  const larger = new Int32Array(tabs.length * 2);
  larger.set(tabs);
  return larger;
}
