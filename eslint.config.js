// Flat config: type-aware rules from typescript-eslint over src, test, scripts and bench.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The floors of src/, top to bottom (docs/architecture.md). A file may import its own folder and
// anything on a lower floor; an import upwards or sideways (another folder of the same floor) fails.
const FLOORS = [
  ['cli'],
  ['client'],
  ['main.ts'],
  ['api'],
  ['observability'],
  ['jobs'],
  ['services'],
  ['engine'],
  ['store'],
  ['captions', 'config'],
  ['text', 'audio'],
  ['lib', 'runtime', 'errors.ts', 'version.ts'],
];

// Floors below a folder that it still may not reach: the api gets at the store only through the
// services, which own the use cases (types included: a service states the shapes it hands out).
const OUT_OF_REACH = { api: ['store'] };

/** How an import names a floor's module: a folder anywhere in the path, or a file by its .js name. */
const importPatterns = (m) => (m.endsWith('.ts') ? [`**/${m.slice(0, -3)}.js`] : [`**/${m}/**`]);

// Islands: used by other people's programs, so they import only their own folder (flat: `./x.js`)
// and Node's built-ins (`node:…`); no other src folder and no package.
const ISLANDS = ['client'];

const islandRules = ISLANDS.map((own) => ({
  files: [`src/${own}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(?!node:|\\./)',
            message: `src/${own} is an island: it may import only its own folder and node: built-ins (docs/architecture.md)`,
          },
        ],
      },
    ],
  },
}));

const notConsole = {
  group: ['**/console/**'],
  message: 'the server may not import the browser console (src/console)',
};

const floorRules = FLOORS.flatMap((floor, i) =>
  floor
    .filter((own) => !ISLANDS.includes(own))
    .map((own) => ({
      files: [own.endsWith('.ts') ? `src/${own}` : `src/${own}/**`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: FLOORS.slice(0, i + 1)
              .flat()
              .filter((m) => m !== own)
              .map((m) => ({
                group: importPatterns(m),
                message: `src/${own} may not import src/${m}: it is on the same floor or above (docs/architecture.md)`,
              }))
              .concat(
                (OUT_OF_REACH[own] ?? []).map((m) => ({
                  group: importPatterns(m),
                  message: `src/${own} may not import src/${m}: it goes through src/services (docs/architecture.md)`,
                })),
              )
              .concat([notConsole]),
          },
        ],
      },
    })),
);

// src/console/ is the browser program: it runs in the page, not in the server, so it imports nothing
// from the server's floors (and no floor imports it); it talks to the server only over HTTP.
const SERVER_MODULES = FLOORS.flat();
const consoleRules = [
  {
    files: ['src/console/**'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'navigator',
          'location',
          'localStorage',
          'fetch',
          'FormData',
          'Blob',
          'File',
          'URL',
          'URLSearchParams',
          'EventSource',
          'MediaRecorder',
          'AudioContext',
          'confirm',
          'setTimeout',
          'setInterval',
          'clearInterval',
          'requestAnimationFrame',
          'cancelAnimationFrame',
          'addEventListener',
          'removeEventListener',
          'HTMLElement',
          'HTMLAudioElement',
          'Intl',
          'console',
        ].map((g) => [g, 'readonly']),
      ),
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: SERVER_MODULES.map((m) => ({
            group: importPatterns(m),
            message: 'src/console is browser code: it may not import the server (docs/architecture.md)',
          })),
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'dist/', 'var/', 'bin/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['test/**', 'scripts/**', 'bench/**'], rules: { 'no-console': 'off' } },
  // The store answers with promises: one not awaited is a write that may land after its caller moved
  // on, or a row checked for truth that is always truthy. These rules read the types to catch both.
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/console/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  ...floorRules,
  ...islandRules,
  ...consoleRules,
);
