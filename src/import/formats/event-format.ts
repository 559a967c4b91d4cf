/** The coded-event formats Demarche reads, detected from the file's content (detect-format.ts). */
export type EventFormat = 'gdelt2' | 'gdelt1' | 'icews' | 'plover-json' | 'plover-jsonl';

export const FORMAT_NAMES: Record<EventFormat, string> = {
  gdelt2: 'GDELT 2.0 event export (61 columns)',
  gdelt1: 'GDELT 1.0 event file (57 or 58 columns)',
  icews: 'ICEWS coded event data (.tab with header)',
  'plover-json': 'PLOVER / POLECAT JSON array',
  'plover-jsonl': 'PLOVER / POLECAT JSON lines',
};

/** A file whose content matches none of the known formats: refused before anything is appended. */
export class UnknownFormatError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: not a known event-data format (${detail}); expected one of: ${Object.values(FORMAT_NAMES).join('; ')}`);
    this.name = 'UnknownFormatError';
  }
}
