// Lint: typescript-eslint's type-aware rules over the TypeScript (src, test, bench), the recommended set over
// the plain JavaScript (scripts, bench, the dashboard's browser code). Formatting is prettier's (`npm run format`).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', '.data/', 'test-output/', 'src/generated/', 'test/generated/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Vendor documents and SQL rows arrive untyped and are checked where they are read, not at every access.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Interface methods (Nest handlers, adapter methods) are async by contract even when one body has no await.
      '@typescript-eslint/require-await': 'off',
      // It reads Prisma's JSON input types differently from tsc and calls needed casts unnecessary.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Mappers run once per vendor record. V8 (Node 20) builds `{ ...spread, key: value }` through a slow path,
    // about 100 times slower than the same object with the spread last (DEVELOPERS.md "Mappers are a hot path").
    files: ['src/fetch/**/*.mapper.ts', 'src/normalise/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectExpression > SpreadElement ~ Property',
          message: 'Put the spread last: a key after a spread makes V8 build the object slowly (a per-record path).',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  // Jest's globals (jest, afterAll, …) in the test files, the plain-JavaScript setup files included.
  { files: ['test/**'], languageOptions: { globals: globals.jest } },
  {
    files: ['src/serve/dashboard/public/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'module' },
  },
  prettier,
);
