export default {
  displayName: 'orchestrator-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  // Black-box tests of the built app: one file at a time, so servers do not compete for 2 cores.
  maxWorkers: 1,
  testTimeout: 120000,
};
