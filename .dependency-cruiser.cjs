// Which way imports go (issue #16): entrypoints → models/{background,page,host} and components;
// page → components → models/shared; inside the host, tools → lm → onnx → kernels. `npm run lint`
// runs this (and `npm test` runs that); a forbidden import fails the suite.
const ROOMS = '^(models/(background|page|host)|components|entrypoints)/';

module.exports = {
  forbidden: [
    {
      name: 'shared-is-shared',
      comment: 'models/shared is what every context may use: it imports no room.',
      severity: 'error',
      from: { path: '^models/shared/' },
      to: { path: ROOMS },
    },
    {
      name: 'background-room',
      comment: 'The background imports models/shared only.',
      severity: 'error',
      from: { path: '^models/background/' },
      to: { path: '^(models/(page|host)|components|entrypoints)/' },
    },
    {
      name: 'page-room',
      comment: 'Content-script code imports components and models/shared only.',
      severity: 'error',
      from: { path: '^models/page/' },
      to: { path: '^(models/(background|host)|entrypoints)/' },
    },
    {
      name: 'host-room',
      comment: 'The model host imports models/shared only from outside itself.',
      severity: 'error',
      from: { path: '^models/host/' },
      to: { path: '^(models/(background|page)|components|entrypoints)/' },
    },
    {
      name: 'views-use-shared',
      comment: 'Views import models/shared only (containers get the rest passed in).',
      severity: 'error',
      from: { path: '^components/' },
      to: { path: '^(models/(background|page|host)|entrypoints)/' },
    },
    {
      name: 'screens-apart',
      comment: 'A screen imports the shared views (components/result, components/common), never another screen.',
      severity: 'error',
      from: { path: '^components/([^/]+)/' },
      to: { path: '^components/', pathNot: ['^components/$1/', '^components/(result|common)/'] },
    },
    {
      name: 'common-views-leaf',
      comment: 'components/common imports no other view folder.',
      severity: 'error',
      from: { path: '^components/common/' },
      to: { path: '^components/', pathNot: '^components/common/' },
    },
    {
      name: 'kernels-leaf',
      comment: 'The kernels import nothing from Sesame.',
      severity: 'error',
      from: { path: '^models/host/kernels/' },
      to: { path: '^(models|components)/', pathNot: '^models/host/kernels/' },
    },
    {
      name: 'onnx-below-lm',
      comment: 'Graph rewrites know nothing of models, tools or the host.',
      severity: 'error',
      from: { path: '^models/host/onnx/' },
      to: { path: '^models/host/', pathNot: '^models/host/(onnx|kernels|hub)/' },
    },
    {
      name: 'hub-leaf',
      comment: 'Hub listings and file plans import models/shared only.',
      severity: 'error',
      from: { path: '^models/host/hub/' },
      to: { path: '^models/host/', pathNot: '^models/host/hub/' },
    },
    {
      name: 'lm-below-tools',
      comment: 'The language-model layer knows no tool and not the host.',
      severity: 'error',
      from: { path: '^models/host/lm/' },
      to: { path: '^models/host/', pathNot: '^models/host/(lm|onnx|kernels|hub)/' },
    },
    {
      name: 'tools-apart',
      comment: 'A tool imports its own folder, the tools’ shared types and the layers below, never another tool or the host.',
      severity: 'error',
      from: { path: '^models/host/tools/([^/]+)/' },
      to: { path: '^models/host/', pathNot: ['^models/host/tools/$1/', '^models/host/tools/host-tool\\.ts$', '^models/host/(lm|onnx|kernels|hub)/'] },
    },
    {
      name: 'through-the-index',
      comment: 'host/onnx and host/kernels are imported only through their index.ts (the gemv worker entry imports its own file, to stay small).',
      severity: 'error',
      from: { pathNot: ['^models/host/(onnx|kernels)/', '^entrypoints/offscreen/gemv-worker\\.ts$', '^(tests|bench|scripts)/'] },
      to: { path: '^models/host/(onnx|kernels)/(?!index\\.ts$)' },
    },
    {
      name: 'no-folder-pairs',
      comment: 'No two folders import each other (inside models/shared, whose subfolders share its protocol, a folder is models/shared).',
      severity: 'error',
      scope: 'folder',
      from: { pathNot: '^models/shared/.+/' },
      to: { circular: true, pathNot: '^models/shared/.+/' },
    },
    {
      name: 'no-circular',
      comment: 'No module depends on itself through others (type-only imports aside).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.output|\\.wxt)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
    },
  },
};
