/** Jest runs the TypeScript sources as native ESM (NestJS 12 is ESM-only); swc strips types
 * and emits the legacy decorators + metadata Nest's DI and class-validator rely on. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
      },
      module: { type: 'es6' },
      sourceMaps: 'inline',
    }],
  },
  // e2e specs start real servers, stores and browsers; on a shared 2-core machine 5 s (jest's default) is not enough.
  testTimeout: 30_000,
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
};
