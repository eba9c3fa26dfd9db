import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const PLAIN_NODE =
  'activation/, history/, batch/, storage/ and simulator/ are plain Node: they may not import main/, preload/, cli/ or electron (see electron/README.md).';
const SIMULATOR_ONLY =
  "The simulator stands in for Microsoft's service: only main/ (demo mode), cli/ and tests may import it (see electron/README.md).";
const CLI_RULE =
  'The command line never loads Electron: cli/ may not import main/, preload/ or electron (see electron/README.md).';

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['electron/**', 'scripts/**', 'e2e/**', 'bench/**', '*.config.{ts,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    // shared/ runs on both sides: no Node, no DOM, no Electron.
    files: ['shared/**'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['node:*', 'electron', 'react', 'react-dom', '../electron/*', '../renderer/*'],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: ['node:*', 'electron', '../electron/*', '../../electron/*'],
        },
      ],
    },
  },
  {
    // The plain-Node folders: no Electron, no window, no command line (electron/README.md).
    files: [
      'electron/activation/**',
      'electron/history/**',
      'electron/batch/**',
      'electron/storage/**',
      'electron/simulator/**',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: PLAIN_NODE }],
          patterns: [{ regex: '^\\.\\.?/(\\.\\./)*(main|preload|cli)(/|$)', message: PLAIN_NODE }],
        },
      ],
    },
  },
  {
    // Only main/, cli/ and tests may reach the stand-in for Microsoft's service.
    files: [
      'electron/activation/**',
      'electron/history/**',
      'electron/batch/**',
      'electron/storage/**',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: PLAIN_NODE }],
          patterns: [
            { regex: '^\\.\\.?/(\\.\\./)*(main|preload|cli)(/|$)', message: PLAIN_NODE },
            { regex: '^\\.\\.?/(\\.\\./)*simulator(/|$)', message: SIMULATOR_ONLY },
          ],
        },
      ],
    },
  },
  {
    // The command line never loads Electron or the window's code.
    files: ['electron/cli/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: CLI_RULE }],
          patterns: [{ regex: '^\\.\\.?/(\\.\\./)*(main|preload)(/|$)', message: CLI_RULE }],
        },
      ],
    },
  },
  {
    // Only the typed wrappers may touch Electron's IPC objects.
    files: ['electron/**'],
    ignores: ['electron/main/ipc/ipc-main.ts', 'electron/preload/preload.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Identifier[name='ipcMain']",
          message: 'Use the typed wrappers in ipc-main.ts.',
        },
        {
          selector: "Identifier[name='ipcRenderer']",
          message: 'Only preload.ts talks to ipcRenderer.',
        },
      ],
    },
  },
);
