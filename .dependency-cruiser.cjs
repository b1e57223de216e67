/**
 * The layering of STYLE.md, checked on every `npm run check`:
 * core → nothing; config → core; connectors/stores/reports → core, config (never each other);
 * engine → core, config; scheduler → engine; cli and server → anything.
 */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      severity: 'error',
      from: { path: layer('core'), pathNot: '\\.test\\.ts$' },
      to: { pathNot: [layer('core')] },
    },
    {
      name: 'config-only-core',
      severity: 'error',
      from: { path: layer('config') },
      to: { path: '^src/', pathNot: [layer('core'), layer('config')] },
    },
    ...['connectors', 'store', 'reports'].map((name) => ({
      name: `${name}-only-core-config`,
      severity: 'error',
      from: { path: layer(name) },
      to: { path: '^src/', pathNot: [layer('core'), layer('config'), layer(name)] },
    })),
    {
      name: 'connectors-are-independent',
      severity: 'error',
      from: { path: '^src/connectors/([^/]+)/' },
      to: { path: '^src/connectors/', pathNot: '^src/connectors/$1/' },
    },
    {
      name: 'engine-through-interfaces',
      severity: 'error',
      from: { path: layer('engine'), pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: [layer('core'), layer('config'), layer('engine')] },
    },
    {
      name: 'scheduler-only-engine',
      severity: 'error',
      from: { path: layer('scheduler') },
      to: { path: '^src/', pathNot: [layer('core'), layer('config'), layer('engine'), layer('scheduler')] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
