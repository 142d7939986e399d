import nx from '@nx/eslint-plugin';

/**
 * The libraries keep files and functions small (one concern each, read in one sitting): a file or
 * function past these limits says why in its `eslint-disable` comment. Specs and test helpers are
 * exempt (a spec file holds many small cases). Used by each library's eslint.config.mjs.
 */
export const sizeLimits = {
  files: ['**/*.ts'],
  ignores: ['**/*.spec.ts', '**/testing/**', 'jest.config.ts'],
  rules: {
    'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
    'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
  },
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.nx', '**/output'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          // The layers of the product: the contract depends on nothing; the server library and the
          // client only on the contract (never on each other); the demo on all three.
          depConstraints: [
            { sourceTag: 'scope:contract', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:lib', onlyDependOnLibsWithTags: ['scope:contract'] },
            { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:contract'] },
            // The dashboard page: built on the client (browser code), shipped inside the server
            // library's package as files, never imported by it.
            {
              sourceTag: 'scope:dashboard',
              onlyDependOnLibsWithTags: ['scope:contract', 'scope:client'],
            },
            {
              sourceTag: 'scope:app',
              onlyDependOnLibsWithTags: ['scope:lib', 'scope:contract', 'scope:client'],
            },
            // The browser tests read the page's snapshot type from the dashboard.
            {
              sourceTag: 'scope:e2e',
              onlyDependOnLibsWithTags: [
                'scope:lib',
                'scope:contract',
                'scope:client',
                'scope:dashboard',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
];
