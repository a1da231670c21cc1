// ESLint 9 flat config (CommonJS). typescript-eslint's recommended rules without
// type information, so `npm run lint` stays fast; tsc does the type checking.
const { defineConfig } = require('eslint/config');
const tseslint = require('typescript-eslint');

/**
 * Transport layers and the composition root (src/composition, which builds the domain) that src/domain
 * and src/data must never import (docs/architecture.md "Layering: the one-way rule"; .dependency-cruiser.cjs).
 */
const TRANSPORT_LAYERS = ['oauth-rest', 'resolvers', 'graphql', 'schema', 'pages', 'ops', 'edge', 'app', 'server', 'composition'];

module.exports = defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/**', 'src/sdk/generated.ts'],
  },
  {
    files: ['src/**/*.ts', 'tests/**/*.ts', 'console/src/**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommended],
    rules: {
      // `_`-prefixed parameters and destructured leftovers are deliberate (e.g. `segments.map((_, i) => …)`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The data layer sits under the domain and is just as transport-free.
    files: ['src/domain/**/*.ts', 'src/data/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'express', message: 'src/domain is transport-free: keep Express in src/oauth-rest or src/pages.' },
            { name: 'graphql', message: 'src/domain is transport-free: keep GraphQL in src/graphql, src/schema or src/resolvers.' },
            {
              name: 'type-graphql',
              message: 'src/domain is transport-free: keep type-graphql in src/graphql, src/schema or src/resolvers.',
            },
            { name: 'pino-http', message: 'src/domain is transport-free: HTTP logging belongs to src/ops.' },
          ],
          patterns: [
            {
              group: ['express/*', 'graphql/*', 'type-graphql/*', '@apollo/*', '@as-integrations/*', 'pino-http/*'],
              message: 'src/domain is transport-free (docs/architecture.md "Layering").',
            },
            {
              // The negations leave packages to the group above, so `@apollo/server`, and `graphql` (a package and
              // the src/graphql layer), are reported once, not twice: a layer is reached by a relative path only.
              group: [
                ...TRANSPORT_LAYERS.flatMap((layer) => [`**/${layer}`, `**/${layer}/**`, `**/${layer}.js`]),
                '!@*/**',
                ...TRANSPORT_LAYERS.flatMap((layer) => [`!/${layer}`, `!/${layer}/**`]),
              ],
              message: 'Imports flow one way: transport → domain → entities. Move the shared piece into src/domain instead.',
            },
          ],
        },
      ],
    },
  },
  {
    // The domain owns its ports (src/domain/**/*-store.ts, transactions.ts): the data layer implements them,
    // and no domain file names a repository, an entity or the ORM (a distinct rule id from the transport rule above).
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/data', '**/data/**', '**/entities', '**/entities/**', '!@*/**'],
              message:
                'src/domain owns its ports: declare a store interface beside the service and implement it in src/data (no repository, entity or row type here).',
            },
            {
              group: ['@mikro-orm/*'],
              message: 'src/domain is ORM-free: the data layer (src/data) translates ORM values and errors into domain ones.',
            },
          ],
        },
      ],
    },
  },
  {
    // The console uses nothing but the public GraphQL API: of the server's code, only the generated SDK.
    files: ['console/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!sdk/generated$)',
              message: 'The console speaks only the public GraphQL API: import the generated SDK, nothing else from src/.',
            },
          ],
        },
      ],
    },
  },
);
