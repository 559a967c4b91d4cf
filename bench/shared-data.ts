import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file of the workspace's shared/ folder (beside the project: ../shared), found upwards from this file
 * so it works from bench/ under jest and from dist/bench/ after a build. */
export function sharedFile(...parts: string[]): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared', ...parts);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`shared/${parts.join('/')} not found above ${fileURLToPath(import.meta.url)}`);
}
