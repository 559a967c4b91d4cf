import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The write side (src/domain, src/incidents) decides and appends without the read side: what it
 * needs from it comes through the ports in src/incidents, bound in src/write-side.providers.ts.
 * This holds it to that, whatever kind of import statement a change uses.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WRITE_SIDE = ['src/domain', 'src/incidents'];
const READ_SIDE = ['src/projections', 'src/relations'];

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Project-relative paths of what `source` (at `file`) imports, re-exports or loads dynamically; packages left out. */
function localImports(file: string, source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)));
}

function readSideImports(file: string, source: string): string[] {
  return localImports(file, source).filter((path) => READ_SIDE.some((side) => path === side || path.startsWith(`${side}/`)));
}

describe('the write side', () => {
  const files = WRITE_SIDE.flatMap(sourceFiles);

  it('imports nothing from src/projections or src/relations', () => {
    const offending = files.flatMap((file) => readSideImports(file, readFileSync(join(ROOT, file), 'utf8')).map((path) => `${file} -> ${path}`));
    expect(offending).toEqual([]);
  });

  it('is all read: the handler and the decider are among the files checked, with their imports seen', () => {
    expect(files).toEqual(expect.arrayContaining(['src/incidents/relation-command-handler.ts', 'src/domain/relation.decider.ts']));
    const handler = readFileSync(join(ROOT, 'src/incidents/relation-command-handler.ts'), 'utf8');
    expect(localImports('src/incidents/relation-command-handler.ts', handler)).toContain('src/domain/relation.decider.js');
  });

  it('would be caught importing the read side by any kind of statement', () => {
    const file = 'src/incidents/example.ts';
    expect(readSideImports(file, "import { ProjectionRunner } from '../projections/projection-runner.js';")).toEqual(['src/projections/projection-runner.js']);
    expect(readSideImports(file, "import type { X } from '../relations/relation-query.js';")).toEqual(['src/relations/relation-query.js']);
    expect(readSideImports(file, "export { Y } from '../projections/y.js';")).toEqual(['src/projections/y.js']);
    expect(readSideImports(file, "const m = await import('../projections/z.js');")).toEqual(['src/projections/z.js']);
    expect(readSideImports(file, "import { relationDecider } from '../domain/relation.decider.js';")).toEqual([]);
  });
});
