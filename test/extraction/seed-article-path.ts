import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/seeds beside the project (the workspace layout), found from this file. */
export function seedArticlePath(file: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'seeds', file);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`shared/seeds/${file} not found above the project`);
}
