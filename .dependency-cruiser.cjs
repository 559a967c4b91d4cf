/**
 * The seams of Demarche, checked rather than hoped for:
 * `npm run depcruise` and test/architecture/dependency-rules.spec.ts both run these rules on src/.
 * Paths are relative to the directory the cruise runs from (the repository root), so the spec can
 * point the same rules at small fixture trees and see each one fire.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain is plain TypeScript over plain data: it imports only itself, no framework, database client or node I/O. ' +
        'Four libraries stay allowed: i18n-iso-countries (country codes); class-validator / class-transformer, because ' +
        'each catalogue entry keeps its details class with its validation rules, so adding an incident type stays one entry; ' +
        "and immutable, persistent maps (pure data structures, no I/O) that keep decision states values without copying them.",
      from: { path: '^src/domain/' },
      to: {
        pathNot: ['^src/domain/', '(^|/)node_modules/(i18n-iso-countries|class-validator|class-transformer|immutable)/'],
      },
    },
    {
      name: 'write-side-not-read-side',
      severity: 'error',
      comment:
        'The write side (src/incidents, src/domain) decides on the pair\'s own stream; it never reads the projections or the ' +
        'relation queries. What it needs to find comes through a small port it owns.',
      from: { path: '^src/(incidents|domain)/' },
      to: { path: '^src/(projections|relations)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one module in two files, or one of them owns a type the other should.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-test-or-bench',
      severity: 'error',
      comment: 'Nothing in src/ exists only for tests or benchmarks: they import src, never the other way round.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a missing dependency or a moved file.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // `import type` counts: a type-only import still ties the importer to the other module's shape.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
