import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file of the workspace's shared/ folder (seeds/, data/): the one beside the project (../shared,
 * found upwards from this file so it works from bench/ under jest, from dist/bench/ after a build
 * and from a worktree), else the repository's copy in test/fixtures/shared, so a fresh clone
 * anywhere has them.
 */
export function sharedFile(...parts: string[]): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const beside = join(dir, 'shared', ...parts);
    if (existsSync(beside)) return beside;
    const kept = join(dir, 'test', 'fixtures', 'shared', ...parts);
    if (existsSync(kept)) return kept;
  }
  throw new Error(`shared/${parts.join('/')} is neither beside the project nor in test/fixtures/shared (looked above ${here})`);
}
