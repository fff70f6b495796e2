// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The house plan (docs/architecture.md), enforced with no-restricted-imports on relative paths.
 *
 *   domain       pure: imports only the domain (and pure libraries such as luxon and zod)
 *   app          use cases: the domain and the app itself (its ports)
 *   contract     the shapes the tab's API answers with: domain types only
 *   cards        card view models: the domain, view types in contract, and cards (plus paths.ts, to find
 *                the templates)
 *   store, graph, notify, telemetry
 *                driven adapters: implement app ports; import app, domain, config, logger, paths
 *   bot, api, jobs
 *                driving adapters: call use cases; import app, domain, config, logger, paths.
 *                The bot also renders cards; the API also answers in contract shapes.
 *                Jobs are background use cases on a timer: they call the app like the bot and the API do,
 *                and render nothing, so they sit with them here rather than inside the app.
 *   tab          the browser front end: contract and domain only
 *   config.ts, logger.ts, paths.ts
 *                shared by the adapters: import no layer
 *   server.ts, composition/
 *                the composition root: the one place that sees every layer. scripts/, bench/ and tests/
 *                may import anything.
 *
 * Adapters never import each other, so store, graph, notify and bot are reached only through app ports wired in the
 * composition root. In flat config a later object's no-restricted-imports replaces an earlier one for the same
 * file, so each layer's rule below lists everything it forbids, built from the shared lists here.
 * The tab's rule leaves out bare names: its own api.ts and app.ts are `./api` and `../app` to its files, and
 * src/api and src/app have no index, so reaching them always names a file inside (`../../api/tab-views`).
 */

/** @typedef {{ group?: string[], regex?: string, message: string }} Pattern */

const FOLDERS = [
  'domain',
  'app',
  'contract',
  'cards',
  'store',
  'graph',
  'notify',
  'telemetry',
  'bot',
  'api',
  'jobs',
  'tab',
  'composition',
];
const SHARED_FILES = ['config', 'logger', 'paths', 'server'];

/**
 * What a layer must not import, with a message that says what it may. A forbidden folder is matched by any path
 * through it (`../../store/tables`); a bare relative name (`../telemetry`, `../config`) by a regex, so a package such
 * as `@opentelemetry/api` is never taken for src/api.
 * @param {string} who
 * @param {string[]} allowedFolders
 * @param {{ files?: string[], bare?: boolean, extra?: Pattern[] }} [options]
 * @returns {Pattern[]}
 */
function forbidAllBut(who, allowedFolders, options = {}) {
  const { files = [], bare = true, extra = [] } = options;
  const may = [...allowedFolders, ...files.map((f) => `${f}.ts`)].join(', ') || 'nothing of src';
  const message = `${who} may import only: ${may}. Other layers meet in the composition root (see docs/architecture.md).`;
  const folders = FOLDERS.filter((f) => !allowedFolders.includes(f));
  const bareNames = [...(bare ? folders : []), ...SHARED_FILES.filter((f) => !files.includes(f))];
  return [
    { group: folders.map((f) => `**/${f}/**`), message },
    ...(bareNames.length
      ? [{ regex: `^(\\./|(\\.\\./)+)(${bareNames.join('|')})$`, message }]
      : []),
    ...extra,
  ];
}

/** @type {Pattern} */
const sdkImports = {
  group: [
    'botbuilder',
    'botbuilder-*',
    'botframework-*',
    'express',
    '@azure/*',
    '@microsoft/microsoft-graph-client',
  ],
  message:
    'src/domain, src/app, src/contract, src/cards and src/tab stay free of server SDKs: put this behind a port (see DESIGN.md).',
};
/** @type {Pattern} */
const noIo = {
  group: ['fs', 'node:*', 'http', 'https', 'net'],
  message: 'The domain does no I/O.',
};

const ADAPTER_FILES = ['config', 'logger', 'paths'];

/** @type {Record<string, Pattern[]>} */
const RULES = {
  'src/domain/**/*.ts': forbidAllBut('src/domain', ['domain'], { extra: [sdkImports, noIo] }),
  'src/app/**/*.ts': forbidAllBut('src/app', ['domain', 'app'], { extra: [sdkImports] }),
  'src/contract/**/*.ts': forbidAllBut('src/contract', ['domain', 'contract'], {
    extra: [sdkImports],
  }),
  'src/cards/**/*.ts': forbidAllBut('src/cards', ['domain', 'contract', 'cards'], {
    files: ['paths'],
    extra: [sdkImports],
  }),
  'src/store/**/*.ts': forbidAllBut('src/store', ['domain', 'app', 'store'], {
    files: ADAPTER_FILES,
  }),
  'src/graph/**/*.ts': forbidAllBut('src/graph', ['domain', 'app', 'graph'], {
    files: ADAPTER_FILES,
  }),
  'src/notify/**/*.ts': forbidAllBut('src/notify', ['domain', 'app', 'notify'], {
    files: ADAPTER_FILES,
  }),
  'src/telemetry/**/*.ts': forbidAllBut('src/telemetry', ['domain', 'app', 'telemetry'], {
    files: ADAPTER_FILES,
  }),
  'src/bot/**/*.ts': forbidAllBut('src/bot', ['domain', 'app', 'cards', 'bot'], {
    files: ADAPTER_FILES,
  }),
  'src/api/**/*.ts': forbidAllBut('src/api', ['domain', 'app', 'contract', 'api'], {
    files: ADAPTER_FILES,
  }),
  'src/jobs/**/*.ts': forbidAllBut('src/jobs', ['domain', 'app', 'jobs'], { files: ADAPTER_FILES }),
  'src/tab/**/*.ts': forbidAllBut('src/tab', ['domain', 'contract', 'tab'], {
    bare: false,
    extra: [sdkImports],
  }),
  'src/{config,logger,paths}.ts': forbidAllBut('config.ts, logger.ts and paths.ts', [], {
    files: ADAPTER_FILES,
  }),
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
      // We match control characters on purpose, to strip them from user text and keys.
      'no-control-regex': 'off',
    },
  },
  ...Object.entries(RULES).map(([files, patterns]) => ({
    files: [files],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
);
