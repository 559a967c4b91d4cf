import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StartupError, systemReason } from './startup-error.js';

/**
 * Makes sure `dir` exists, can be listed and written, and that `files` in it that already exist
 * can be opened for reading and writing — before anything opens them, so that a bad `setting`
 * stops the server with one line naming it and the system's reason instead of a stack trace
 * from deep inside the store.
 *
 * Tries the operations rather than asking access(): root passes access() checks on file systems
 * that refuse it anything (sysfs, procfs). Creates missing levels one at a time because
 * mkdirSync(…, { recursive: true }) under /proc never returns on Node 20.
 */
export function ensureWritableDirectory(setting: string, dir: string, files: readonly string[] = []): void {
  const shown = `${setting}=${dir}`;
  const missing: string[] = [];
  for (let level = dir; ; level = dirname(level)) {
    let stats;
    try {
      stats = statSync(level, { throwIfNoEntry: false });
    } catch (error) {
      const where = (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? ' (a file stands where a directory is expected)' : '';
      throw new StartupError(`${shown} cannot be created: ${systemReason(error)}${where}`);
    }
    if (stats?.isDirectory()) break;
    if (stats) throw new StartupError(`${shown} is not a directory${level === dir ? '' : ` (${level} is a file)`}: ENOTDIR not a directory`);
    missing.unshift(level);
    if (dirname(level) === level) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      throw new StartupError(`${shown} cannot be created: ${systemReason(error)}`);
    }
  }
  try {
    readdirSync(dir);
  } catch (error) {
    throw new StartupError(`${shown} is not readable: ${systemReason(error)}`);
  }
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (error) {
    throw new StartupError(`${shown} is not writable: ${systemReason(error)}`);
  }
  for (const file of files) {
    try {
      closeSync(openSync(join(dir, file), 'r+'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new StartupError(`${shown}: ${file} cannot be opened for reading and writing: ${systemReason(error)}`);
    }
  }
}
