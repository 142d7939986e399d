import nx from '@nx/eslint-plugin';

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
            {
              sourceTag: 'scope:app',
              onlyDependOnLibsWithTags: ['scope:lib', 'scope:contract', 'scope:client'],
            },
            {
              sourceTag: 'scope:e2e',
              onlyDependOnLibsWithTags: ['scope:lib', 'scope:contract', 'scope:client'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
];
