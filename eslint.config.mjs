// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdkImports = {
  patterns: [
    {
      group: ['botbuilder', 'botbuilder-*', 'botframework-*', 'express', '@azure/*', '@microsoft/microsoft-graph-client'],
      message: 'src/domain and src/app stay free of SDKs: put this behind a port (see DESIGN.md).',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // We match control characters on purpose, to strip them from user text and keys.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', sdkImports] },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...sdkImports.patterns, { group: ['fs', 'node:*', 'http', 'https', 'net'], message: 'The domain does no I/O.' }] },
      ],
    },
  },
);
