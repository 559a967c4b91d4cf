import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { fileURLToPath } from 'node:url';

/**
 * The rules in .dependency-cruiser.cjs, run the way `npm run depcruise` runs them: first on src/,
 * then on a fixture tree that breaks each rule once, so a rule that stopped firing (a mistyped
 * path, a renamed folder) fails here instead of passing silently.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/violations', import.meta.url));

async function violationsIn(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(`${ROOT}.dependency-cruiser.cjs`);
  const tsConfig = extractTSConfig(`${ROOT}tsconfig.json`);
  const { output } = await cruise(['src'], { ...options, baseDir }, undefined, { tsConfig });
  const result = output as ICruiseResult;
  return result.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`).sort();
}

// Cruising resolves every import of src/ through TypeScript; on a shared machine that takes seconds.
const CRUISE_TIMEOUT_MS = 60_000;

describe('dependency rules', () => {
  it('src/ keeps every rule', async () => {
    expect(await violationsIn(ROOT)).toEqual([]);
  }, CRUISE_TIMEOUT_MS);

  it('each rule fires on the fixture that breaks it, and allowed imports pass', async () => {
    expect(await violationsIn(FIXTURE)).toEqual(
      [
        // Paths as resolved from the fixture's folder: the framework from the repository's node_modules, node:fs as the core module.
        'domain-is-pure: src/domain/framework-user.ts → ../../../../node_modules/@nestjs/common/index.js',
        'domain-is-pure: src/domain/framework-user.ts → fs',
        'write-side-not-read-side: src/incidents/handler-reading-projections.ts → src/projections/read-model.ts',
        // A cycle is reported once, at the module the cruise reaches first.
        'no-circular: src/cycle-one.ts → src/cycle-two.ts',
        'src-not-test-or-bench: src/imports-test.ts → test/helper.ts',
        'not-to-unresolvable: src/imports-missing.ts → ./missing-module.js',
      ].sort(),
    );
  }, CRUISE_TIMEOUT_MS);
});
