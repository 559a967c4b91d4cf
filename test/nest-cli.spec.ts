import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** nest-cli.json describes this project's layout to Nest tooling: every path it names must exist. */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const readJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

const nestCli = readJson('nest-cli.json');
const packageJson = readJson('package.json');

describe('nest-cli.json', () => {
  it('names a source root and an entry file that exist', () => {
    expect(existsSync(join(ROOT, nestCli.sourceRoot))).toBe(true);
    expect(existsSync(join(ROOT, nestCli.sourceRoot, `${nestCli.entryFile}.ts`))).toBe(true);
  });

  it('builds with tsc from the tsconfig npm run build uses', () => {
    expect(nestCli.compilerOptions.builder).toBe('tsc');
    expect(existsSync(join(ROOT, nestCli.compilerOptions.tsConfigPath))).toBe(true);
    expect(packageJson.scripts.build).toBe(`tsc -p ${nestCli.compilerOptions.tsConfigPath}`);
  });

  it('starts the same compiled file npm run serve starts', () => {
    // `nest start` runs <outDir>/<sourceRoot>/<entryFile>.js; tsc's rootDir "." keeps src/ under dist/.
    const { outDir } = readJson(nestCli.compilerOptions.tsConfigPath).compilerOptions;
    const started = join(outDir, nestCli.sourceRoot, `${nestCli.entryFile}.js`);
    expect(packageJson.scripts.serve).toBe(`node ${started}`);
  });
});
