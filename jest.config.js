// Test tiers by suffix (CONVENTIONS.md): unit = pure, int = real servers, e2e = HTTP through running services.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];
// ESM-only packages that CommonJS dependencies require (Node 20 can; jest's CommonJS loader cannot).
const esmOnly = ['content-disposition'];
const swcToCommonJs = ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }];
const common = {
  transform: { '^.+\\.ts$': swc, [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: swcToCommonJs },
  // Also where npm nests them under another package (node_modules/a/node_modules/content-disposition).
  transformIgnorePatterns: [`/node_modules/(?!(?:.*/node_modules/)?(?:${esmOnly.join('|')})/)`],
  extensionsToTreatAsEsm: ['.ts'],
  // Tests run against the workspace sources, never a stale dist/.
  moduleNameMapper: {
    '^@uhr/platform$': '<rootDir>/packages/platform/src/index.ts',
    '^@uhr/platform/testing$': '<rootDir>/packages/platform/src/testing/index.ts',
    '^@uhr/contracts$': '<rootDir>/contracts/ts/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
const roots = '<rootDir>/{packages,services,contracts,apps}/**/';
// The stack's endpoints, or testcontainers where a Docker engine answers (packages/platform/src/testing).
const servers = {
  globalSetup: '<rootDir>/packages/platform/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/packages/platform/src/testing/global-teardown.ts',
};
export default {
  // A global option in jest (projects cannot set it): integration tests wait on real servers.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: [`${roots}*.unit.spec.ts`] },
    { ...common, ...servers, displayName: 'int', testMatch: [`${roots}*.int.spec.ts`] },
    { ...common, ...servers, displayName: 'e2e', testMatch: [`${roots}*.e2e.spec.ts`] },
    // The cluster profile's drills (scripts/stack.sh cluster up; ADR 0017): several brokers and signers, killed.
    { ...common, ...servers, displayName: 'cluster', testMatch: [`${roots}*.cluster.spec.ts`] },
    // The portal in a real browser (Debian's chromium) against the running platform and the portal's server.
    { ...common, ...servers, displayName: 'browser', testMatch: [`${roots}*.browser.spec.ts`] },
  ],
};
