import { sharedFile } from '../../bench/shared-data.js';

/** One of the real sample files of issue #15 (shared/data beside the checkout, else the repository's copy). */
export function sharedDataFile(name: string): string {
  return sharedFile('data', name);
}
