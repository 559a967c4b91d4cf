import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The real sample files of issue #15 (`shared/data` beside the checkout, or SHARED_DATA_DIR):
 * a worktree sits one level deeper than the main checkout, so both places are looked at.
 */
export function sharedDataFile(name: string): string {
  const candidates = [process.env.SHARED_DATA_DIR, '../shared/data', '../../shared/data'].filter((dir): dir is string => !!dir).map((dir) => resolve(dir, name));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`The sample ${name} is not in ${candidates.join(' or ')}; set SHARED_DATA_DIR`);
  return found;
}
