// dependency-cruiser: the import rules for src/ (`npm run depcheck`, run by .ci/run after lint).
// `npm run depgraph` prints the folder-level graph (one `from → to` line per arrow).
//
// Type-only imports count (tsPreCompilationDeps): a cycle through `import type` is still a cycle
// in the design, even if the emitted JavaScript drops it.

/** The transport layers (and the app/server entry points): neither src/domain nor src/composition reaches them. */
const TRANSPORT_LAYERS = ['oauth-rest', 'resolvers', 'graphql', 'schema', 'pages', 'ops', 'edge', 'app', 'server'];
/**
 * The layers src/domain must never reach (docs/architecture.md "Layering: the one-way rule"; eslint.config.js
 * holds the same list): the transports, and the composition root (src/composition) that builds the domain.
 */
const ABOVE_DOMAIN = [...TRANSPORT_LAYERS, 'composition'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      // No exception: src/domain and src/data had no module-level cycle when this rule came in.
      comment: 'No import cycles in src/: move the shared piece into a leaf module both sides import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-not-to-persistence',
      severity: 'error',
      comment: 'src/domain is ORM-free: reach persistence through the ports in src/domain, not src/data, src/entities or @mikro-orm.',
      from: { path: '^src/domain/' },
      to: { path: ['^src/(data|entities)/', '^node_modules/@mikro-orm/'] },
    },
    {
      name: 'domain-not-to-transport-packages',
      severity: 'error',
      comment: 'src/domain is transport-free: express, GraphQL, type-graphql and Apollo belong to the transport layers.',
      from: { path: '^src/domain/' },
      to: { path: '^node_modules/(express|graphql|type-graphql|@apollo|@as-integrations|pino-http)/' },
    },
    {
      name: 'domain-not-to-transport-layers',
      severity: 'error',
      comment: 'Imports flow one way: transport → domain. Move the shared piece into src/domain instead.',
      from: { path: '^src/domain/' },
      to: { path: `^src/(${ABOVE_DOMAIN.join('|')})(/|\\.ts$)` },
    },
    {
      name: 'composition-not-to-transport-layers',
      severity: 'error',
      comment: 'src/composition builds the domain from src/domain and src/data; the transports import it, never the other way.',
      from: { path: '^src/composition/' },
      to: { path: `^src/(${TRANSPORT_LAYERS.join('|')})(/|\\.ts$)` },
    },
    {
      name: 'no-orphans',
      severity: 'warn',
      comment: 'A module that imports nothing and that nothing imports is dead code.',
      from: { orphan: true, pathNot: ['\\.d\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
