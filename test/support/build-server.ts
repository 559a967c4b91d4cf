import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Compiles the server entry (src/main.ts, or another entry such as a CLI, and what it imports) with tsc into its own directory
 * under test-artifacts/, so a spec runs the code as it is now
 * without touching dist/ (which other work may be using). Returns the compiled main.js and a
 * function removing the build.
 */
export async function buildServer(name: string, entry = 'src/main.ts'): Promise<{ main: string; remove(): void }> {
  const root = resolve('.');
  const buildDir = join(root, 'test-artifacts', name);
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(
    join(buildDir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: { outDir: './out', rootDir: '../..', sourceMap: false, noEmitOnError: false },
      include: [],
      files: [`../../${entry}`],
    }),
  );
  // Type errors elsewhere do not stop the emit (npm run typecheck reports them); only a missing main would.
  await promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(buildDir, 'tsconfig.json')]).catch(() => undefined);
  const main = join(buildDir, 'out', entry.replace(/\.ts$/, '.js'));
  if (!existsSync(main)) throw new Error(`tsc did not produce ${main}`);
  return { main, remove: () => rmSync(buildDir, { recursive: true, force: true }) };
}
