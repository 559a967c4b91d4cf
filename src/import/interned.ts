/** Distinct values kept; past it the table starts over (a file of that many distinct days or codes is not one we read). */
const CAPACITY = 100_000;

const table = new Map<string, string>();

/**
 * One string for each distinct value of a few-valued field (a day, a CAMEO code, a country code):
 * the incidents an import creates keep these, and rows that crossed from the reading thread each
 * bring their own copy, where reading on the main thread shared one string per day.
 */
export function interned(text: string): string {
  const known = table.get(text);
  if (known !== undefined) return known;
  if (table.size >= CAPACITY) table.clear();
  table.set(text, text);
  return text;
}
