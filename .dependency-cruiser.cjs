// The layering of src/, checked by `npm run lint` (docs/architecture.md, "Modules", says why).
// Each folder is a module: others import only its index.ts, and only the modules its row allows.

/** Which modules each module may import (besides itself and node: builtins). */
const LAYERS = {
  core: [],
  config: ['core'],
  rules: ['core'],
  balance: ['core'],
  events: ['core', 'config'],
  stats: ['core'],
  health: ['core'],
  pool: ['core', 'balance'],
  persist: ['core', 'pool'],
  tls: ['core'],
  cache: ['core'],
  protect: ['core'],
  generations: ['core', 'pool', 'persist', 'protect'],
  snapshot: ['core', 'config', 'rules', 'balance', 'pool', 'persist', 'tls', 'stats', 'events', 'health', 'cache', 'protect', 'generations'],
  net: ['core', 'config', 'snapshot'],
  http: ['core', 'snapshot', 'rules', 'pool', 'persist', 'tls', 'stats', 'net', 'cache', 'protect', 'generations'],
  stream: ['core', 'snapshot', 'rules', 'pool', 'persist', 'tls', 'stats', 'net', 'protect'],
  api: ['core', 'config', 'snapshot', 'stats', 'events', 'rules', 'cache'],
  workers: ['core', 'config', 'stats', 'events', 'rules', 'pool'],
  cluster: ['core', 'config', 'stats', 'events', 'api'],
  // The browser code is its own world: it talks to the REST API over HTTP only.
  ui: [],
}

const allowed = Object.entries(LAYERS).map(([from, tos]) => ({
  comment: `${from} may import ${tos.length === 0 ? 'nothing else in src/' : tos.join(', ')}`,
  from: { path: `^src/${from}/` },
  to: { path: [`^src/${from}/`, ...tos.map((t) => `^src/${t}/index\\.ts$`)] },
}))

module.exports = {
  forbidden: [
    {
      name: 'index-only',
      comment: "A module's files are its own: other modules, tests, benchmarks and scripts import its index.ts.",
      severity: 'error',
      from: { path: '^(src/([^/]+)/|test/|bench/|scripts/|examples/)' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$2/', '^src/[^/]+/index\\.ts$', '^src/[^/]+/testing/index\\.ts$', '^src/config/schema/types\\.ts$'] },
    },
    {
      name: 'testing-faces-for-tests',
      comment: "A module's testing/ face (fakes for its contract) is for tests and benchmarks only.",
      severity: 'error',
      from: { path: '^src/', pathNot: ['\\.test\\.ts$', '^src/[^/]+/testing/'] },
      to: { path: '^src/[^/]+/testing/' },
    },
    {
      name: 'no-composition-below-cli',
      comment: 'The composition root (src/server.ts, src/app.ts, src/cluster-host.ts) is imported only by the command line.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: '^src/cli/' },
      to: { path: '^src/(app|server|worker-thread|cluster-host)\\.ts$' },
    },
    {
      name: 'no-cycles-between-modules',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, pathNot: '^src/[^/]+/[^/]+\\.ts$' },
    },
  ],
  allowed: [
    ...allowed,
    { comment: 'the composition root and the command line may import every module', from: { path: '^src/(app|server|worker-thread|cluster-host)\\.ts$|^src/cli/' }, to: { path: '^src/' } },
    { comment: 'unit tests may use the fakes of the modules their own may import', from: { path: '\\.test\\.ts$' }, to: { path: '^src/[^/]+/testing/index\\.ts$' } },
    { comment: 'the schema generator writes config/schema and reads its types', from: { path: '^scripts/gen-config-schema\\.ts$' }, to: { path: '^src/config/schema/types\\.ts$' } },
    { comment: 'node builtins and npm packages', from: {}, to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] } },
    { comment: 'tests, benchmarks, scripts and examples use the modules through their index', from: { path: '^(test|bench|scripts|examples)/' }, to: {} },
  ],
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
}
