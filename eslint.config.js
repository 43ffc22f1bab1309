import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

/** One config block per room, forbidding the imports that would break the architecture. */
function rooms(spec) {
  return Object.entries(spec).map(([files, [group, message]]) => ({
    files: [files],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] }
  }))
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.ci/node24/**', 'bench/results/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/no-v-html': 'error',
      // Editors receive Pinia-owned tab objects and edit them in place on purpose: the store is the owner.
      'vue/no-mutating-props': 'off'
    }
  },
  // Room boundaries: the architecture picture in the README, checked. Each room lists what it must not import;
  // arrows only go downstream (shared ← core ← service ← ipc, web, desktop ← index), and nothing but the
  // desktop shell, ipc and preload touches Electron. One block per room: a file belongs to exactly one.
  ...rooms({
    'src/shared/**': [
      ['electron', 'node:*', '**/main/**', '**/renderer/**', '**/preload/**'],
      'shared is the contract: types and pure functions that run in main, the renderer and workers alike.'
    ],
    'src/main/core/**': [
      ['electron', '../service/*', '../store/*', '../ipc/*', '../web/*', '../desktop/*', '../index', '**/renderer/**', '**/preload/**'],
      'core is the Electron-free engine: it imports shared only and takes an event sink.'
    ],
    'src/main/store/**': [
      ['electron', '../core/*', '../service/*', '../ipc/*', '../web/*', '../desktop/*', '../index', '**/renderer/**', '**/preload/**'],
      'store is Electron-free files on disk: it imports shared only (safeStorage and serializers are injected).'
    ],
    'src/main/service/**': [
      ['electron', '../ipc/*', '../web/*', '../desktop/*', '../index', '**/renderer/**', '**/preload/**'],
      'service implements the contract over core and store; the transports (ipc, web) and the shell sit above it.'
    ],
    'src/main/ipc/**': [
      ['../web/*', '../desktop/*', '../index', '**/renderer/**', '**/preload/**'],
      'ipc is the Electron transport over the service; it does not know the browser host or the shell.'
    ],
    'src/main/web/**': [
      ['electron', '../ipc/*', '../desktop/*', '../index', '**/renderer/**', '**/preload/**'],
      'web is the Electron-free browser-mode host over the service.'
    ],
    'src/main/desktop/**': [
      ['../web/*', '!../web/staticFiles', '../index', '**/renderer/**', '**/preload/**'],
      'desktop is the Electron shell; of the browser host it shares only the safe static file resolver.'
    ],
    'src/preload/**': [['node:*', '../main/*', '../renderer/*'], 'the preload is sandboxed: electron and shared only.'],
    'src/scenario/**': [
      [
        'electron',
        '**/main/service/**',
        '**/main/ipc/**',
        '**/main/web/**',
        '**/main/desktop/**',
        '**/renderer/**',
        '**/preload/**',
        '**/cli/**'
      ],
      'scenario is the Electron-free format, runner and mock over core and store, shared by the app and the command line.'
    ],
    'src/scenario/{fromSelection,volatile}.ts': [
      ['electron', 'node:*', '**/main/**', '**/renderer/**', '**/preload/**', '../*', '!./volatile'],
      'the page imports these two: pure, no Node.'
    ],
    'src/cli/**': [
      ['electron', '**/main/service/**', '**/main/ipc/**', '**/main/web/**', '**/main/desktop/**', '**/renderer/**', '**/preload/**'],
      'cli is the sockscope command, a thin shell over core, store and the scenario runner.'
    ],
    'src/renderer/**': [
      ['electron', 'node:*', '**/main/**', '**/preload/**'],
      'the renderer talks to main only through the contract (api/).'
    ],
    // Inside the renderer, state and logic never reach up into the views.
    'src/renderer/src/{api,stores,lib,mappers,composables}/**': [
      ['electron', 'node:*', '**/main/**', '**/preload/**', '**/components/**', '**/*.vue'],
      'api, stores, lib, mappers and composables serve the components; they never import one (nor main or Electron).'
    ]
  }),
  prettier
)
