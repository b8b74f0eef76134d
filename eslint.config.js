import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // Pages that run in a browser as plain modules, no build step: the player, the lookup kiosk,
    // the counter tablet.
    files: ['device/player-ui/**/*.js', 'device/kiosk-ui/**/*.js', 'fleet/src/counters/tablet/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'module' },
  },
  {
    // The web dashboard (React, built by Vite): browser globals, and data is only ever shown as text.
    files: ['fleet/web/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Names and texts come from users: render them as text, never as markup.',
        },
        {
          selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]',
          message: 'Names and texts come from users: render them as text, never as markup.',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]',
          message: 'Names and texts come from users: render them as text, never as markup.',
        },
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    // The store is asynchronous (PostgreSQL or SQLite through one query builder): a query nobody
    // awaits is a write that may fail unseen or land after the answer.
    files: ['fleet/src/**/*.ts', 'fleet/test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A promise in a condition is always true: a query that was meant to be awaited.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    // CLIs and scripts talk to people on stdout.
    files: ['fleet/src/cli/**', 'scripts/**', '*/src/**/main.ts', 'provisioning/src/**'],
    rules: { 'no-console': 'off' },
  },
);
