import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
